"""The shared meeting record: create, invite, reply, check in, speeches, outcome items, minutes.

Generic on purpose: the plan's standing-committee vote, proposal-handling consultations, micro- and
community consultations all call these functions with their own `kind` and `subject`.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.predicates import is_member
from consultations.models import (
    Attendance,
    Meeting,
    MeetingKind,
    MeetingMaterial,
    MeetingParticipant,
    MeetingStatus,
    OutcomeItem,
    ParticipantRole,
    Speech,
    SpeechKind,
)
from consultations.predicates import convenes_meetings, manages_meeting
from consultations.selectors import (
    MATERIAL_KIND,
    answers_invitation,
    convene_blocker,
    is_plan_vote_meeting,
    meeting_day_reached,
    notice_blocker,
    outcome_locked_by,
    participant_recipients,
    requires_department,
    takes_deputies,
)
from core.exceptions import ActionForbidden, Refused, TransitionNotAllowed
from core.i18n import join_list, recorded
from core.models import Attachment
from core.services import discard_attachment, record_status_change, store_attachment

CLOSED = (MeetingStatus.MINUTED, MeetingStatus.CANCELLED)
# Who did not come (asked for leave, or recorded absent): not a speaker at the meeting.
NOT_PRESENT = (Attendance.DECLINED, Attendance.ABSENT)


def _require_manager(actor, meeting) -> None:
    if not manages_meeting(actor, meeting):
        raise ActionForbidden(_("只有会议召集单位可以进行此操作。"))


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    # A meeting that ends as it starts ("09:00 – 09:00") is a typing mistake, like one that ends before.
    if ends_at <= starts_at:
        raise Refused(_("结束时间必须晚于开始时间。"), fields={"ends_at": [_("结束时间必须晚于开始时间。")]})


@transaction.atomic
def create_meeting(
    *,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    actor,
    place: str = "",
    agenda: str = "",
    subject=None,
    town=None,
    community=None,
    research_group=None,
    conveners: str = "",
    idempotency_key: str | None = None,
) -> Meeting:
    """Create a meeting of any kind (status: planned) about an optional subject record."""
    _check_times(starts_at, ends_at)
    meeting = Meeting(
        idempotency_key=idempotency_key or None,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        agenda=agenda,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        town=town,
        community=community,
        research_group=research_group,
        conveners=conveners,
        created_by=actor,
    )
    meeting.full_clean()
    meeting._history_user = actor
    meeting.save()
    return meeting


def _participant_name(user, member, department) -> str:
    if member is not None:
        return member.name
    if user is not None:
        return user.display
    if department is not None:
        return department.head_name or department.short_name or department.name
    return ""


@transaction.atomic
def invite(
    *,
    meeting: Meeting,
    actor,
    role: str = ParticipantRole.MEMBER,
    user=None,
    member=None,
    department=None,
    name: str = "",
    notify_now: bool = True,
    refuse_existing: bool = False,
) -> MeetingParticipant:
    """Invite one person or department head; inviting the same person twice returns the first invitation,
    or, with refuse_existing (someone inviting by hand), says they are already invited."""
    _require_manager(actor, meeting)
    if meeting.status in CLOSED:
        raise TransitionNotAllowed(_("会议已结束或已取消，不能再邀请。"))
    if member is not None and user is None:
        user = member.user
    existing = _existing_participant(meeting, user=user, member=member, department=department, role=role)
    if existing is not None and refuse_existing:
        message = _("%(name)s已在参会人员名单中，无需再次邀请。") % {"name": existing.name}
        raise Refused(message, fields={"department" if department is not None else "member": [message]})
    if existing is not None:
        return existing
    name = (name or _participant_name(user, member, department)).strip()
    if not name:
        raise Refused(_("请填写参会人员姓名。"), fields={"name": [_("请填写参会人员姓名。")]})
    participant = MeetingParticipant(
        meeting=meeting, role=role, user=user, member=member, department=department, name=name[:50]
    )
    participant.full_clean(validate_constraints=False)
    participant._history_user = actor
    participant.save()
    if notify_now and meeting.status in (MeetingStatus.INVITED, MeetingStatus.HELD):
        _send_invitation(participant)
    return participant


def _existing_participant(meeting, *, user, member, department, role):
    if member is not None:
        found = meeting.participants.filter(member=member).first()
        if found:
            return found
    if user is not None:
        return meeting.participants.filter(user=user).first()
    if department is not None:
        return meeting.participants.filter(department=department, role=role, user=None, member=None).first()
    return None


def invite_research_group(*, meeting: Meeting, group, actor) -> list[MeetingParticipant]:
    """Invite the research group's lead, accepted members and experts to the meeting."""
    from consultations.models import GroupRole, InvitationResponse

    out = [invite(meeting=meeting, actor=actor, role=ParticipantRole.MEMBER, member=group.lead)]
    rows = group.memberships.filter(response=InvitationResponse.ACCEPTED).select_related("member", "expert")
    for row in rows:
        if row.member_id == group.lead_id:
            continue
        if row.role == GroupRole.EXPERT or row.expert_id:
            out.append(invite(meeting=meeting, actor=actor, role=ParticipantRole.EXPERT, user=row.user, name=row.name))
        elif row.member_id:
            out.append(invite(meeting=meeting, actor=actor, role=ParticipantRole.MEMBER, member=row.member))
        elif row.user_id:
            out.append(invite(meeting=meeting, actor=actor, role=ParticipantRole.STAFF, user=row.user, name=row.name))
    return out


