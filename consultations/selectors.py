"""Reads for research groups, reports and meetings, filtered by what the viewer may see."""

from datetime import date, datetime, time, timedelta

from constance import config
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date

from accounts.models import User
from accounts.predicates import is_dept_liaison
from accounts.roles import Role
from consultations.models import (
    Attendance,
    CalendarFeed,
    ConsultationReport,
    FieldVisit,
    GroupMembership,
    GroupStatus,
    InvitationResponse,
    Meeting,
    MeetingKind,
    MeetingMaterial,
    MeetingParticipant,
    MeetingStatus,
    OutcomeItem,
    ReportComment,
    ReportStatus,
    ResearchGroup,
    ResearchTask,
    SharedMaterial,
    Speech,
)
from consultations.predicates import membership_q, oversees_meetings, oversees_research
from core.models import Attachment, StatusChange
from district.models import TOPIC_LEAD_POSITIONS, Body
from district.workdays import add_workdays, workdays_before
from supervision.choices import ReportStatus as SpecialReportStatus

# ---------------------------------------------------------------- research groups


def _my_group_ids(user, *, accepted_only: bool):
    rows = GroupMembership.objects.filter(membership_q(user))
    if accepted_only:
        rows = rows.filter(response=InvitationResponse.ACCEPTED)
    else:
        rows = rows.exclude(response=InvitationResponse.DECLINED)
    return rows.values("group_id")


def _group_base() -> QuerySet[ResearchGroup]:
    return ResearchGroup.objects.select_related("lead", "body", "subject_type")


def groups_visible_to(viewer) -> QuerySet[ResearchGroup]:
    """Groups the viewer may open: all for the office and leaders, else those they lead or are invited to."""
    if not getattr(viewer, "is_authenticated", False):
        return ResearchGroup.objects.none()
    if oversees_research(viewer):
        return _group_base()
    return _group_base().filter(Q(lead__user=viewer) | Q(pk__in=_my_group_ids(viewer, accepted_only=False)))


def groups_with_material_access(viewer) -> QuerySet[ResearchGroup]:
    """Groups whose working material the viewer may read: overseers, the lead, accepted members."""
    if not getattr(viewer, "is_authenticated", False):
        return ResearchGroup.objects.none()
    if oversees_research(viewer):
        return ResearchGroup.objects.all()
    return ResearchGroup.objects.filter(Q(lead__user=viewer) | Q(pk__in=_my_group_ids(viewer, accepted_only=True)))


def may_read_material(viewer, group: ResearchGroup) -> bool:
    return groups_with_material_access(viewer).filter(pk=group.pk).exists()


def reads_research_notes(viewer, obj) -> bool:
    """Whether the viewer reads every note on the timeline of a research group, or of one of its tasks or
    reports: whoever may read the group's working material (the office and leaders, the lead, the members
    and experts who accepted); an invitee who has not accepted sees the steps."""
    group = obj if isinstance(obj, ResearchGroup) else obj.group
    return may_read_material(viewer, group)


def group_list_for(viewer) -> QuerySet[ResearchGroup]:
    """The group list page: visible groups with counts (one query)."""
    # Aggregating drops the model's default ordering; paging needs a stable one.
    return (
        groups_visible_to(viewer)
        .annotate(
            n_members=Count("memberships", filter=Q(memberships__response=InvitationResponse.ACCEPTED), distinct=True),
            n_visits=Count("visits", distinct=True),
        )
        .order_by("-year", "id")
    )


def get_group_for(viewer, pk: int) -> ResearchGroup:
    return get_object_or_404(groups_visible_to(viewer), pk=pk)


def group_inbox(user) -> QuerySet[ResearchGroup]:
    """Groups with an invitation waiting for the user's answer."""
    if not getattr(user, "is_authenticated", False):
        return ResearchGroup.objects.none()
    pending = GroupMembership.objects.filter(membership_q(user), response=InvitationResponse.INVITED)
    return _group_base().filter(
        pk__in=pending.values("group_id"), status__in=[GroupStatus.FORMING, GroupStatus.RESEARCHING]
    )


