"""Key proposals (重点提案) supervised by a chair with a handling consultation, and excellent proposals."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.predicates import is_cppcc_leader, is_proposal_office
from accounts.roles import Role
from consultations.models import Meeting, MeetingKind, MeetingParticipant, ParticipantRole
from core.exceptions import ActionForbidden, Refused
from core.i18n import record_language, recorded
from district.models import Member
from proposals.models import EXCELLENT_STATES, FILED_STATES, Proposal, Status, UnitRole


def _require_selector(actor) -> None:
    if not (is_proposal_office(actor) or is_cppcc_leader(actor)):
        raise ActionForbidden(_("只有提案委员会或主席会议成员可以确定重点提案。"))


@transaction.atomic
def mark_key(*, proposal: Proposal, supervisor, actor, year: int | None = None) -> Proposal:
    """Choose a filed proposal as a key proposal supervised by a chair or vice-chair; open a supervision task."""
    from supervision.services import create_task

    _require_selector(actor)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in FILED_STATES or proposal.status == Status.CLOSED:
        raise Refused(_("只有已立案、尚未办结的提案可以确定为重点提案。"))
    if proposal.is_key:
        raise Refused(_("该提案已是重点提案。"))
    if supervisor is None or not supervisor.has_role(Role.CHAIR, Role.VICE_CHAIR):
        msg = _("重点提案须由主席或副主席督办，请选择督办领导。")
        raise Refused(msg, fields={"supervisor": [msg]})
    proposal.is_key = True
    proposal.key_year = year or (proposal.session.year if proposal.session else timezone.localdate().year)
    proposal.key_supervisor = supervisor
    proposal._history_user = actor
    proposal.save(update_fields=["is_key", "key_year", "key_supervisor", "updated_at"])
    units = list(proposal.assignments.filter(is_active=True).select_related("department"))
    lead = next((a.department for a in units if a.role != UnitRole.CO), None)
    # Stored text, in the district's language; the government office (who transfers it) and the supervising
    # leader are told of the new task (create_task), whose deadline then follows the proposal's (follow_reply_due).
    create_task(
        source=proposal,
        title=recorded(gettext_lazy("重点提案督办：%(title)s"), {"title": proposal.title}),
        actor=actor,
        description=recorded(
            gettext_lazy("%(year)s年度重点提案，由%(who)s督办。"),
            {"year": proposal.key_year, "who": supervisor.display},
        ),
        lead_department=lead,
        co_departments=[a.department for a in units if a.department != lead],
        due_date=proposal.reply_due,
        rater=supervisor,  # the chair or vice-chair supervising the key proposal rates the unit's reply
    )
    return proposal


def follow_reply_due(proposal: Proposal, *, actor, change) -> None:
    """A key proposal's supervision task keeps the proposal's reply deadline: when the proposal step `change`
    set it (hand-over, extension, re-handling), the task takes the date, the step named as the reason
    on the task's timeline."""
    if not proposal.is_key:
        return
    from core.workflow import workflow_for
    from supervision.services import follow_source_deadline

    with record_language():
        step = workflow_for(proposal).step_label(change.action)
    if change.note:
        reason = recorded(gettext_lazy("依据提案“%(step)s”：%(note)s"), {"step": step, "note": change.note})
    else:
        reason = recorded(gettext_lazy("依据提案“%(step)s”。"), {"step": step})
    follow_source_deadline(source=proposal, due=proposal.reply_due, actor=actor, reason=reason)


@transaction.atomic
def schedule_handling_meeting(
    *, proposal: Proposal, actor, starts_at, ends_at, place: str = "", agenda: str = ""
) -> Meeting:
    """Convene a proposal-handling consultation (提案办理协商会) on a key proposal, with its people invited."""
    from proposals.selectors import proposer_members, proposers

    _require_selector(actor)
    if not proposal.is_key:
        raise Refused(_("请先将该提案确定为重点提案，再召开提案办理协商会。"))
    if ends_at < starts_at:
        raise Refused(_("结束时间不能早于开始时间。"), fields={"ends_at": [_("结束时间不能早于开始时间。")]})
    meeting = Meeting(
        kind=MeetingKind.PROPOSAL_HANDLING,
        title=(_("重点提案办理协商会：%(title)s") % {"title": proposal.title})[:200],
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        agenda=agenda,
        subject=proposal,
        created_by=actor,
    )
    meeting._history_user = actor
    meeting.full_clean()
    meeting.save()
    rows = []
    supervisor = proposal.key_supervisor
    if supervisor is not None:
        rows.append(_participant(meeting, supervisor, ParticipantRole.PRESIDING))
    # Every proposer is invited, those without a platform account too (the office notifies them itself), so
    # the minutes list all of them; an author who is no member (a collective proposal's staff) as a user.
    seen = {supervisor.pk} if supervisor is not None else set()
    for member in proposer_members(proposal).select_related("user"):
        if member.user_id is None or member.user_id not in seen:
            rows.append(
                MeetingParticipant(
                    meeting=meeting, role=ParticipantRole.MEMBER, user=member.user, member=member, name=member.name
                )
            )
        if member.user_id is not None:
            seen.add(member.user_id)
    for user in proposers(proposal).exclude(pk__in=seen):
        rows.append(_participant(meeting, user, ParticipantRole.MEMBER))
    for a in proposal.assignments.filter(is_active=True).select_related("department"):
        dept = a.department
        rows.append(
            MeetingParticipant(
                meeting=meeting, role=ParticipantRole.DEPT_HEAD, department=dept, name=dept.head_name or dept.name
            )
        )
    MeetingParticipant.objects.bulk_create(rows)
    return meeting


def _participant(meeting: Meeting, user, role: str) -> MeetingParticipant:
    member = Member.objects.filter(user=user).first()
    return MeetingParticipant(meeting=meeting, role=role, user=user, member=member, name=user.display)


@transaction.atomic
def select_excellent(*, proposal: Proposal, actor, year: int) -> Proposal:
    """Select an answered proposal as an excellent proposal (优秀提案) of the year."""
    if not is_proposal_office(actor):
        raise ActionForbidden(_("只有提案委员会可以评选优秀提案。"))
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status not in EXCELLENT_STATES:
        raise Refused(
            _("只有已答复（或已办结）的提案可以评为优秀提案；本提案当前状态为“%(s)s”。")
            % {"s": proposal.get_status_display()}
        )
    if proposal.is_excellent:
        raise Refused(_("该提案已评为优秀提案。"))
    proposal.is_excellent, proposal.excellent_year, proposal.excellent_withdrawn_reason = True, year, ""
    proposal._history_user = actor
    proposal.save(update_fields=["is_excellent", "excellent_year", "excellent_withdrawn_reason", "updated_at"])
    return proposal


@transaction.atomic
def withdraw_excellent(*, proposal: Proposal, actor, reason: str) -> Proposal:
    """Withdraw an excellent-proposal selection; the reason stays in the proposal's audited history."""
    if not is_proposal_office(actor):
        raise ActionForbidden(_("只有提案委员会可以撤销优秀提案。"))
    reason = (reason or "").strip()
    if not reason:
        msg = _("请填写撤销优秀提案的理由。")
        raise Refused(msg, fields={"reason": [msg]})
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_excellent:
        raise Refused(_("该提案不是优秀提案，无需撤销。"))
    proposal.is_excellent, proposal.excellent_year, proposal.excellent_withdrawn_reason = False, None, reason
    proposal._history_user = actor
    proposal.save(update_fields=["is_excellent", "excellent_year", "excellent_withdrawn_reason", "updated_at"])
    return proposal
