"""Reminders for overdue proposal work: units whose reply is due soon or late, proposers who have not rated.

`send_proposal_reminders` is run by cron or a systemd timer (docs/operations.md), like supervision's
`send_reminders`. It may run any number of times a day and may be killed at any point:
- each reminder is claimed by inserting a ProposalReminder row under a unique key
  (proposal, kind, target, window); a second or concurrent run fails the insert and sends nothing;
- windows: one "due soon" reminder per deadline (within PROPOSAL_REMIND_BEFORE_DAYS of it); after the
  deadline one "overdue" reminder per PROPOSAL_REMIND_EVERY_DAYS days; proposers who have not rated
  PROPOSAL_RATING_DAYS days after the reply get one reminder per PROPOSAL_REMIND_EVERY_DAYS days;
- the message goes out in a background task (django.tasks) enqueued on commit; the task creates the
  notifications (inbox, and e-mail or the daily digest) and marks the row sent in one transaction, so
  a worker killed halfway leaves the row unsent and a later run re-enqueues it after STALE_AFTER.
Deadlines are the proposal's own `reply_due` (set on hand-over, extension and re-handling).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from constance import config
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core import tasks as queue
from proposals.models import Proposal, ProposalAssignment, ProposalRating, ProposalReminder, ProposalReply, Status

STALE_AFTER = timedelta(minutes=15)
# The units owe a reply in these states (ASSIGNED: not even acknowledged yet).
OWED_STATES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.REHANDLING)
Kind = ProposalReminder.Kind


@dataclass
class RunResult:
    claimed: dict = field(default_factory=dict)
    requeued: int = 0


def _window(start: date, today: date, every: int) -> date:
    """The first day of the repeating window (of `every` days) that today falls in, counted from start."""
    every = max(1, every)
    return start + timedelta(days=((today - start).days // every) * every)


def owing_units(today: date):
    """(proposal, assignment) pairs whose reply is owed: active lead/separate units without a reply in
    the current round, on proposals still waiting for units. One query."""
    replied = ProposalReply.objects.filter(
        proposal=OuterRef("proposal"), department=OuterRef("department"), round=OuterRef("proposal__round")
    )
    return (
        ProposalAssignment.objects.filter(
            is_active=True,
            role__in=("lead", "separate"),
            proposal__status__in=OWED_STATES,
            proposal__reply_due__isnull=False,
        )
        .exclude(Exists(replied))
        .select_related("proposal")
        .only("pk", "department_id", "proposal__id", "proposal__round", "proposal__reply_due")
    )


def unrated(today: date, rating_days: int):
    """(proposal, user, due) triples: proposers who have not rated a reply sent rating_days ago or more."""
    from proposals.selectors import proposer_user_ids

    proposals = Proposal.objects.filter(status=Status.REPLIED, replied_at__isnull=False).only(
        "pk", "round", "replied_at", "rating_due"
    )
    for proposal in proposals:
        # The window fixed when the reply was sent; for older replies, the rule in force now.
        due = proposal.rating_due or timezone.localdate(proposal.replied_at) + timedelta(days=rating_days)
        if due > today:
            continue
        rated = set(
            ProposalRating.objects.filter(proposal=proposal, round=proposal.round).values_list("user_id", flat=True)
        )
        for user_id in sorted(proposer_user_ids(proposal) - rated):
            yield proposal, user_id, due


def send_reminders(*, today: date | None = None) -> RunResult:
    """Claim each due reminder once and enqueue its sending."""
    today = today or timezone.localdate()
    result = RunResult(claimed={k: 0 for k in Kind.values})
    # Read the configuration once per run (each read may be a query).
    before = int(config.PROPOSAL_REMIND_BEFORE_DAYS)
    every = int(config.PROPOSAL_REMIND_EVERY_DAYS)
    rating_days = int(config.PROPOSAL_RATING_DAYS)
    for row in owing_units(today):
        proposal, due = row.proposal, row.proposal.reply_due
        if today > due:
            kind, window = Kind.OVERDUE, _window(due + timedelta(days=1), today, every)
        elif (due - today).days <= before:
            kind, window = Kind.DUE_SOON, due
        else:
            continue
        result.claimed[kind] += claim(
            proposal=proposal, kind=kind, due=due, window=window, department_id=row.department_id
        )
    for proposal, user_id, due in unrated(today, rating_days):
        window = _window(due, today, every)
        result.claimed[Kind.RATING] += claim(
            proposal=proposal, kind=Kind.RATING, due=due, window=window, user_id=user_id
        )
    result.requeued = requeue_stale()
    return result


def claim(*, proposal, kind: str, due: date, window: date, department_id=None, user_id=None) -> bool:
    """Insert the reminder's row; False if it was already claimed for this window."""
    from proposals.tasks import deliver_reminder

    now = timezone.now()
    target = f"dept:{department_id}" if department_id else f"user:{user_id}"
    try:
        with transaction.atomic():
            log = ProposalReminder.objects.create(
                proposal=proposal,
                kind=kind,
                department_id=department_id,
                user_id=user_id,
                target=target,
                round=proposal.round,
                due_date=due,
                window=window,
                claimed_at=now,
                enqueued_at=now,
            )
            queue.enqueue_on_commit(deliver_reminder, log.pk)
    except IntegrityError:
        return False
    return True


