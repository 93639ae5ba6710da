"""Review by the proposals committee: file (立案) with a number, not file, convert, merge (并案)."""

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import Refused
from core.http import as_int
from core.i18n import record_language, recorded
from district.models import Session
from proposals.models import UNIT_STATES, Conversion, Proposal, RejectGround, Status
from proposals.services.drafting import session_for

# A proposal can be merged into one that is filed but not yet answered (its proposers then rate the reply).
MERGEABLE_STATES = frozenset(
    {Status.FILED, Status.TO_ASSIGN, Status.ASSIGNED, Status.RETURN_REQUESTED, Status.IN_PROGRESS}
)


def guard_file(proposal: Proposal, **kwargs) -> None:
    """A number needs a session (届次/会次) to count in."""
    if proposal.session_id is None and session_for(timezone.localdate().year) is None:
        raise Refused(_("尚未设置本届全体会议的会次，无法编号。请先在区政协组织中添加会次。"))


def on_file(proposal: Proposal, *, actor, **kwargs) -> None:
    """Give the next number of its session (the session row is locked so two filings never share one)."""
    if proposal.session_id is None:
        proposal.session = session_for(timezone.localdate().year)
    Session.objects.select_for_update().get(pk=proposal.session_id)
    last = Proposal.objects.filter(session_id=proposal.session_id).aggregate(m=Max("serial"))["m"] or 0
    proposal.serial = last + 1
    proposal.filed_at = timezone.now()
    proposal.save(update_fields=["session", "serial", "filed_at"])


def _ground(data: dict) -> str:
    ground = (data or {}).get("ground") or ""
    if ground not in RejectGround.values:
        msg = _("请选择不予立案的理由类别。")
        raise Refused(msg, fields={"ground": [msg]})
    return ground


def guard_reject(proposal: Proposal, *, data, **kwargs) -> None:
    """Not filing needs one of the listed grounds (a second subject is one of them) and a written reason."""
    _ground(data)


def on_reject(proposal: Proposal, *, data, **kwargs) -> None:
    proposal.reject_ground = _ground(data)
    proposal.save(update_fields=["reject_ground"])


def guard_convert(proposal: Proposal, *, data, **kwargs) -> None:
    """Converting needs the proposer's consent (domain.md §2, [S4])."""
    _ground(data)
    if (data or {}).get("conversion") not in Conversion.values:
        msg = _("请选择转为社情民意信息还是委员来信。")
        raise Refused(msg, fields={"conversion": [msg]})
    if not proposal.consents_to_conversion:
        raise Refused(_("提案者未同意转为社情民意信息或委员来信，不能转办；请先征得提案者同意，或作不予立案处理。"))


def convert_offered(user, proposal: Proposal) -> bool:
    """Offer 不予立案并转办 only when the proposer consented to a conversion (the rule `guard_convert` refuses
    by); the page says so instead (`selectors.viewer_flags`)."""
    return proposal.consents_to_conversion


def on_convert(proposal: Proposal, *, actor, data, note, **kwargs) -> None:
    """Record the conversion; a 社情民意 conversion becomes a submitted report for the information office."""
    from core.workflow import perform
    from opinions.services import draft_report

    proposal.reject_ground = _ground(data)
    proposal.conversion = data["conversion"]
    if proposal.conversion == Conversion.REPORT:
        body = "\n\n".join(x for x in [proposal.case, proposal.analysis, proposal.suggestions] if (x or "").strip())
        report = draft_report(
            title=proposal.title,
            body=body,
            author=proposal.author,
            member=proposal.member,
            source=proposal,
        )
        perform(report, "submit", actor=actor, note=_("由提案转来：%(reason)s") % {"reason": note})
        proposal.converted_report = report
    proposal.save(update_fields=["reject_ground", "conversion", "converted_report"])


def _master(proposal: Proposal, data: dict) -> Proposal:
    raw = str((data or {}).get("master") or "").strip()
    msg = _("请选择要并入的已立案提案。")
    if as_int(raw) is None:
        raise Refused(msg, fields={"master": [msg]})
    master = Proposal.objects.filter(pk=as_int(raw)).first()
    if master is None or master.pk == proposal.pk:
        raise Refused(msg, fields={"master": [msg]})
    if master.status not in MERGEABLE_STATES or master.merged_into_id:
        raise Refused(_("只能并入已立案、尚未答复的提案。"), fields={"master": [msg]})
    return master


def guard_merge(proposal: Proposal, *, data, **kwargs) -> None:
    """Merging goes into a filed, open proposal."""
    _master(proposal, data)


def merge_offered(user, proposal: Proposal) -> bool:
    """Offer 并案 only while there is a proposal to merge into (`selectors.merge_candidates`, the form's
    choices, which `guard_merge` accepts)."""
    from proposals.selectors import merge_candidates

    return merge_candidates(proposal).exists()


MERGED_INTO = gettext_lazy("并入%(number)s提案《%(title)s》，由其承办单位一并办理答复，请留意该提案的答复并评价。")


def on_merge(proposal: Proposal, *, data, change, **kwargs) -> None:
    """The merged proposal keeps its authors, who are answered with the master and rate its reply: the step
    names the master (its note goes into the notice the merged proposal's proposers get), and the master's
    units, who now answer these proposers too, are told."""
    master = _master(proposal, data)
    proposal.merged_into = master
    proposal.save(update_fields=["merged_into"])
    with record_language():
        words = {"number": master.number or _("（未编号）"), "title": master.title}
    line = recorded(MERGED_INTO, words)
    change.note = f"{change.note}\n{line}" if change.note else line
    change.save(update_fields=["note"])
    _tell_master_units(master, proposal)


def _tell_master_units(master: Proposal, merged: Proposal) -> None:
    """The liaisons of the units the master was handed to: they answer the merged proposal's proposers too."""
    from notifications.services import notify
    from proposals.selectors import _unit_liaisons

    if master.status not in UNIT_STATES:
        return  # not handed over yet: the units receive it with the merged proposal's proposers on it
    with record_language():
        proposers = merged.proposer_label
    notify(
        recipients=_unit_liaisons(master),
        event_key=f"proposal:{master.pk}:merged:{merged.pk}",
        title=gettext_lazy("“%(master)s”有提案并入：%(title)s"),
        body=gettext_lazy(
            "《%(title)s》（提案者：%(proposers)s）已并入本提案。请在答复中一并回应，其提案者也将评价本提案的答复。"
        ),
        params={"master": master.title[:60], "title": merged.title[:60], "proposers": proposers},
        target=master,
    )
