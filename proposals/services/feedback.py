"""Feedback: every proposer rates the reply; not satisfied → re-handling once; then closing."""

from datetime import date, timedelta

from constance import config
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.predicates import is_proposal_office
from core.deadlines import record_rehandling_deadline, rehandling_deadline
from core.exceptions import ActionForbidden, Refused
from core.i18n import recorded
from proposals.models import Proposal, ProposalRating, ProposalReply, Rating, Status

# One re-handling round after an unsatisfied rating (domain.md §2: "[I] one round").
MAX_ROUNDS = 2


def outcome(proposal: Proposal) -> str | None:
    """What the ratings of the current round decide: None while someone has not rated yet."""
    from proposals.selectors import proposer_user_ids

    ratings = list(ProposalRating.objects.filter(proposal=proposal, round=proposal.round))
    if {r.user_id for r in ratings} < proposer_user_ids(proposal):
        return None
    if any(r.rating == Rating.UNSATISFIED for r in ratings):
        return Status.UNSATISFIED
    follow_up = ProposalReply.objects.filter(
        proposal=proposal, round=proposal.round, reply_class__needs_follow_up=True
    ).exists()
    return Status.FOLLOW_UP if follow_up else Status.CLOSED


def _require_outcome(proposal: Proposal, expected: str) -> None:
    found = outcome(proposal)
    if found is None:
        raise Refused(_("尚有提案者未评价答复。"))
    if found != expected:
        raise Refused(_("评价结果与该操作不符。"))


def guard_conclude_closed(proposal: Proposal, **kwargs) -> None:
    _require_outcome(proposal, Status.CLOSED)


def guard_conclude_follow_up(proposal: Proposal, **kwargs) -> None:
    _require_outcome(proposal, Status.FOLLOW_UP)


def guard_conclude_unsatisfied(proposal: Proposal, **kwargs) -> None:
    _require_outcome(proposal, Status.UNSATISFIED)


CONCLUSIONS = {
    Status.CLOSED: "conclude_closed",
    Status.FOLLOW_UP: "conclude_follow_up",
    Status.UNSATISFIED: "conclude_unsatisfied",
}
# One line of the unsatisfied conclusion's note: who rated 不满意, and why.
UNSATISFIED_LINE = gettext_lazy("%(name)s：%(reason)s")


def unsatisfied_reasons(proposal: Proposal) -> str:
    """The note of an unsatisfied conclusion: each 不满意 of the current round with its proposer's reason, in
    the order they were given, as the record keeps it (the proposal office is told it and re-handles by it)."""
    rows = ProposalRating.objects.filter(proposal=proposal, round=proposal.round, rating=Rating.UNSATISFIED)
    return "\n".join(
        recorded(UNSATISFIED_LINE, {"name": r.user.display, "reason": r.reason})
        for r in rows.select_related("user").order_by("created_at", "id")
    )


@transaction.atomic
def rate_reply(*, proposal: Proposal, actor, rating: str, reason: str = "", on_behalf_of=None) -> ProposalRating:
    """A proposer rates the reply of the current round; the last rating decides what happens next.

    The office may enter a proposer's paper feedback form (on_behalf_of)."""
    from core.workflow import perform
    from proposals.selectors import proposer_user_ids

    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    rater = actor
    if on_behalf_of is not None:
        if not is_proposal_office(actor):
            raise ActionForbidden(_("只有提案委员会工作人员可以代为录入书面评价。"))
        rater = on_behalf_of
    if rater.pk not in proposer_user_ids(proposal):
        raise ActionForbidden(_("只有提案者本人可以评价答复。"))
    if proposal.status != Status.REPLIED:
        raise Refused(_("提案当前状态为“%(s)s”，暂不能评价答复。") % {"s": proposal.get_status_display()})
    if rating not in Rating.values:
        msg = _("请选择满意、基本满意或不满意。")
        raise Refused(msg, fields={"rating": [msg]})
    reason = (reason or "").strip()
    if rating == Rating.UNSATISFIED and not reason:
        msg = _("选择“不满意”时请填写理由，以便重新办理。")
        raise Refused(msg, fields={"reason": [msg]})
    if ProposalRating.objects.filter(proposal=proposal, round=proposal.round, user=rater).exists():
        raise Refused(_("您已评价过本轮答复。"))
    row = ProposalRating(
        proposal=proposal, round=proposal.round, user=rater, rating=rating, reason=reason, recorded_by=actor
    )
    row.full_clean()
    row.save()
    result = outcome(proposal)
    if result is not None:
        # The ratings together decide, not the last proposer to rate: the conclusion is the platform's step
        # (no actor, 系统 on the timeline), and an unsatisfied one carries every 不满意 reason of the round.
        note = unsatisfied_reasons(proposal) if result == Status.UNSATISFIED else ""
        perform(proposal, CONCLUSIONS[result], actor=None, note=note)
    return row