@transaction.atomic
def create_consultation_meeting(
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    actor,
    departments: Iterable,
    kind: str = MeetingKind.THEMATIC,
    place: str = "",
    agenda: str = "",
    leader_name: str = "",
    leader_user=None,
    members: Iterable = (),
    research_group=None,
    subject=None,
    conveners: str = "",
) -> Meeting:
    """Convene a consultation: the leader in charge, the heads of related departments, the group, members."""
    if not convenes_meetings(actor):
        raise ActionForbidden(_("协商会议由区委办、区政府办和区政协办公室共同召集。"))
    departments = list(departments)
    if not departments:
        raise Refused(
            _("协商会议必须邀请至少一个相关部门的负责人参加。"),
            fields={"departments": [_("请至少选择一个部门。")]},
        )
    if research_group is not None and (blocker := convene_blocker(research_group)):
        raise Refused(blocker)
    if subject is None and research_group is not None:
        subject = research_group.subject
    meeting = create_meeting(
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        actor=actor,
        place=place,
        agenda=agenda,
        subject=subject,
        research_group=research_group,
        conveners=conveners or recorded(gettext_lazy("区委办公室、区政府办公室、区政协办公室")),
    )
    if leader_name or leader_user:
        invite(meeting=meeting, actor=actor, role=ParticipantRole.LEADER, user=leader_user, name=leader_name)
    for dept in departments:
        invite(meeting=meeting, actor=actor, role=ParticipantRole.DEPT_HEAD, department=dept)
    if research_group is not None:
        invite_research_group(meeting=meeting, group=research_group, actor=actor)
    for member in members:
        invite(meeting=meeting, actor=actor, role=ParticipantRole.MEMBER, member=member)
    return meeting


def micro_retry(idempotency_key: str | None) -> Meeting | None:
    """The meeting already created under this retry key (a double tap, a resent form), if any."""
    return Meeting.objects.filter(idempotency_key=idempotency_key).first() if idempotency_key else None


def create_micro_consultation(*, idempotency_key: str | None = None, **kwargs) -> Meeting:
    """A light micro-consultation (微协商): a small group, residents present, a department head.
    `idempotency_key` (the form's, `intake.services.retry_key_for`): a double tap or a resent form gets
    the meeting already created under it back, not a second one (nor a second duty credit)."""
    done = micro_retry(idempotency_key)
    if done is not None:
        return done
    try:
        # A savepoint: a concurrent retry with the same key loses on the unique index and reads the winner.
        with transaction.atomic():
            return _create_micro_consultation(idempotency_key=idempotency_key, **kwargs)
    except IntegrityError:
        winner = micro_retry(idempotency_key)
        if winner is None:
            raise
        return winner


