"""Reads on the grassroots platforms, and the per-period reports computed from the records."""

from datetime import date, timedelta

from constance import config
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.predicates import can_see_contacts, is_dept_liaison, is_member, is_office
from accounts.roles import Role
from grassroots.models import (
    Appointment,
    CommunityConsultation,
    Contact,
    DutyGroup,
    DutyIssue,
    FollowUpTask,
    IssueStatus,
    MicroConsultation,
    ReceptionDay,
    Workstation,
    WorkstationService,
)
from intake.models import Appeal, AppealStatus
from intake.predicates import member_id_of
from intake.selectors import OPEN_PLAN

_RECEPTION_WEEKENDS = {
    1: gettext_lazy("每月第一个周末"),
    2: gettext_lazy("每月第二个周末"),
    3: gettext_lazy("每月第三个周末"),
    4: gettext_lazy("每月第四个周末"),
}


def reception_weekend_words() -> str:
    """The district's reception weekend in words (config RECEPTION_WEEK_OF_MONTH), as the public page
    and the office's generate form tell it: 每月第三个周末."""
    week = config.RECEPTION_WEEK_OF_MONTH
    return str(_RECEPTION_WEEKENDS.get(week) or _("每月第%(n)s个周末") % {"n": week})


def workstations_public() -> QuerySet[Workstation]:
    """Active workstations for the public portal."""
    return Workstation.objects.filter(is_active=True).select_related("host_party", "town").order_by("name")


def get_workstation(pk: int) -> Workstation:
    return get_object_or_404(workstations_public().prefetch_related("members"), pk=pk)


def upcoming_days(workstation: Workstation, *, limit: int = 8, cancelled: bool = False) -> list[ReceptionDay]:
    """Reception days from today on, with the number of places taken and who is on duty; the
    cancelled ones too when `cancelled` (the office's list), otherwise only those open for booking."""
    days = workstation.reception_days.filter(date__gte=timezone.localdate())
    if not cancelled:
        days = days.filter(is_cancelled=False)
    days = (
        days.annotate(taken=Count("appointments", filter=~Q(appointments__status=Appointment.Status.CANCELLED)))
        .prefetch_related("on_duty")
        .order_by("date")[:limit]
    )
    out = list(days)
    for day in out:
        day.places_left = max(day.capacity - day.taken, 0)
    return out


def cancelled_days(workstation: Workstation, *, limit: int = 4) -> list[ReceptionDay]:
    """Upcoming reception days the workstation cancelled, with the reason, for residents who look again."""
    return list(
        workstation.reception_days.filter(date__gte=timezone.localdate(), is_cancelled=True).order_by("date")[:limit]
    )


def calendar_days(workstation: Workstation) -> QuerySet[ReceptionDay]:
    """All reception days of a workstation for the ICS feed."""
    return workstation.reception_days.prefetch_related("on_duty").order_by("date")


def duty_days_of(member_id: int, *, start: date | None = None, end: date | None = None) -> QuerySet[ReceptionDay]:
    """The reception days of active workstations a member is rostered on (cancelled ones too, as the
    workstation feed has them), from `start` and before `end`, oldest first, with who else is on duty."""
    days = ReceptionDay.objects.filter(on_duty=member_id, workstation__is_active=True)
    if start is not None:
        days = days.filter(date__gte=start)
    if end is not None:
        days = days.filter(date__lt=end)
    return days.select_related("workstation").prefetch_related("on_duty").order_by("date", "id")


def workstations_for(user) -> QuerySet[Workstation]:
    """Workstations this user works in (all of them for the office)."""
    if is_office(user) or can_see_contacts(user):
        return Workstation.objects.all().order_by("name")
    member_id = member_id_of(user)
    if member_id is None:
        return Workstation.objects.none()
    return Workstation.objects.filter(members=member_id).order_by("name")


def contacts_of(workstation: Workstation, *, start: date | None = None, end: date | None = None):
    qs = workstation.contacts.select_related("reception_day", "appointment", "appeal", "service").prefetch_related(
        "members"
    )
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return qs.order_by("-date", "-id")