def subject_defaults(subject) -> dict:
    """What a plan item (a group's generic subject) fixes for its work: the plan's year, the meeting
    kind of its consultation format and the departments it names (empty for any other subject)."""
    out: dict = {}
    plan = getattr(subject, "plan", None)
    if getattr(plan, "year", None):
        out["year"] = plan.year
    kind = getattr(getattr(subject, "format", None), "meeting_kind", "")
    if kind in MeetingKind.values:
        out["kind"] = kind
    departments = getattr(subject, "departments", None)
    if departments is not None:
        out["departments"] = list(departments.filter(is_active=True))
    return out


def group_defaults(subject) -> dict:
    """What a research group formed for a plan item starts from: the item's year, title, lead leader
    (when the topic-lead rule allows them) and lead special committee."""
    out = {"year": subject_defaults(subject).get("year")}
    title = getattr(subject, "title", "")
    if title:
        out["title"] = title
    lead = getattr(subject, "lead_member", None)
    if lead is not None and lead.is_active and lead.position in TOPIC_LEAD_POSITIONS:
        out["lead"] = lead
    body = getattr(subject, "lead_body", None)
    if body is not None and body.kind == Body.Kind.SPECIAL:
        out["body"] = body
    return {k: v for k, v in out.items() if v}


# A group at work on its topic: one per plan item at a time (a concluded or cancelled one does not count).
WORKING_GROUP_STATES = (GroupStatus.FORMING, GroupStatus.RESEARCHING)


def _working_first():
    """Order key: a group at work ranks above a concluded one, and that above a cancelled one, whatever
    their ages (a researching one above one still forming, should an item have both from before the
    one-working-group rule)."""
    return Case(
        When(status=GroupStatus.RESEARCHING, then=Value(3)),
        When(status=GroupStatus.FORMING, then=Value(2)),
        When(status=GroupStatus.CONCLUDED, then=Value(1)),
        default=Value(0),
    )


def working_group_for(subject) -> ResearchGroup | None:
    """The group now at work (forming or researching) on a plan item (or any subject record), if any:
    a second one for the same subject is refused (services.create_research_group)."""
    ct = ContentType.objects.get_for_model(subject)
    rows = ResearchGroup.objects.filter(subject_type=ct, subject_id=subject.pk, status__in=WORKING_GROUP_STATES)
    return rows.order_by("-id").first()


def working_groups_on(subjects) -> dict[int, ResearchGroup]:
    """The working group of each subject record of one model (subject id → group); one query."""
    subjects = list(subjects)
    if not subjects:
        return {}
    ct = ContentType.objects.get_for_model(subjects[0])
    rows = ResearchGroup.objects.filter(
        subject_type=ct, subject_id__in=[s.pk for s in subjects], status__in=WORKING_GROUP_STATES
    ).order_by("id")
    return {g.subject_id: g for g in rows}


def research_group_for(subject) -> ResearchGroup | None:
    """The research group formed for a plan item (or any subject record), if there is one: the one at work,
    else the latest concluded one (never a cancelled one)."""
    ct = ContentType.objects.get_for_model(subject)
    return (
        ResearchGroup.objects.filter(subject_type=ct, subject_id=subject.pk)
        .exclude(status=GroupStatus.CANCELLED)
        .order_by(_working_first().desc(), "-id")
        .first()
    )


def topic_group_for(viewer, ct_id: int, obj_id: int) -> ResearchGroup | None:
    """The group the topic page of a subject record opens for the viewer: of the groups they may see,
    the working one, else the latest concluded one, else the latest cancelled one."""
    rows = groups_visible_to(viewer).filter(subject_type_id=ct_id, subject_id=obj_id)
    return rows.order_by(_working_first().desc(), "-id").first()


def research_groups_on(subjects) -> dict[int, ResearchGroup]:
    """The research group formed on each subject record of one model, with its report, chosen as
    `research_group_for` chooses (the working one, else the latest concluded one): subject id → group.
    One query whatever the number of subjects."""
    subjects = list(subjects)
    if not subjects:
        return {}
    ct = ContentType.objects.get_for_model(subjects[0])
    rows = (
        ResearchGroup.objects.filter(subject_type=ct, subject_id__in=[s.pk for s in subjects])
        .exclude(status=GroupStatus.CANCELLED)
        .select_related("report")
        .order_by(_working_first(), "id")
    )
    return {g.subject_id: g for g in rows}  # the last row of a subject wins