@transaction.atomic
def _create_micro_consultation(
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    actor,
    department,
    department_head_name: str = "",
    place: str = "",
    issue: str = "",
    town=None,
    community=None,
    members: Iterable = (),
    residents: Iterable[str] = (),
    subject=None,
    idempotency_key: str | None = None,
    kind: str = MeetingKind.MICRO,
) -> Meeting:
    if not (convenes_meetings(actor) or is_member(actor)):
        raise ActionForbidden(_("只有委员或政协办公室可以组织微协商。"))
    # A community-affairs consultation scheduled ahead (grassroots) is convened the same way; its
    # department is invited when one is concerned, not required.
    if department is None and kind == MeetingKind.MICRO:
        raise Refused(_("微协商须有相关部门负责人参加，请选择部门。"), fields={"department": [_("请选择部门。")]})
    meeting = create_meeting(
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        actor=actor,
        place=place,
        agenda=issue,
        subject=subject,
        town=town or (community.town if community else None),
        community=community,
        idempotency_key=idempotency_key,
    )
    if department is not None:
        invite(
            meeting=meeting,
            actor=actor,
            role=ParticipantRole.DEPT_HEAD,
            department=department,
            name=department_head_name,
        )
    for member in members:
        invite(meeting=meeting, actor=actor, role=ParticipantRole.MEMBER, member=member)
    for resident in residents:
        if resident.strip():
            invite(meeting=meeting, actor=actor, role=ParticipantRole.RESIDENT, name=resident.strip())
    return meeting


@transaction.atomic
def reschedule_meeting(
    *, meeting: Meeting, actor, starts_at: datetime, ends_at: datetime, place: str, agenda: str | None = None
) -> Meeting:
    """Change time or place; calendars that imported the ICS pick up the change (SEQUENCE bumped)."""
    _require_manager(actor, meeting)
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.INVITED):
        raise TransitionNotAllowed(_("会议已召开或已取消，不能再改期。"))
    _check_times(starts_at, ends_at)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.starts_at, meeting.ends_at, meeting.place = starts_at, ends_at, place
    if agenda is not None:
        meeting.agenda = agenda
    meeting.ics_sequence += 1
    meeting._history_user = actor
    meeting.save()
    if meeting.status == MeetingStatus.INVITED:
        _tell_participants(
            meeting,
            event=f"meeting:{meeting.pk}:seq{meeting.ics_sequence}",
            title=gettext_lazy("会议时间或地点已变更：%(title)s，改为%(when)s，%(place)s"),
            params={
                "title": meeting.title,
                "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
                "place": meeting.place or gettext_lazy("地点另行通知"),
            },
        )
    return meeting


def _require_ahead(meeting: Meeting) -> None:
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.INVITED):
        raise TransitionNotAllowed(_("会议已召开或已取消，不能再更改会议材料。"))


@transaction.atomic
def add_meeting_material(*, meeting: Meeting, actor, title: str, upload) -> MeetingMaterial:
    """Attach a document for the participants to a meeting ahead (planned, or its notice sent), checked
    like every upload; audited on the meeting's timeline. Once the notice is out, the participants are
    told at once that the materials were updated (before it, the notice itself tells them)."""
    _require_manager(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_ahead(meeting)
    errors = {}
    if not title.strip():
        errors["title"] = [_("请填写材料名称。")]
    if not upload:
        errors["upload"] = [_("请选择要上传的文件。")]
    if errors:
        raise Refused(next(iter(errors.values()))[0], fields=errors)
    material = MeetingMaterial(meeting=meeting, title=title.strip(), uploaded_by=actor)
    material.full_clean()
    material._history_user = actor
    material.save()
    attachment = store_attachment(target=material, upload=upload, actor=actor, kind=MATERIAL_KIND)
    record_status_change(
        meeting,
        "add_material",
        meeting.status,
        meeting.status,
        actor=actor,
        note=recorded(
            gettext_lazy("《%(title)s》（%(file)s）"), {"title": material.title, "file": attachment.original_name}
        ),
        data={"material": material.pk, "file": attachment.original_name, "sha256": attachment.sha256},
    )
    if meeting.status == MeetingStatus.INVITED:
        _tell_participants(
            meeting,
            event=f"meeting:{meeting.pk}:material:{material.pk}",
            title=gettext_lazy("会议材料已更新：%(title)s，新增《%(material)s》，请在会议页面查阅下载"),
            params={"title": meeting.title, "material": material.title},
        )
    return material


@transaction.atomic
def remove_meeting_material(*, material: MeetingMaterial, actor) -> None:
    """Take a material back before the meeting (a wrong file, a superseded draft); audited on the
    meeting's timeline with the file's name and checksum, and its file deleted once that is committed."""
    meeting = Meeting.objects.select_for_update().get(pk=material.meeting_id)
    _require_manager(actor, meeting)
    _require_ahead(meeting)
    files = list(
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(MeetingMaterial), object_id=material.pk
        )
    )
    record_status_change(
        meeting,
        "remove_material",
        meeting.status,
        meeting.status,
        actor=actor,
        note=recorded(gettext_lazy("《%(title)s》"), {"title": material.title}),
        data={
            "material": material.pk,
            "files": [{"name": f.original_name, "sha256": f.sha256} for f in files],
        },
    )
    for f in files:
        discard_attachment(f)
    material._history_user = actor
    material.delete()