def appointments_of(day: ReceptionDay) -> QuerySet[Appointment]:
    return day.appointments.select_related("service").order_by("created_at", "id")


def last_status_changes(appointments: list[Appointment]) -> dict:
    """Each booking's latest workflow change (who, when, why), read in one query for the day page."""
    from core.models import StatusChange

    changes = (
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Appointment),
            object_id__in=[a.pk for a in appointments],
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    return {change.object_id: change for change in changes}


def appointments_visible_to(user) -> QuerySet[Appointment]:
    """Bookings of the workstations this user works in (all of them for the office)."""
    return Appointment.objects.filter(reception_day__workstation__in=workstations_for(user))


def appointment_inbox(user) -> QuerySet[Appointment]:
    """Bookings of the member's workstations whose reception day has passed with nothing recorded:
    to register as received or not come."""
    member_id = member_id_of(user)
    if member_id is None:
        return Appointment.objects.none()
    return Appointment.objects.filter(
        status=Appointment.Status.BOOKED,
        reception_day__date__lt=timezone.localdate(),
        reception_day__workstation__members=member_id,
    ).order_by("reception_day__date", "created_at", "id")


def service_names() -> dict[str, str]:
    """The names of the services in use (工作室服务类型), by code, in the reader's language: one query for a
    whole page of workstations (`Workstation.service_labels`)."""
    return {s.code: str(s) for s in WorkstationService.objects.filter(is_active=True)}


def with_service_labels(workstations) -> list:
    """The workstations, each with `offered`: the names of the services it offers (one query for all)."""
    workstations, names = list(workstations), service_names()
    for ws in workstations:
        ws.offered = ws.service_labels(names)
    return workstations


def services_offered() -> QuerySet[WorkstationService]:
    """The services a resident or a clerk may choose from: those in use, in the list's order."""
    return WorkstationService.objects.filter(is_active=True)


def workstation_report(workstation: Workstation, *, start: date, end: date) -> dict:
    """Figures for a period, computed from the records: information items, people advised, contacts."""
    from opinions.models import OpinionReport

    contacts = Contact.objects.filter(workstation=workstation, date__gte=start, date__lte=end)
    totals = contacts.aggregate(n=Count("id"), people=Sum("people_count"))
    by_kind = {row["kind"]: row for row in contacts.values("kind").annotate(n=Count("id"), people=Sum("people_count"))}
    by_service = {row["service"]: row["n"] for row in contacts.values("service").annotate(n=Count("id"))}
    # Every service in use, and a retired one only if the period has records of it.
    counted = [s for s in WorkstationService.objects.all() if s.is_active or by_service.get(s.pk)]
    reports = OpinionReport.objects.filter(
        provider_type=ContentType.objects.get_for_model(Workstation),
        provider_id=workstation.pk,
        created_at__date__gte=start,
        created_at__date__lte=end,
    )
    appeals = Appeal.objects.filter(workstation=workstation, created_at__date__gte=start, created_at__date__lte=end)
    days = workstation.reception_days.filter(date__gte=start, date__lte=end, is_cancelled=False)
    return {
        "start": start,
        "end": end,
        "information_items": reports.count(),
        "people_advised": totals["people"] or 0,
        "contacts": totals["n"] or 0,
        "receptions": by_kind.get(Contact.Kind.RECEPTION, {}).get("n", 0),
        "visits_out": by_kind.get(Contact.Kind.VISIT_OUT, {}).get("n", 0),
        "walk_ins": contacts.filter(kind=Contact.Kind.RECEPTION, appointment__isnull=True).count(),
        "by_service": [(str(s), by_service.get(s.pk, 0)) for s in counted],
        "reception_days": days.count(),
        "appointments": Appointment.objects.filter(reception_day__in=days)
        .exclude(status=Appointment.Status.CANCELLED)
        .count(),
        **appeals.aggregate(
            appeals=Count("pk"),
            appeals_closed=Count("pk", filter=Q(status=AppealStatus.CLOSED)),
            # Withdrawn by the citizen: neither still open nor closed by the workstation.
            appeals_withdrawn=Count("pk", filter=Q(status=AppealStatus.WITHDRAWN)),
        ),
    }