def meetings_on(subjects, groups: dict[int, ResearchGroup]) -> dict[int, list[Meeting]]:
    """The meetings (not cancelled) on each subject record of one model, held about it or on its research
    group (`groups`: subject id → group, as `research_groups_on` gives): subject id → meetings. One query."""
    subjects = list(subjects)
    if not subjects:
        return {}
    ct = ContentType.objects.get_for_model(subjects[0])
    ids = {s.pk for s in subjects}
    subject_of_group = {g.pk: subject_id for subject_id, g in groups.items()}
    out: dict[int, list[Meeting]] = {}
    rows = Meeting.objects.filter(
        Q(subject_type=ct, subject_id__in=ids) | Q(research_group__in=list(subject_of_group))
    ).exclude(status=MeetingStatus.CANCELLED)
    for m in rows:
        on_subject = m.subject_type_id == ct.pk and m.subject_id in ids
        out.setdefault(m.subject_id if on_subject else subject_of_group[m.research_group_id], []).append(m)
    return out


def topic_page(group: ResearchGroup) -> dict:
    """Everything on the one page per topic: group → visits → tasks → materials → report → meetings."""
    memberships = list(group.memberships.select_related("member", "expert", "user").order_by("role", "id"))
    visits = list(group.visits.prefetch_related("participants").order_by("visited_on", "id"))
    materials = list(group.materials.select_related("uploaded_by"))
    ct_visit = ContentType.objects.get_for_model(FieldVisit)
    ct_material = ContentType.objects.get_for_model(SharedMaterial)
    files = Attachment.objects.filter(
        Q(content_type=ct_visit, object_id__in=[v.pk for v in visits])
        | Q(content_type=ct_material, object_id__in=[m.pk for m in materials])
    ).order_by("created_at")
    by_target: dict[tuple[int, int], list] = {}
    for f in files:
        by_target.setdefault((f.content_type_id, f.object_id), []).append(f)
    for v in visits:
        v.files = by_target.get((ct_visit.pk, v.pk), [])
    for m in materials:
        m.files = by_target.get((ct_material.pk, m.pk), [])
    report = ConsultationReport.objects.filter(group=group).first()
    meetings = list(
        Meeting.objects.filter(research_group=group)
        .exclude(status=MeetingStatus.CANCELLED)
        .prefetch_related(
            Prefetch(
                "outcome_items",
                queryset=OutcomeItem.objects.select_related("responsible_department").prefetch_related(
                    "co_departments"
                ),
            )
        )
    )
    return {
        "memberships": memberships,
        "visits": visits,
        "tasks": list(group.tasks.select_related("assignee")),
        "materials": materials,
        "report": report,
        "versions": list(report.versions.select_related("created_by")[:10]) if report else [],
        "meetings": meetings,
    }


# ---------------------------------------------------------------- reports


def reports_visible_to(viewer) -> QuerySet[ConsultationReport]:
    """Reports of groups whose material the viewer may read."""
    return ConsultationReport.objects.select_related("group", "group__lead").filter(
        group__in=groups_with_material_access(viewer)
    )


def get_report_for(viewer, pk: int) -> ConsultationReport:
    return get_object_or_404(reports_visible_to(viewer), pk=pk)


def report_inbox(user) -> QuerySet[ConsultationReport]:
    """Reports waiting for the lead (in review) or for the research office (finalised)."""
    if not getattr(user, "is_authenticated", False):
        return ConsultationReport.objects.none()
    from accounts.predicates import is_research_office

    q = Q(status=ReportStatus.REVIEW, group__lead__user=user)
    if is_research_office(user):
        q |= Q(status=ReportStatus.FINALISED)
    return ConsultationReport.objects.select_related("group").filter(q)


def report_holders(report, state):
    """Who acts next on the report: the lead in review, the research office once finalised."""
    from accounts.models import User
    from accounts.roles import Role

    if state == ReportStatus.REVIEW and report.group.lead.user_id:
        return [report.group.lead.user]
    if state == ReportStatus.FINALISED:
        return list(User.objects.filter(groups__name=Role.RESEARCH_OFFICE, is_active=True))
    return []


def report_annexes(report: ConsultationReport) -> QuerySet[Attachment]:
    """The report's annexes (附件), oldest first, with who uploaded each."""
    from consultations.services.research import REPORT_ANNEX
    from core.services import attachments_of

    return attachments_of(report).filter(kind=REPORT_ANNEX).select_related("uploaded_by")