def guard_rehandle(proposal: Proposal, **kwargs) -> None:
    if proposal.round >= MAX_ROUNDS:
        raise Refused(_("本提案已重新办理过，不再交重新办理；请向提案者说明情况后办结。"))


def rehandle_offered(user, proposal: Proposal) -> bool:
    """Offer 交重新办理 only while a re-handling round is left (`guard_rehandle`); after it the office closes
    the file (the page says so: `selectors.viewer_flags`)."""
    return proposal.round < MAX_ROUNDS


def on_rehandle(proposal: Proposal, *, actor, change, **kwargs) -> None:
    """A second round: the units re-consult the proposer and reply again within the re-handling period
    (never ending before the deadline they already had); a key proposal's supervision task follows it."""
    from proposals.services.recognition import follow_reply_due

    old_due, days = proposal.reply_due, int(config.PROPOSAL_REHANDLE_DAYS)
    proposal.round += 1
    proposal.reply_due = rehandling_deadline(old_due, days)
    proposal.save(update_fields=["round", "reply_due"])
    record_rehandling_deadline(change, old=old_due, new=proposal.reply_due, days=days)
    follow_reply_due(proposal, actor=actor, change=change)


def rating_period_end(proposal: Proposal) -> date | None:
    """The last day the proposers have to rate the reply: fixed when it was sent to them (PROPOSAL_RATING_DAYS
    after it); for a reply sent before the day was kept, counted with the rule in force now."""
    if proposal.replied_at is None:
        return None
    if proposal.rating_due is not None:
        return proposal.rating_due
    return timezone.localdate(proposal.replied_at) + timedelta(days=int(config.PROPOSAL_RATING_DAYS))


def rating_open_until(proposal: Proposal) -> date | None:
    """While a replied proposal still waits for a proposer's rating within the period, the period's last day;
    else None (the office may close it)."""
    if proposal.status != Status.REPLIED:
        return None
    end = rating_period_end(proposal)
    if end is None or timezone.localdate() > end or not unrated_proposers(proposal).exists():
        return None
    return end


def guard_close(proposal: Proposal, **kwargs) -> None:
    """Closing a replied proposal would take the proposers' right to rate it: wait for them or the period's end."""
    end = rating_open_until(proposal)
    if end is not None:
        raise Refused(_("委员评价期限至%(d)s，期满或全部评价后方可办结。") % {"d": end.isoformat()})


def close_offered(user, proposal: Proposal) -> bool:
    """Offer 办结 only once closing would not cut the proposers' rating short."""
    return rating_open_until(proposal) is None


def on_close(proposal: Proposal, **kwargs) -> None:
    proposal.closed_at = timezone.now()
    proposal.save(update_fields=["closed_at"])


def unrated_proposers(proposal: Proposal):
    """Proposers who have not rated the current round yet."""
    from proposals.selectors import proposer_user_ids

    rated = ProposalRating.objects.filter(proposal=proposal, round=proposal.round).values("user")
    return get_user_model().objects.filter(pk__in=proposer_user_ids(proposal)).exclude(pk__in=rated)