def requeue_stale() -> int:
    """Enqueue again the reminders claimed long ago and still unsent (a killed run or worker)."""
    from proposals.tasks import deliver_reminder

    return queue.requeue_stale(ProposalReminder, deliver_reminder, older_than=STALE_AFTER)


def still_owed(log: ProposalReminder) -> bool:
    """Whether the work is still outstanding when the message goes out (it may have been done since)."""
    proposal = log.proposal
    if proposal.round != log.round:
        return False
    if log.kind == Kind.RATING:
        return (
            proposal.status == Status.REPLIED
            and not ProposalRating.objects.filter(proposal=proposal, round=proposal.round, user_id=log.user_id).exists()
        )
    return (
        proposal.status in OWED_STATES
        and proposal.assignments.filter(is_active=True, department_id=log.department_id).exists()
        and not ProposalReply.objects.filter(
            proposal=proposal, department_id=log.department_id, round=proposal.round
        ).exists()
    )


def deliver(*, reminder_id: int) -> int:
    """Send one claimed reminder (inbox, and e-mail or digest); returns recipients, 0 if already sent
    or if the work was done in the meantime."""
    from django.contrib.auth import get_user_model

    from notifications.services import notify
    from proposals.selectors import _role_users

    with transaction.atomic():
        log = (
            ProposalReminder.objects.select_for_update(of=("self",))
            .filter(pk=reminder_id, sent_at__isnull=True)
            .select_related("proposal", "department")
            .first()
        )
        if log is None:
            return 0
        recipients = []
        if still_owed(log):
            if log.kind == Kind.RATING:
                recipients = list(get_user_model().objects.filter(pk=log.user_id, is_active=True))
            else:
                from accounts.roles import Role

                recipients = list(_role_users(Role.DEPT_LIAISON).filter(department_id=log.department_id))
            title, body, params = _message(log)
            notify(
                recipients=recipients,
                event_key=f"proposal-reminder:{log.pk}",
                title=title,
                body=body,
                params=params,
                target=log.proposal,
            )
        log.sent_at = timezone.now()
        log.recipients = len(recipients)
        log.save(update_fields=["sent_at", "recipients"])
        return len(recipients)


def _message(log: ProposalReminder) -> tuple:
    """Title, body and their values, worded later in each recipient's language."""
    proposal = log.proposal
    values = {
        "title": proposal.title[:60],
        "due": log.due_date.isoformat(),
        "days": (timezone.localdate() - log.due_date).days,
        "left": (log.due_date - timezone.localdate()).days,
    }
    if log.kind == Kind.DUE_SOON:
        return (
            gettext_lazy("提案答复即将到期：%(title)s"),
            gettext_lazy("答复期限为%(due)s（还剩%(left)s天），请抓紧办理，与提案者沟通后按时答复。"),
            values,
        )
    if log.kind == Kind.OVERDUE:
        return (
            gettext_lazy("提案答复已逾期：%(title)s"),
            gettext_lazy("答复期限%(due)s已过%(days)s天，请尽快办理并答复；如有困难请与提案委员会联系。"),
            values,
        )
    return (
        gettext_lazy("请评价提案答复：%(title)s"),
        gettext_lazy("承办单位的答复已送达，请登录系统对答复作出评价（满意、基本满意或不满意）。"),
        values,
    )