def open_mandatory_comments(report) -> QuerySet[ReportComment]:
    return report.comments.filter(mandatory=True, resolved_at__isnull=True)


def report_comments(report) -> QuerySet[ReportComment]:
    return report.comments.select_related("author", "resolved_by", "version")


def visits_visible_to(viewer) -> QuerySet[FieldVisit]:
    return FieldVisit.objects.filter(group__in=groups_with_material_access(viewer))


def materials_visible_to(viewer) -> QuerySet[SharedMaterial]:
    return SharedMaterial.objects.filter(group__in=groups_with_material_access(viewer))


def tasks_visible_to(viewer) -> QuerySet[ResearchTask]:
    return ResearchTask.objects.select_related("group", "assignee").filter(
        group__in=groups_with_material_access(viewer)
    )


def task_inbox(user) -> QuerySet[ResearchTask]:
    """Open research tasks assigned to the user."""
    if not getattr(user, "is_authenticated", False):
        return ResearchTask.objects.none()
    mine = GroupMembership.objects.filter(membership_q(user)).values("pk")
    return ResearchTask.objects.select_related("group").filter(status="open", assignee__in=mine)


# ---------------------------------------------------------------- meetings


def meetings_visible_to(viewer) -> QuerySet[Meeting]:
    """Meetings the viewer may open: overseers see all; others those they were invited to or created."""
    if not getattr(viewer, "is_authenticated", False):
        return Meeting.objects.none()
    base = Meeting.objects.select_related("research_group", "town", "community", "created_by")
    if oversees_meetings(viewer):
        return base
    mine = MeetingParticipant.objects.filter(Q(user=viewer) | Q(member__user=viewer))
    if is_dept_liaison(viewer) and viewer.department_id:
        mine = mine | MeetingParticipant.objects.filter(department_id=viewer.department_id)
    return base.filter(
        Q(created_by=viewer)
        | Q(pk__in=mine.values("meeting_id"))
        | Q(research_group__in=groups_with_material_access(viewer))
        | _group_issue_meetings(viewer)
    )


def _group_issue_meetings(viewer) -> Q:
    """The micro-consultations on the issues of the duty groups the viewer is a member of: the group runs
    them (`predicates.manages_meeting`), whoever of it scheduled one."""
    from grassroots.models import DutyIssue

    issues = DutyIssue.objects.filter(group__members__user=viewer).values("pk")
    return Q(kind=MeetingKind.MICRO, subject_type=ContentType.objects.get_for_model(DutyIssue), subject_id__in=issues)


def is_meeting_participant(viewer, meeting) -> bool:
    """Invited to the meeting, in person or as a liaison of an invited department: told why it was
    cancelled (`consultations.workflow`)."""
    if meeting is None or not getattr(viewer, "is_authenticated", False):
        return False
    mine = Q(user=viewer) | Q(member__user=viewer)
    if is_dept_liaison(viewer) and viewer.department_id:
        mine |= Q(department_id=viewer.department_id)
    return meeting.participants.filter(mine).exists()


def get_meeting_for(viewer, pk: int) -> Meeting:
    return get_object_or_404(meetings_visible_to(viewer), pk=pk)


def meetings_in_month(viewer, year: int, month: int) -> list[Meeting]:
    """Visible meetings starting in one calendar month (local time), oldest first."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime(year, month, 1), tz)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    end = timezone.make_aware(datetime.combine(nxt, time.min), tz)
    return list(meetings_visible_to(viewer).filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "id"))


def duty_days_of_viewer(viewer, *, start: date | None = None, end: date | None = None) -> list:
    """The reception days the viewer is on duty at a workstation (the grassroots roster), from `start`
    and before `end`, for their own calendar beside their meetings; none for who is not a member."""
    from grassroots.selectors import duty_days_of
    from intake.predicates import member_id_of

    member_id = member_id_of(viewer)
    if member_id is None:
        return []
    return list(duty_days_of(member_id, start=start, end=end))


CALENDAR_FEED_DAYS_BACK = 90
CALENDAR_FEED_MAX_EVENTS = 500


def calendar_feed_contents(viewer) -> tuple[list[Meeting], list]:
    """What the viewer's calendar (the ICS download and the subscribed feed) holds: the meetings they
    may open and the reception days they are on duty, from 90 days ago on, at most 500 of each."""
    since = timezone.now() - timedelta(days=CALENDAR_FEED_DAYS_BACK)
    meetings = meetings_visible_to(viewer).filter(starts_at__gte=since).order_by("starts_at", "id")
    duties = duty_days_of_viewer(viewer, start=timezone.localdate(since))
    return list(meetings[:CALENDAR_FEED_MAX_EVENTS]), duties[:CALENDAR_FEED_MAX_EVENTS]


def calendar_feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first() if getattr(user, "is_authenticated", False) else None


def calendar_feed_for_key(key: str) -> CalendarFeed | None:
    """The live feed a secret address names: none for an unknown, replaced or stopped key, for a
    deactivated account, or for a staff account's feed made without two-factor while it is enforced."""
    if not key or len(key) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(key_hash=CalendarFeed.hash(key)).first()
    if feed is None or not feed.user.is_active or feed.lacks_second_factor:
        return None
    return feed