def _may_reply_for(actor, participant) -> bool:
    if manages_meeting(actor, participant.meeting):
        return True
    return any(u.pk == actor.pk for u in participant_recipients(participant))


@transaction.atomic
def respond_to_invitation(
    *, participant: MeetingParticipant, actor, response: str, deputy_name: str = "", reason: str = ""
) -> MeetingParticipant:
    """Reply to an invitation: attend, send a named deputy, or decline with a reason."""
    participant = (
        MeetingParticipant.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=participant.pk)
    )
    if not _may_reply_for(actor, participant):
        raise ActionForbidden(_("您不能代替他人回复会议通知。"))
    meeting = participant.meeting
    if not answers_invitation(meeting):
        if meeting.status in (MeetingStatus.PLANNED, MeetingStatus.INVITED):
            raise TransitionNotAllowed(_("常委会表决会议已开始，出席情况由政协办公室在表决页面登记，不能再回复通知。"))
        raise TransitionNotAllowed(_("会议已召开或已取消，不能再回复通知。"))
    if participant.checked_in_at:
        # A sign-in is the record of attendance; a later reply must not turn it into leave.
        when = timezone.localtime(participant.checked_in_at).strftime("%H:%M")
        raise TransitionNotAllowed(_("已于%(when)s签到，不能再更改参会回复。") % {"when": when})
    deputy_name, reason = deputy_name.strip(), reason.strip()
    if response == "attend":
        participant.attendance, participant.deputy_name, participant.reason = Attendance.ATTENDING, "", ""
    elif response == "deputy" and not takes_deputies(meeting):
        message = _("常委会表决须由常委本人出席，不能委托他人参加；不能出席的，请请假并填写事由。")
        raise Refused(message, fields={"response": [message]})
    elif response == "deputy":
        if not deputy_name:
            raise Refused(_("请填写代为参加人的姓名。"), fields={"deputy_name": [_("请填写代为参加人的姓名。")]})
        participant.attendance, participant.deputy_name, participant.reason = Attendance.DEPUTY, deputy_name, reason
    elif response == "decline":
        if not reason:
            raise Refused(_("请假须填写事由。"), fields={"reason": [_("请假须填写事由。")]})
        participant.attendance, participant.deputy_name, participant.reason = Attendance.DECLINED, "", reason
    else:
        raise Refused(_("无效的回复。"), fields={"response": [_("无效的回复。")]})
    participant.responded_at = timezone.now()
    participant._history_user = actor
    participant.save()
    if participant.attendance == Attendance.DECLINED:
        _tell_convener_of_decline(participant, actor=actor)
    return participant


def _tell_convener_of_decline(participant: MeetingParticipant, *, actor) -> None:
    """Whoever convened the meeting learns that an invitee will not come (and sends no deputy): above
    all a department head, without whom the consultation faces no one from that department."""
    from notifications.services import notify

    meeting = participant.meeting
    recipients = [u for u in [meeting.created_by] if u.is_active and u.pk != actor.pk]
    if not recipients:
        return
    if participant.department_id:
        title = gettext_lazy("%(unit)s%(name)s请假，不参加会议“%(title)s”（未委托他人参加）：%(reason)s")
        unit = participant.department.short_name or participant.department.name
    else:
        title, unit = gettext_lazy("%(name)s请假，不参加会议“%(title)s”：%(reason)s"), ""
    notify(
        recipients=recipients,
        event_key=f"meeting:{meeting.pk}:decline:{participant.pk}:{participant.responded_at.timestamp():.0f}",
        title=title,
        params={"unit": unit, "name": participant.name, "title": meeting.title[:60], "reason": participant.reason},
        target=meeting,
    )