# Duty groups


def _works_on_grassroots(user) -> bool:
    """The office, leaders and members: who may read the platforms' internal work records."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(is_office(user) or can_see_contacts(user) or is_member(user))


def groups_for(user) -> QuerySet[DutyGroup]:
    """Duty groups and their issue lists: internal work records (not for citizens or departments)."""
    if not _works_on_grassroots(user):
        return DutyGroup.objects.none()
    return DutyGroup.objects.select_related("sector", "convenor").prefetch_related("members").order_by("name")


def get_group(user, pk: int) -> DutyGroup:
    return get_object_or_404(groups_for(user), pk=pk)


def issues_visible_to(viewer) -> QuerySet[DutyIssue]:
    """Duty-group issues: visible to the office, leaders and members (internal work records)."""
    if _works_on_grassroots(viewer):
        return DutyIssue.objects.select_related("group", "town", "community", "department", "appeal")
    return DutyIssue.objects.none()


def with_plan_completion(issues: QuerySet[DutyIssue]) -> QuerySet[DutyIssue]:
    """Each issue with how its plan was carried out, read from the audited step (the "complete_plan"
    action of its workflow; the issue has no field for it): `plan_completed_at` (when it was recorded)
    and `plan_completed_note` (what was done), both None for an issue whose plan was not carried out.
    Annotated in the issues' own query, so a list costs no query per row."""
    from core.models import StatusChange

    steps = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(DutyIssue), object_id=OuterRef("pk"), action="complete_plan"
    ).order_by("-created_at", "-id")
    return issues.annotate(
        plan_completed_at=Subquery(steps.values("created_at")[:1]),
        plan_completed_note=Subquery(steps.values("note")[:1]),
    )


def get_issue_for(viewer, pk: int) -> DutyIssue:
    return get_object_or_404(
        with_plan_completion(issues_visible_to(viewer)).prefetch_related(
            Prefetch(
                "micro_consultations",
                queryset=MicroConsultation.objects.select_related("meeting", "department").prefetch_related(
                    "meeting__participants"
                ),
            )
        ),
        pk=pk,
    )


def issues_on_same_appeal(issue: DutyIssue) -> list[DutyIssue]:
    """The other issues (of any group) that name the issue's appeal, oldest first: an appeal taken up
    again after an earlier issue on it was closed shows that issue and how it ended."""
    if issue.appeal_id is None:
        return []
    return list(
        DutyIssue.objects.filter(appeal_id=issue.appeal_id)
        .exclude(pk=issue.pk)
        .select_related("group")
        .order_by("collected_on", "id")
    )


def issue_holders(issue: DutyIssue, state: str):
    """The group's members work on an issue being investigated, and follow a plan up until it is
    carried out (制定计划限期解决: 计划落实中)."""
    if state in (IssueStatus.INVESTIGATING, IssueStatus.FOLLOW_UP):
        return User.objects.filter(member__duty_groups=issue.group_id, is_active=True)
    return User.objects.none()


def issue_inbox(user) -> QuerySet[DutyIssue]:
    """The member's groups' issues to work on, and their plans whose date has come (or passed) with
    nothing recorded: to record carried out, or reschedule with a reason."""
    member_id = member_id_of(user)
    if member_id is None:
        return DutyIssue.objects.none()
    return (
        DutyIssue.objects.filter(group__members=member_id)
        .filter(
            Q(status__in=[IssueStatus.COLLECTED, IssueStatus.INVESTIGATING])
            | Q(status=IssueStatus.FOLLOW_UP, plan_due_date__lte=timezone.localdate())
        )
        .select_related("group")
        .order_by("collected_on")
    )