def duty_days_in_month(viewer, year: int, month: int) -> list:
    """The viewer's duty days in one calendar month, oldest first."""
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return duty_days_of_viewer(viewer, start=date(year, month, 1), end=nxt)


def meeting_inbox(user) -> QuerySet[Meeting]:
    """Meetings whose invitation waits for the user's reply, or for their department's (liaisons reply for it)."""
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    mine = Q(user=user) | Q(member__user=user)
    if is_dept_liaison(user) and user.department_id:
        # The row of a department invited as such: `participant_recipients` sends it to the liaisons.
        mine |= Q(department_id=user.department_id, user__isnull=True, member__isnull=True)
    waiting = MeetingParticipant.objects.filter(mine, attendance=Attendance.INVITED).values("meeting_id")
    q = Q(status=MeetingStatus.INVITED, pk__in=waiting) & ~_begun_vote_meetings()
    if user.has_role(Role.RESEARCH_OFFICE):
        # Minutes issued with outcome items not yet compiled into a special report (专报件).
        q |= Q(status=MeetingStatus.MINUTED, pk__in=_uncompiled_outcomes().values("meeting_id"))
    return Meeting.objects.filter(q)


def _uncompiled_outcomes() -> QuerySet[OutcomeItem]:
    return OutcomeItem.objects.filter(special_reports__isnull=True)


def meeting_holders(meeting, state):
    """Who acts next on a meeting: once its minutes are issued with outcome items, the research
    office, which compiles them into a special report (invitations are sent by the services)."""
    if state == MeetingStatus.MINUTED and _uncompiled_outcomes().filter(meeting=meeting).exists():
        return User.objects.filter(groups__name=Role.RESEARCH_OFFICE, is_active=True)
    return User.objects.none()


def awaits_special_report(user, meeting) -> bool:
    """Whether the research office should compile this meeting's outcome items into a special report now."""
    return (
        meeting.status == MeetingStatus.MINUTED
        and user.has_role(Role.RESEARCH_OFFICE, Role.ADMIN)
        and _uncompiled_outcomes().filter(meeting=meeting).exists()
    )


def my_participation(user, meeting) -> MeetingParticipant | None:
    """The user's own invitation to meeting (as a person), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return meeting.participants.filter(Q(user=user) | Q(member__user=user)).first()


def participants_of(meeting) -> QuerySet[MeetingParticipant]:
    return meeting.participants.select_related("department", "member", "user").order_by("role", "id")


def speeches_of(meeting) -> QuerySet[Speech]:
    return meeting.speeches.select_related("department", "participant")


def outcome_items_of(meeting) -> QuerySet[OutcomeItem]:
    return meeting.outcome_items.select_related("responsible_department").prefetch_related(
        "co_departments", "special_reports"
    )


def outcome_locked_by(item: OutcomeItem) -> list:
    """The special reports that fix an outcome item: those quoting it that left the draft stage (sent for
    signing, signed, issued). A draft may still be corrected, or deleted to compile the items again."""
    return [r for r in item.special_reports.all() if r.status != SpecialReportStatus.DRAFT]


def outcome_items_visible_to(viewer) -> QuerySet[OutcomeItem]:
    return (
        OutcomeItem.objects.filter(meeting__in=meetings_visible_to(viewer))
        .select_related("meeting", "responsible_department")
        .prefetch_related("co_departments")
    )


def participant_recipients(participant) -> list:
    """Accounts that receive a participant's invitation: the person, or the department's liaisons."""
    from accounts.models import User
    from accounts.roles import Role

    if participant.user_id:
        return [participant.user]
    if participant.member_id and participant.member.user_id:
        return [participant.member.user]
    if participant.department_id:
        return list(
            User.objects.filter(department_id=participant.department_id, groups__name=Role.DEPT_LIAISON, is_active=True)
        )
    return []


def requires_department(meeting) -> bool:
    """A consultation must face a department: configured kinds, and any meeting on a research topic."""
    kinds = {k.strip() for k in str(config.CONSULT_DEPARTMENT_REQUIRED_KINDS).split(",") if k.strip()}
    return meeting.research_group_id is not None or meeting.kind in kinds


def meeting_day_reached(meeting) -> bool:
    """Whether the meeting's (local) date has come: only then can it be held, signed in or minuted."""
    return timezone.localdate() >= timezone.localtime(meeting.starts_at).date()