@transaction.atomic
def check_in(*, participant: MeetingParticipant, actor) -> MeetingParticipant:
    """Sign in at the meeting (the clerk for anyone, or the participant for themself). Attendance
    recorded after the meeting has ended (a micro-consultation entered afterwards, a paper sign-in sheet
    typed in) is timed at the meeting's start, not at the moment of data entry."""
    participant = (
        MeetingParticipant.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=participant.pk)
    )
    if not _may_reply_for(actor, participant):
        raise ActionForbidden(_("您不能为他人签到。"))
    _refuse_vote_attendance(participant.meeting)
    if participant.meeting.status not in (MeetingStatus.INVITED, MeetingStatus.HELD):
        raise TransitionNotAllowed(_("只有已发通知或正在召开的会议可以签到。"))
    _refuse_before_meeting_day(participant.meeting, _("会议定于%(date)s召开，会议当天才能签到。"))
    if participant.checked_in_at:
        return participant
    now, meeting = timezone.now(), participant.meeting
    participant.checked_in_at = meeting.starts_at if now > meeting.ends_at else now
    if participant.attendance != Attendance.DEPUTY:
        participant.attendance = Attendance.PRESENT
    participant._history_user = actor
    participant.save()
    return participant


@transaction.atomic
def mark_absent(*, participant: MeetingParticipant, actor) -> MeetingParticipant:
    """The recorder marks someone who did not come as absent (缺席), once the meeting has been held: with
    签到 for those who came, the minutes' attendance is what the recorder says, not a default."""
    participant = (
        MeetingParticipant.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=participant.pk)
    )
    _require_manager(actor, participant.meeting)
    _refuse_vote_attendance(participant.meeting)
    if participant.meeting.status != MeetingStatus.HELD:
        raise TransitionNotAllowed(_("会议召开后、纪要印发前才能登记缺席。"))
    if participant.checked_in_at:
        raise TransitionNotAllowed(_("%(name)s已签到，不能登记为缺席。") % {"name": participant.name})
    if participant.attendance in (Attendance.INVITED, Attendance.ATTENDING):
        participant.attendance = Attendance.ABSENT
        participant._history_user = actor
        participant.save()
    return participant


def _refuse_vote_attendance(meeting: Meeting) -> None:
    """The plan vote's attendance decides its quorum: the clerk records it on the vote's page, where it
    is fixed once voting begins; the meeting's page must not change it, before or after the result."""
    if is_plan_vote_meeting(meeting):
        raise Refused(_("这是常委会对年度协商计划的表决会议，出席情况由政协办公室在表决页面登记。"))


def unmarked_participants(meeting: Meeting) -> list[MeetingParticipant]:
    """Participants of whom the record says neither that they came nor that they did not."""
    return list(
        meeting.participants.filter(
            checked_in_at__isnull=True, attendance__in=[Attendance.INVITED, Attendance.ATTENDING]
        ).order_by("role", "id")
    )