OPEN_ISSUE_STATES = (IssueStatus.COLLECTED, IssueStatus.INVESTIGATING, IssueStatus.FOLLOW_UP)


def group_issues(group: DutyGroup) -> QuerySet[DutyIssue]:
    return with_plan_completion(
        group.issues.select_related("town", "community", "department", "appeal")
        .annotate(micro_count=Count("micro_consultations"))
        .order_by("-collected_on", "-id")
    )


def _proposal_linked_in(start: date, end: date) -> Q:
    """Issues that formed a proposal in the period: the proposal linked to it (submitted online from it,
    or recorded by title from paper) on a day of the period. One rule for the group page's count and for
    the ticks in its list."""
    has_proposal = Q(proposal_id__isnull=False) | ~Q(proposal_title="")
    return has_proposal & Q(proposal_submitted_on__gte=start, proposal_submitted_on__lte=end)


def group_page_issues(group: DutyGroup, *, start: date, end: date) -> dict:
    """The group page's lists: every open issue whatever its year (to be worked on), and the year's
    finished ones (collected in it, or that formed a proposal in it). Each issue says whether it formed
    a proposal in the year (`proposal_in_year`), the rule the 形成提案 count follows; an open issue with
    a plan whose date has passed is `plan_overdue`."""
    today = timezone.localdate()
    issues = group_issues(group)
    open_issues = list(issues.filter(status__in=OPEN_ISSUE_STATES))
    finished = list(
        issues.exclude(status__in=OPEN_ISSUE_STATES).filter(
            Q(collected_on__gte=start, collected_on__lte=end) | _proposal_linked_in(start, end)
        )
    )
    for issue in open_issues + finished:
        linked = issue.proposal_submitted_on
        issue.proposal_in_year = issue.has_proposal and linked is not None and start <= linked <= end
        issue.plan_overdue = bool(
            issue.status == IssueStatus.FOLLOW_UP and issue.plan_due_date and issue.plan_due_date < today
        )
    return {"open": open_issues, "finished": finished}


def proposals_submitted(group: DutyGroup, *, start: date, end: date) -> int:
    """Proposals the group formed in a period: its issues whose proposal (submitted online from the issue,
    or recorded on it from paper) was linked in the period; the ticks of the group page follow the same
    rule (`group_page_issues`)."""
    return group.issues.filter(_proposal_linked_in(start, end)).count()


def overdue_plans(*, today: date | None = None) -> QuerySet[DutyIssue]:
    """Issues whose plan (制定计划限期解决) is still being carried out after its date."""
    today = today or timezone.localdate()
    return (
        DutyIssue.objects.filter(status=IssueStatus.FOLLOW_UP, plan_due_date__lt=today)
        .select_related("group")
        .order_by("plan_due_date", "id")
    )


def due_plans(*, today: date | None = None) -> QuerySet[DutyIssue]:
    """Issues whose plan date has come (today or earlier) and that nobody has recorded carried out; not
    those whose plan is their appeal's (`planned_appeal`): the appeal's reminders chase that one plan
    (`intake.services.remind_due_plans`), so it is not chased twice."""
    today = today or timezone.localdate()
    return (
        DutyIssue.objects.filter(status=IssueStatus.FOLLOW_UP, plan_due_date__lte=today)
        .exclude(appeal__in=Appeal.objects.filter(OPEN_PLAN).values("pk"))
        .select_related("group")
        .order_by("plan_due_date", "id")
    )


def planned_appeal(issue: DutyIssue) -> Appeal | None:
    """The appeal whose plan is the issue's own (one plan, `services.follow_appeal_step`): the appeal the
    issue was taken up from, closed with a plan not yet carried out, while the issue's plan is followed up."""
    if issue.appeal_id is None or issue.status != IssueStatus.FOLLOW_UP:
        return None
    return Appeal.objects.filter(OPEN_PLAN, pk=issue.appeal_id).first()


def duty_issues_of(appeal: Appeal, viewer) -> list[DutyIssue]:
    """The duty groups' issues taken up from an appeal, for its page: only for who may see them (the
    office, leaders and members), oldest first, each with its group."""
    return list(issues_visible_to(viewer).filter(appeal=appeal).order_by("collected_on", "id"))