def meeting_has_begun(meeting) -> bool:
    """Whether the meeting's start time has come: a standing-committee vote is taken at the meeting."""
    return timezone.now() >= meeting.starts_at


def is_plan_vote_meeting(meeting) -> bool:
    """Whether the meeting is the standing committee's vote on a year's plan: the meeting 安排常委会表决
    creates, with the vote (topics.PlanVote) attached to it. It is convened under the standing
    committee's own rules (no consultation notice period nor materials deadline), and its attendance is
    the vote's: recorded on the vote's page by the clerk and fixed once voting begins, so it is read-only
    on the meeting's page (`services.check_in`, `mark_absent`); its invitations are answered until it
    begins and take no deputy (`answers_invitation`, `takes_deputies`). The one rule for all of these: a
    standing-committee meeting is the plan's vote by the vote attached to it."""
    return meeting.kind == MeetingKind.STANDING and hasattr(meeting, "plan_vote")


def answers_invitation(meeting) -> bool:
    """Whether the meeting's invitations may still be answered (attend, send a deputy, ask for leave):
    while it lies ahead (planned or its notice sent). At the plan's vote meeting only until it begins: a
    standing member asks for leave before the meeting, and the vote's attendance form shows the leave
    (请假 and its reason) for the clerk to confirm; once the meeting begins, attendance is the vote's."""
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.INVITED):
        return False
    return not (is_plan_vote_meeting(meeting) and meeting_has_begun(meeting))


def takes_deputies(meeting) -> bool:
    """Whether an invitee may send a named deputy (委托他人参加): not to the plan's vote meeting, where
    the quorum and the majority count the standing members themselves, present in person."""
    return not is_plan_vote_meeting(meeting)


def _begun_vote_meetings() -> Q:
    """The plan's vote meetings that have begun, whose invitations no longer take answers
    (`answers_invitation`), as a filter on meetings."""
    return Q(kind=MeetingKind.STANDING, plan_vote__isnull=False, starts_at__lte=timezone.now())


def follows_consultation_notice(meeting) -> bool:
    """Whether the consultation notice period and materials deadline (协商会议提前通知、材料送达) apply:
    to every consultation, the standing committee's key consultation on a topic included; not to the
    plan's vote meeting, nor to a micro-consultation (微协商), which the members who run it record
    themselves, often after it was held, without notices or materials."""
    if meeting.kind == MeetingKind.MICRO:
        return False
    return not is_plan_vote_meeting(meeting)


def materials_due(meeting) -> date | None:
    """The meeting's materials reach the participants at least N working days before it (configurable,
    default 10); None for a meeting the consultation rules do not apply to."""
    if not follows_consultation_notice(meeting):
        return None
    return workdays_before(timezone.localtime(meeting.starts_at).date(), int(config.CONSULT_MATERIALS_WORKDAYS))


# The kind of the core.Attachment that holds a meeting material's file.
MATERIAL_KIND = "meeting_material"


def meeting_materials_visible_to(viewer) -> QuerySet[MeetingMaterial]:
    """Materials of the meetings the viewer may open (invited participants, the offices, the overseers):
    `core:attachment` serves their files to them only."""
    return MeetingMaterial.objects.filter(meeting__in=meetings_visible_to(viewer))