def _require_held(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.HELD:
        raise TransitionNotAllowed(_("只有在会议召开后、纪要印发前才能记录发言和成果。"))


def _speaker_for(participant: MeetingParticipant, on_behalf_of: str, department) -> tuple[str, str]:
    """Who spoke for a participant: the participant, or the deputy they sent, who speaks on their behalf
    ("林晓（代杨文，区教育局）") — the minutes must not quote someone who was not there."""
    if participant.attendance != Attendance.DEPUTY or not participant.deputy_name.strip():
        return participant.name, on_behalf_of
    unit = on_behalf_of.strip() or (department.name if department is not None else "")
    if unit:
        for_whom = recorded(gettext_lazy("代%(name)s，%(unit)s"), {"name": participant.name, "unit": unit})
    else:
        for_whom = recorded(gettext_lazy("代%(name)s"), {"name": participant.name})
    return participant.deputy_name.strip(), for_whom


@transaction.atomic
def record_speech(
    *,
    meeting: Meeting,
    actor,
    summary: str,
    speaker_name: str = "",
    participant: MeetingParticipant | None = None,
    on_behalf_of: str = "",
    kind: str = SpeechKind.SPEECH,
    department=None,
) -> Speech:
    """Record who spoke, for whom, and a summary of what they said (or a department's response)."""
    _require_manager(actor, meeting)
    _require_held(meeting)
    if participant is not None and participant.meeting_id != meeting.pk:
        raise Refused(_("发言人不是本次会议的参会人员。"), fields={"participant": [_("请重新选择发言人。")]})
    if participant is not None:
        participant.refresh_from_db(fields=["attendance", "deputy_name"])
    if participant is not None and participant.attendance in NOT_PRESENT:
        # Whoever was on leave or absent did not speak: the minutes and the duty record would say they did.
        message = _("%(name)s%(state)s，未出席本次会议，不能记为发言人。请选择实际发言的人，或填写其姓名。") % {
            "name": participant.name,
            "state": participant.get_attendance_display(),
        }
        raise Refused(message, fields={"participant": [message]})
    department = department or (participant.department if participant else None)
    if participant is not None and not speaker_name.strip():
        speaker_name, on_behalf_of = _speaker_for(participant, on_behalf_of, department)
    speaker_name = speaker_name.strip()
    errors = {}
    if not speaker_name:
        errors["speaker_name"] = [_("请填写发言人。")]
    if not summary.strip():
        errors["summary"] = [_("请填写发言摘要。")]
    if kind == SpeechKind.RESPONSE and department is None:
        errors["department"] = [_("部门回应须注明回应的部门。")]
    if errors:
        raise Refused(next(iter(errors.values()))[0], fields=errors)
    order = (meeting.speeches.aggregate(m=Max("order"))["m"] or 0) + 1
    speech = Speech(
        meeting=meeting,
        order=order,
        kind=kind,
        participant=participant,
        speaker_name=speaker_name[:50],
        on_behalf_of=on_behalf_of.strip()[:100],
        department=department,
        summary=summary.strip(),
        recorded_by=actor,
    )
    speech.full_clean()
    speech._history_user = actor
    speech.save()
    return speech


def _check_due_date(meeting: Meeting, due_date: date | None, errors: dict) -> None:
    """An agreed action cannot be due before the meeting that agreed it (a mistyped year, usually)."""
    if due_date is not None and due_date < timezone.localtime(meeting.starts_at).date():
        errors["due_date"] = [_("完成时限不能早于会议召开日期。")]


@transaction.atomic
def record_outcome_item(
    *,
    meeting: Meeting,
    actor,
    recommendation: str,
    responsible_department,
    agreed_action: str = "",
    due_date: date | None = None,
    co_departments: Iterable = (),
) -> OutcomeItem:
    """Record one agreed outcome: the recommendation, the responsible department and the agreed action."""
    _require_manager(actor, meeting)
    _require_held(meeting)
    errors = {}
    if not recommendation.strip():
        errors["recommendation"] = [_("请填写意见建议。")]
    if responsible_department is None:
        errors["responsible_department"] = [_("请选择责任部门。")]
    _check_due_date(meeting, due_date, errors)
    if errors:
        raise Refused(next(iter(errors.values()))[0], fields=errors)
    order = (meeting.outcome_items.aggregate(m=Max("order"))["m"] or 0) + 1
    item = OutcomeItem(
        meeting=meeting,
        order=order,
        recommendation=recommendation.strip(),
        responsible_department=responsible_department,
        agreed_action=agreed_action.strip(),
        due_date=due_date,
        recorded_by=actor,
    )
    item.full_clean()
    item._history_user = actor
    item.save()
    co = [d for d in co_departments if d.pk != responsible_department.pk]
    if co:
        item.co_departments.set(co)
    return item


def outcome_locked_message(reports) -> str:
    """The refusal to change an outcome item that the special reports (out of draft) have fixed."""
    return _("该成果事项已编入专报件%(reports)s（%(state)s），不能再修改。") % {
        "reports": join_list(r.number or f"《{r.title}》" for r in reports),
        "state": join_list(str(r.get_status_display()) for r in reports),
    }


@transaction.atomic
def update_outcome_item(
    *,
    item: OutcomeItem,
    actor,
    recommendation: str,
    responsible_department,
    agreed_action: str = "",
    due_date: date | None = None,
    co_departments: Iterable = (),
) -> OutcomeItem:
    """Correct an outcome item in place (audited by its history) until a special report that quotes it
    has left the draft stage: from then on the report is signed and the item goes to its departments."""
    _require_manager(actor, item.meeting)
    item = OutcomeItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    locked = outcome_locked_by(item)
    if locked:
        raise Refused(outcome_locked_message(locked))
    if not recommendation.strip() or responsible_department is None:
        raise Refused(_("意见建议和责任部门不能为空。"))
    errors = {}
    _check_due_date(item.meeting, due_date, errors)
    if errors:
        raise Refused(errors["due_date"][0], fields=errors)
    co = [d for d in co_departments if d.pk != responsible_department.pk]
    before = (item.recommendation, item.responsible_department_id, item.agreed_action, item.due_date)
    before_co = set(item.co_departments.values_list("pk", flat=True))
    item.recommendation = recommendation.strip()
    item.responsible_department = responsible_department
    item.agreed_action = agreed_action.strip()
    item.due_date = due_date
    after = (item.recommendation, item.responsible_department_id, item.agreed_action, item.due_date)
    if after == before and {d.pk for d in co} == before_co:
        return item  # nothing changed: no correction to record
    item.full_clean()
    # One correction, one entry in the item's history (who, when, what) with its co-departments too:
    # setting them alone would write an entry per added and per removed department.
    item.skip_history_when_saving = True
    try:
        item.co_departments.set(co)
    finally:
        del item.skip_history_when_saving
    item._history_user = actor
    item.save()
    return item


@transaction.atomic
def set_minutes_summary(*, meeting: Meeting, actor, summary: str) -> Meeting:
    """Write the minutes' narrative (会议纪要正文) before the minutes are issued."""
    _require_manager(actor, meeting)
    _require_held(meeting)
    meeting.minutes_summary = summary.strip()
    meeting._history_user = actor
    meeting.save(update_fields=["minutes_summary", "updated_at"])
    return meeting


# ---------------------------------------------------------------- workflow guards and effects


def guard_meeting_invitations(meeting: Meeting, **kwargs) -> None:
    """Refuse to convene a consultation that faces no department, or a meeting with nobody invited."""
    participants = meeting.participants.all()
    if not participants.exists():
        raise Refused(_("尚未邀请任何参会人员。"))
    if requires_department(meeting) and not participants.filter(department__isnull=False).exists():
        raise Refused(_("协商会议必须邀请至少一个相关部门的负责人参加，请先邀请部门。"))


def guard_notice_can_be_sent(meeting: Meeting, **kwargs) -> None:
    """A notice goes out to someone, for a meeting still ahead (`notice_blocker`)."""
    guard_meeting_invitations(meeting)
    if blocker := notice_blocker(meeting):
        raise Refused(blocker)


def _refuse_before_meeting_day(meeting: Meeting, message: str) -> None:
    if not meeting_day_reached(meeting):
        day = timezone.localtime(meeting.starts_at).date()
        raise Refused(message % {"date": day.isoformat()})


def guard_meeting_can_be_held(meeting: Meeting, **kwargs) -> None:
    """A meeting is recorded as held on or after its date, never in advance; and it must face its departments."""
    _refuse_before_meeting_day(meeting, _("会议定于%(date)s召开，会期未到，不能标记为已召开。如会期有变，请先改期。"))
    guard_meeting_invitations(meeting)


def guard_meeting_can_be_minuted(meeting: Meeting, *, data: dict | None = None, **kwargs) -> None:
    _refuse_before_meeting_day(meeting, _("会议定于%(date)s召开，会议召开后才能印发纪要。"))
    from consultations.documents import has_record_substance

    if not meeting.outcome_items.exists() and not meeting.minutes_summary.strip() and not has_record_substance(meeting):
        raise Refused(_("请先记录协商成果事项或填写纪要正文，再印发纪要。"))
    if meeting.kind == MeetingKind.MICRO:
        # A micro-consultation is recorded by whoever ran it, usually afterwards, without notices or
        # replies: the recorder says who took part, instead of the minutes listing everyone as 缺席.
        unmarked = unmarked_participants(meeting)
        if unmarked:
            raise Refused(
                _(
                    "以下参会人员尚未登记出席情况：%(names)s。请在参会人员表中为出席者签到、为未到者登记缺席，再印发纪要。"
                )
                % {"names": join_list(p.name for p in unmarked)}
            )
    _check_minutes_date(meeting, (data or {}).get("issued_on"))


def _check_minutes_date(meeting: Meeting, value) -> None:
    """The minutes' date when it is given (the minutes are entered after the paper went out): on or
    after the meeting's day, and not in the future."""
    if not value:
        return
    issued_on = parse_date(str(value))
    if issued_on is None:
        raise Refused(_("印发日期格式不正确。"), fields={"issued_on": _("日期格式应为YYYY-MM-DD。")})
    if issued_on < timezone.localtime(meeting.starts_at).date() or issued_on > timezone.localdate():
        message = _("纪要印发日期应在会议召开之日和今天之间。")
        raise Refused(message, fields={"issued_on": message})


def on_invitations_sent(meeting: Meeting, *, actor, note, data, change) -> None:
    materials = _material_titles(meeting)
    for participant in meeting.participants.select_related("member__user", "user", "department"):
        _send_invitation(participant, materials=materials)


def on_minutes_issued(meeting: Meeting, *, actor, note, data, change) -> None:
    """Whoever neither signed in nor replied that they would not come is recorded absent; then the minutes
    as issued are stored (DOCX and PDF), in the same transaction: every later download serves these files,
    whatever is corrected afterwards, so a meeting shown as minuted always has its issued copy."""
    meeting.participants.filter(
        checked_in_at__isnull=True, attendance__in=[Attendance.INVITED, Attendance.ATTENDING]
    ).update(attendance=Attendance.ABSENT)
    _store_issued_minutes(meeting, actor=actor, change=change)


def _store_issued_minutes(meeting: Meeting, *, actor, change) -> None:
    from consultations.documents import issued_file_name, minutes_docx, minutes_pdf
    from consultations.selectors import MINUTES_KINDS

    for fmt, content in (("docx", minutes_docx(meeting)), ("pdf", minutes_pdf(meeting))):
        upload = ContentFile(content, name=issued_file_name(meeting, fmt))
        store_attachment(target=meeting, upload=upload, actor=actor, kind=MINUTES_KINDS[fmt], status_change=change)


def on_meeting_cancelled(meeting: Meeting, *, actor, note, data, change) -> None:
    meeting.ics_sequence += 1
    meeting.save(update_fields=["ics_sequence"])
    _tell_participants(
        meeting,
        event=f"meeting:{meeting.pk}:cancelled",
        title=gettext_lazy("会议已取消：%(title)s"),
        params={"title": meeting.title},
        body=note,
    )


def _material_titles(meeting: Meeting) -> list[str]:
    return list(meeting.materials.values_list("title", flat=True))


def _send_invitation(participant: MeetingParticipant, *, materials: list[str] | None = None) -> None:
    """The meeting notice to one participant; it names the materials on the meeting's page."""
    from notifications.services import notify

    meeting = participant.meeting
    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    params = {"title": meeting.title, "when": when, "place": meeting.place or gettext_lazy("地点另行通知")}
    title, body = gettext_lazy("会议通知：%(title)s（%(when)s，%(place)s），请确认是否参加"), meeting.agenda
    materials = _material_titles(meeting) if materials is None else materials
    if materials:
        title = gettext_lazy(
            "会议通知：%(title)s（%(when)s，%(place)s），请确认是否参加；会议材料已上传至会议页面，请查阅下载"
        )
        params |= {"agenda": meeting.agenda, "materials": "、".join(f"《{t}》" for t in materials)}
        body = (
            gettext_lazy("%(agenda)s\n\n会议材料：%(materials)s")
            if meeting.agenda
            else gettext_lazy("会议材料：%(materials)s")
        )
    notify(
        recipients=participant_recipients(participant),
        event_key=f"meeting:{meeting.pk}:invite:{participant.pk}",
        title=title,
        params=params,
        body=body,
        target=meeting,
    )


def _tell_participants(meeting: Meeting, *, event: str, title, params: dict, body: str = "") -> None:
    from notifications.services import notify

    recipients = []
    for participant in meeting.participants.select_related("member__user", "user"):
        recipients += participant_recipients(participant)
    notify(recipients=recipients, event_key=event, title=title, params=params, body=body, target=meeting)