def group_report(group: DutyGroup, *, start: date, end: date) -> dict:
    """Issues collected, micro-consultations held and proposals submitted in a period."""
    issues = group.issues.filter(collected_on__gte=start, collected_on__lte=end)
    micros = MicroConsultation.objects.filter(
        issue__group=group, meeting__starts_at__date__gte=start, meeting__starts_at__date__lte=end
    )
    outcomes = dict(micros.values_list("outcome").annotate(n=Count("id")))
    return {
        "start": start,
        "end": end,
        "issues": issues.count(),
        "from_appeals": issues.filter(source=DutyIssue.Source.APPEAL).count(),
        "resolved": issues.filter(status=IssueStatus.RESOLVED).count(),
        "micro_consultations": micros.count(),
        "outcomes": outcomes,
        "proposals": proposals_submitted(group, start=start, end=end),
    }


# Community consultations


def community_consultations(viewer) -> QuerySet[CommunityConsultation]:
    """Community consultations, with the residents who took part: the office, leaders and members."""
    if not _works_on_grassroots(viewer):
        return CommunityConsultation.objects.none()
    return CommunityConsultation.objects.select_related("community__town", "meeting").order_by(
        "-meeting__starts_at", "-id"
    )


def community_consultations_for(viewer) -> QuerySet[CommunityConsultation]:
    """The consultations a user's pages list: every one for the office, leaders and members; for a
    department's liaison, those with a follow-up task their department is responsible for. Each with
    `overdue_tasks`, its tasks not done after their date (counted in the list's own query)."""
    today = timezone.localdate()
    if _works_on_grassroots(viewer):
        consultations = community_consultations(viewer)
    elif is_dept_liaison(viewer) and getattr(viewer, "department_id", None):
        consultations = (
            CommunityConsultation.objects.filter(
                pk__in=FollowUpTask.objects.filter(department_id=viewer.department_id).values("consultation_id")
            )
            .select_related("community__town", "meeting")
            .order_by("-meeting__starts_at", "-id")
        )
    else:
        return CommunityConsultation.objects.none()
    return consultations.annotate(
        overdue_tasks=Count("tasks", filter=Q(tasks__done_at__isnull=True, tasks__due_date__lt=today))
    )


def get_community_consultation(viewer, pk: int) -> CommunityConsultation:
    return get_object_or_404(
        community_consultations_for(viewer).prefetch_related(
            "positions",
            Prefetch("tasks", queryset=FollowUpTask.objects.select_related("department", "done_by")),
            "meeting__participants",
        ),
        pk=pk,
    )


def task_liaisons(task: FollowUpTask) -> QuerySet[User]:
    """The active liaisons of the department responsible for a follow-up task (none without one)."""
    if task.department_id is None:
        return User.objects.none()
    return User.objects.filter(
        groups__name=Role.DEPT_LIAISON, department_id=task.department_id, is_active=True
    ).distinct()


def follow_ups_to_remind(*, today: date, ahead: int) -> QuerySet[FollowUpTask]:
    """Follow-up tasks not recorded done whose date is within `ahead` days or passed, of consultations
    not voided, with their consultation and its recorder."""
    return (
        FollowUpTask.objects.filter(
            done_at__isnull=True,
            due_date__isnull=False,
            due_date__lte=today + timedelta(days=ahead),
            consultation__voided_at__isnull=True,
        )
        .select_related("consultation__recorded_by", "department")
        .order_by("due_date", "id")
    )


def public_community_outcomes() -> QuerySet[CommunityConsultation]:
    """Community consultations the public reads the outcome of (not those voided): the matter, the
    community, the result and the follow-up tasks with their completion; never who took part."""
    return (
        CommunityConsultation.objects.filter(voided_at__isnull=True)
        .select_related("community__town", "meeting")
        .annotate(
            tasks_total=Count("tasks"),
            tasks_done=Count("tasks", filter=Q(tasks__done_at__isnull=False)),
        )
        .order_by("-meeting__starts_at", "-id")
    )