def materials_for(viewer, meeting) -> list[MeetingMaterial]:
    """The meeting's materials the viewer may read, oldest first, each with its files (`.files`, core
    attachments): all of them for whoever may open the meeting (the rule `core:attachment` serves their
    files by), none for anyone else. The meeting's page and the API list them by this one rule."""
    from core.services import attachments_by_record

    materials = list(
        meeting_materials_visible_to(viewer)
        .filter(meeting=meeting)
        .select_related("uploaded_by")
        .order_by("created_at", "id")
    )
    by_material = attachments_by_record(materials, kind=MATERIAL_KIND)
    for m in materials:
        m.files = by_material.get(m.pk, [])
    return materials


def materials_delivered_on(meeting) -> date | None:
    """The day the meeting's materials reached its participants: the later of the first material's upload
    and the meeting notice (发出会议通知), the participants being told of the materials with the notice
    or, for those added afterwards, at once. None while there is no material or no notice yet."""
    uploaded = meeting.materials.order_by("created_at").values_list("created_at", flat=True).first()
    if uploaded is None:
        return None
    noticed = (
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Meeting), object_id=meeting.pk, action="send_invitations"
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if noticed is None:
        return None
    return timezone.localtime(max(uploaded, noticed)).date()


def delivered_late(due: date | None, delivered_on: date | None) -> bool:
    """Whether the materials reached the participants after their due date (`materials_due`, the last day
    they may): 逾期送达, the lead time the rules require missed."""
    return due is not None and delivered_on is not None and delivered_on > due


def minutes_due(meeting) -> date:
    """Minutes go to the party and government offices within N working days (configurable)."""
    return add_workdays(timezone.localtime(meeting.starts_at).date(), int(config.CONSULT_MINUTES_WORKDAYS))


def minutes_issued_on(meeting) -> date:
    """The day the minutes were issued: the date given when issuing them (entered after the paper went
    out), else the day of the step; a draft (meeting held, minutes not yet issued) carries today's date."""
    issued = (
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Meeting), object_id=meeting.pk, action="issue_minutes"
        )
        .order_by("-created_at")
        .values_list("created_at", "data")
        .first()
    )
    if issued is None:
        return timezone.localdate()
    created_at, data = issued
    given = parse_date(str((data or {}).get("issued_on") or ""))
    return given or timezone.localtime(created_at).date()


# The formal minutes stored when they were issued (`services.meetings.on_minutes_issued`), by format.
MINUTES_KINDS = {"docx": "minutes_docx", "pdf": "minutes_pdf"}


def issued_minutes(meeting, fmt: str) -> Attachment | None:
    """The minutes as issued, in one format: the file stored at the issue, or None (minutes not issued,
    or issued before the platform kept the issued copy: those are still generated at each download)."""
    kind = MINUTES_KINDS.get(fmt)
    if kind is None or meeting.status != MeetingStatus.MINUTED:
        return None
    return (
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(Meeting), object_id=meeting.pk, kind=kind
        )
        .order_by("created_at", "id")
        .first()
    )


def corrections_after_issue(meeting) -> list[dict]:
    """The changes made to the meeting's outcome items after its minutes were issued and stored, oldest
    first: {"item_id", "order", "by", "at"} each. The issued copy does not show them; the current version
    (`documents.minutes_docx(..., current=True)`) does. Empty for minutes without a stored copy."""
    stored = issued_minutes(meeting, "docx")
    if stored is None:
        return []
    rows = (
        OutcomeItem.history.filter(meeting_id=meeting.pk, history_date__gt=stored.created_at)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    return [
        {
            "item_id": row.id,
            "order": row.order,
            "by": row.history_user.display if row.history_user else "",
            "at": row.history_date,
        }
        for row in rows
    ]


def short_notice(meeting) -> bool:
    """True when a planned meeting is closer than the notice period (default 15 working days)."""
    if meeting.status != MeetingStatus.PLANNED or not follows_consultation_notice(meeting):
        return False
    due = add_workdays(timezone.localdate(), int(config.CONSULT_NOTICE_WORKDAYS))
    return timezone.localtime(meeting.starts_at).date() < due


def notice_blocker(meeting) -> str:
    """Why a meeting notice cannot go out now ("" when it can): once the meeting's start has passed, a
    notice would summon people to a meeting already over. The one rule for offering 发出会议通知 and for
    refusing it (`services.meetings.guard_notice_can_be_sent`)."""
    from django.utils.translation import gettext as _

    from core.demo_runner import story_now

    # A demo loader tells its story at a past moment (core.demo_runner.StoryClock): the rule holds then.
    if meeting.status != MeetingStatus.PLANNED or (story_now() or timezone.now()) < meeting.starts_at:
        return ""
    return _(
        "会议开始时间（%(when)s）已过，不能再发出会议通知。会议已经召开的，请点击“会议召开”登记为已召开，"
        "再为出席者签到；会议改期的，请先改期，再发出通知。"
    ) % {"when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")}