def get_public_community_outcome(pk: int) -> CommunityConsultation:
    return get_object_or_404(
        public_community_outcomes().prefetch_related(
            Prefetch("tasks", queryset=FollowUpTask.objects.select_related("department"))
        ),
        pk=pk,
    )


def community_steps(consultation: CommunityConsultation) -> list:
    """The steps recorded after a consultation (its outcome concluded, tasks added): who, when, the note."""
    from core.models import StatusChange

    return list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(CommunityConsultation), object_id=consultation.pk
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )


def last_roster_change(day: ReceptionDay):
    """The day's last change of its duty roster (who, when, the note), or None: its history rows with
    a roster change reason (`services.set_roster`)."""
    row = (
        day.history.exclude(history_change_reason__in=("", "cancel day"))
        .exclude(history_change_reason__isnull=True)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if row is None:
        return None
    row.note = "" if row.history_change_reason == "roster" else row.history_change_reason
    return row


def micro_meeting_context(viewer, meeting) -> dict:
    """What a micro-consultation's meeting page shows of the duty group's issue it was held on: the issue
    (linked for who may open it), the outcome recorded on it (read by everyone who sees the meeting: the
    department that committed to a plan included), and, while none is recorded, whether the viewer records
    it (on the issue's page)."""
    from consultations.models import MeetingStatus
    from grassroots.predicates import handles_issue

    record = MicroConsultation.objects.filter(meeting=meeting).select_related("department", "issue").first()
    issue = record.issue if record is not None else None
    if issue is None and meeting.subject_type_id == ContentType.objects.get_for_model(DutyIssue).pk:
        issue = DutyIssue.objects.filter(pk=meeting.subject_id).select_related("group").first()
    if issue is None:
        return {}
    return {
        "micro_issue": issue,
        "micro_issue_opens": issues_visible_to(viewer).filter(pk=issue.pk).exists(),
        "micro_record": record,
        "records_micro_outcome": record is None
        and meeting.status != MeetingStatus.CANCELLED
        and issue.status in (IssueStatus.COLLECTED, IssueStatus.INVESTIGATING)
        and bool(handles_issue(viewer, issue)),
    }


def scheduled_micro_meetings(issue: DutyIssue) -> list:
    """The micro-consultations scheduled ahead on the issue, their outcome not recorded yet (not cancelled)."""
    from consultations.models import Meeting, MeetingKind, MeetingStatus

    return list(
        Meeting.objects.filter(
            kind=MeetingKind.MICRO,
            subject_type=ContentType.objects.get_for_model(DutyIssue),
            subject_id=issue.pk,
            micro__isnull=True,
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at", "id")
    )


def scheduled_community_meetings(viewer) -> list:
    """The community consultations scheduled ahead that the viewer sees, their outcome not recorded yet
    (not cancelled): the list page shows them until their record is made on them."""
    from consultations.models import MeetingKind, MeetingStatus
    from consultations.selectors import meetings_visible_to

    return list(
        meetings_visible_to(viewer)
        .filter(kind=MeetingKind.COMMUNITY, community_affair__isnull=True)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at", "id")
    )


def community_meeting_context(viewer, meeting) -> dict:
    """What a community consultation's meeting page offers while no record is made on it: whether the
    viewer (who runs the meeting and records community consultations) may record its outcome now, and
    why not yet (the one rule, `services.community_outcome_blocker`)."""
    from consultations.predicates import manages_meeting
    from grassroots.predicates import records_community_consultation
    from grassroots.services import community_outcome_blocker

    if getattr(meeting, "community_affair", None) is not None:  # cached on the meeting, as the blocker reads it
        return {}
    if not (manages_meeting(viewer, meeting) and records_community_consultation(viewer, None)):
        return {}
    return {"records_community_outcome": True, "community_outcome_blocker": community_outcome_blocker(meeting)}