# Another meeting's invitee who will not come there is not double-booked by it.
_BUSY = (Attendance.INVITED, Attendance.ATTENDING, Attendance.DEPUTY, Attendance.PRESENT)


def overlapping_engagements(meeting) -> list[dict]:
    """The invitees (a member, an account, a department's head) who have another meeting at an
    overlapping time, with that meeting: the convener is warned before the notice goes out (not
    refused: a member may well leave one meeting for the other). One query for the whole list."""
    participants = list(meeting.participants.all())
    members = {p.member_id for p in participants if p.member_id}
    users = {p.user_id for p in participants if p.user_id}
    depts = {p.department_id for p in participants if p.department_id and not p.member_id and not p.user_id}
    if not (members or users or depts):
        return []
    others = (
        MeetingParticipant.objects.filter(
            Q(member_id__in=members) | Q(user_id__in=users) | Q(department_id__in=depts, member=None, user=None),
            meeting__starts_at__lt=meeting.ends_at,
            meeting__ends_at__gt=meeting.starts_at,
            meeting__status__in=(MeetingStatus.PLANNED, MeetingStatus.INVITED, MeetingStatus.HELD),
            attendance__in=_BUSY,
        )
        .exclude(meeting=meeting)
        .select_related("meeting")
        .order_by("meeting__starts_at", "meeting_id")
    )
    by_member, by_user, by_dept = {}, {}, {}
    for row in others:
        if row.member_id:
            by_member.setdefault(row.member_id, row.meeting)
        if row.user_id:
            by_user.setdefault(row.user_id, row.meeting)
        if row.department_id and not row.member_id and not row.user_id:
            by_dept.setdefault(row.department_id, row.meeting)
    out = []
    for p in participants:
        if p.member_id or p.user_id:
            other = by_member.get(p.member_id) or by_user.get(p.user_id)
        else:
            other = by_dept.get(p.department_id)
        if other is not None:
            out.append({"participant": p, "meeting": other})
    return out


def unreached_participant_ids(participants) -> set[int]:
    """The participants a notice does not reach (`participant_recipients` finds no account): residents
    and others named only, members without an account, departments without a liaison. The convener
    phones them. One query for the departments' liaisons, whatever the number of participants."""
    participants = list(participants)
    depts = {p.department_id for p in participants if p.department_id}
    reached_depts = set(
        User.objects.filter(department_id__in=depts, groups__name=Role.DEPT_LIAISON, is_active=True).values_list(
            "department_id", flat=True
        )
    )
    out = set()
    for p in participants:
        if p.user_id or (p.member_id and p.member.user_id):
            continue
        if p.department_id in reached_depts:
            continue
        out.add(p.pk)
    return out


def convene_blocker(group) -> str:
    """Why a consultation cannot be convened on the group's research ("" when it can): a group still
    forming has not researched anything, a cancelled one never will (domain.md §4: the research comes
    first, the consultation on its report after). The one rule for the page's link and the service."""
    from django.utils.translation import gettext as _

    if group.status == GroupStatus.FORMING:
        return _("课题组尚未开始调研，不能召集协商会议：请先开始调研，形成协商议政报告后再召集。")
    if group.status == GroupStatus.CANCELLED:
        return _("课题组已撤销，不能召集协商会议。")
    return ""


def report_not_ready(group) -> bool:
    """Whether the group's report is not yet finalised or adopted: convening is allowed, with a warning."""
    report = getattr(group, "report", None)
    return report is None or report.status not in (ReportStatus.FINALISED, ReportStatus.ADOPTED)
