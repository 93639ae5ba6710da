"""Reads for supervision: visibility, inboxes, the ranking of departments and the public page."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, FloatField, Func, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.predicates import has_role, is_cppcc_leader, is_dept_liaison, is_office
from accounts.roles import Role
from core.models import StatusChange
from district.models import Department
from supervision.choices import HANDLING_STATES, OPEN_STATES, ExtensionState, Rating, ReportStatus, TaskStatus
from supervision.models import ProgressReport, SpecialReport, SupervisionTask, TaskExtensionRequest, TaskReply
from supervision.predicates import is_lead_liaison
from supervision.workflow import EXTENSION_SUFFIX

# Who sees every task and report: the CPPCC office side, its leaders and the supervising offices.
sees_everything = is_office | is_cppcc_leader | has_role(Role.PARTY_OFFICE, Role.GOV_OFFICE, Role.PARTY_LEADER)


def reads_task_notes(viewer, task) -> bool:
    """Whether the viewer reads every note of a task's timeline: the offices and leaders who transfer and
    supervise it, and the lead department that handles it (`supervision.workflow`)."""
    return bool(sees_everything(viewer)) or bool(is_lead_liaison(viewer, task))


def _task_qs():
    return SupervisionTask.objects.select_related("lead_department", "rater", "special_report", "outcome_item")


def department_tasks(department_id: int, *, lead_only: bool = False) -> Q:
    """The tasks a department has (its liaisons see them): those it leads or co-handles (only those it
    leads with `lead_only`, as the statistics count them), once transferred (交办): a task the government
    office has not yet handed over only has its department pre-filled."""
    department = Q(lead_department_id=department_id)
    if not lead_only:
        co = SupervisionTask.co_departments.through.objects.filter(department_id=department_id)
        department |= Q(pk__in=co.values("supervisiontask_id"))
    return department & ~Q(status=TaskStatus.CREATED)


def tasks_visible_to(viewer):
    """Tasks viewer may see: everything for offices and leaders, own department's for liaisons
    (`department_tasks`)."""
    if not getattr(viewer, "is_authenticated", False):
        return SupervisionTask.objects.none()
    if sees_everything(viewer):
        return _task_qs()
    scope = Q(rater=viewer)
    if is_dept_liaison(viewer) and viewer.department_id:
        scope |= department_tasks(viewer.department_id)
    return _task_qs().filter(scope)


def progress_reports_visible_to(viewer):
    """Progress reports (and so their attachments) of the tasks viewer may see."""
    return ProgressReport.objects.filter(task__in=tasks_visible_to(viewer).values("pk"))


def get_task_for(viewer, pk: int) -> SupervisionTask:
    """One task, or 404 when viewer may not see it."""
    return get_object_or_404(tasks_visible_to(viewer).prefetch_related("co_departments"), pk=pk)


def awaiting_extension_decision() -> Q:
    """Tasks being handled whose lead department waits for a decision on more time."""
    pending = TaskExtensionRequest.objects.filter(task=OuterRef("pk"), state=ExtensionState.PENDING)
    return Q(Exists(pending), status__in=HANDLING_STATES)


def task_list(
    viewer,
    *,
    status: str = "",
    department: str = "",
    rating: str = "",
    overdue: bool = False,
    extension_pending: bool = False,
    start=None,
    end=None,
):
    """The task list page: visible tasks, filterable by state, department, rating, lateness, a pending
    extension request and date created."""
    qs = tasks_visible_to(viewer).prefetch_related("co_departments")
    qs = qs.annotate(has_pending_extension=awaiting_extension_decision())
    if status == "open":
        # 未办结: every task not yet closed, including those waiting on the offices (to transfer, to
        # decide a reassignment request, to rate); OPEN_STATES only names the states whose deadline runs.
        qs = qs.exclude(status=TaskStatus.CLOSED)
    elif status:
        qs = qs.filter(status=status)
    if department:
        qs = qs.filter(lead_department_id=department)
    if rating:
        qs = qs.filter(rating=rating)
    if overdue:
        qs = qs.filter(status__in=OPEN_STATES, due_date__lt=timezone.localdate(), source_withdrawn_at__isnull=True)
    if extension_pending:
        qs = qs.filter(has_pending_extension=True)
    if start:
        qs = qs.filter(created_at__date__gte=start)
    if end:
        qs = qs.filter(created_at__date__lte=end)
    return qs.order_by("due_date", "id")


def task_inbox(user):
    """Tasks waiting for user: to transfer, to accept or handle, to rate, overdue to chase."""
    if not getattr(user, "is_authenticated", False):
        return SupervisionTask.objects.none()
    q = Q(rater=user, status=TaskStatus.FEEDBACK)
    if user.has_role(Role.GOV_OFFICE, Role.ADMIN):
        q |= Q(status__in=[TaskStatus.CREATED, TaskStatus.REASSIGN])
        # A department's request for more time waits for the office that sets deadlines.
        q |= awaiting_extension_decision()
    if user.has_role(Role.GOV_OFFICE, Role.PARTY_OFFICE, Role.ADMIN):
        q |= Q(status=TaskStatus.OVERDUE)
        # A reply on a task without a named rater is verified by the supervising offices.
        q |= Q(status=TaskStatus.FEEDBACK, rater__isnull=True)
    if is_dept_liaison(user) and user.department_id:
        q |= Q(
            lead_department_id=user.department_id,
            status__in=[TaskStatus.ASSIGNED, *HANDLING_STATES, TaskStatus.FOLLOW_UP],
        )
    # Once the citizen withdrew the appeal behind a task, nothing waits on it but a reply to verify.
    withdrawn = Q(source_withdrawn_at__isnull=False) & ~Q(status=TaskStatus.FEEDBACK)
    return _task_qs().filter(q).exclude(withdrawn).order_by("due_date", "id")


def liaisons_of(department_ids) -> list:
    """Active liaison accounts of the given departments."""
    return list(
        User.objects.filter(
            is_active=True, groups__name=Role.DEPT_LIAISON, department_id__in=[d for d in department_ids if d]
        ).distinct()
    )


def users_with_roles(*roles: str) -> list:
    return list(User.objects.filter(is_active=True, groups__name__in=roles).distinct())


def supervising_office_users() -> list:
    """The party-committee and government office staff who supervise implementation."""
    return users_with_roles(Role.PARTY_OFFICE, Role.GOV_OFFICE)


def task_holders(task, state):
    """Who must act when a task enters state (notified by the workflow; a task is created 待交办
    outside it, by the service that opens it)."""
    if state in (TaskStatus.CREATED, TaskStatus.REASSIGN):
        # The government office transfers (交办) a new task and decides a reassignment request.
        return users_with_roles(Role.GOV_OFFICE)
    if state == TaskStatus.ASSIGNED:
        return liaisons_of([task.lead_department_id, *task.co_departments.values_list("pk", flat=True)])
    if state in (TaskStatus.REMINDED, TaskStatus.REOPENED, TaskStatus.FOLLOW_UP, TaskStatus.CLOSED):
        return liaisons_of([task.lead_department_id])
    if state == TaskStatus.FEEDBACK:
        return [task.rater] if task.rater_id else supervising_office_users()
    return []


def task_watchers(task, state):
    """Who is told of a step without being asked to act: when a followed-up task (跟踪落实) is closed on
    the department's report, whoever rated the reply (its rater, else the supervising offices)."""
    if state == TaskStatus.CLOSED and task.follow_up_date is not None:
        return [task.rater] if task.rater_id else supervising_office_users()
    return []


def source_withdrawn_recipients(task) -> list:
    """Who hears that the appeal behind a task was withdrawn: the lead and cooperating departments'
    liaisons, whoever opened the task, and who verifies it (its rater, else the supervising offices)."""
    users = liaisons_of([task.lead_department_id, *task.co_departments.values_list("pk", flat=True)])
    users += [task.rater] if task.rater_id else supervising_office_users()
    if task.created_by_id:
        users.append(task.created_by)
    return list({u.pk: u for u in users if u.is_active}.values())


def progress_of(task):
    """A task's progress reports with their attachments, oldest first."""
    return ProgressReport.objects.filter(task=task).select_related("author", "department").order_by("created_at", "id")


def replies_of(task):
    """Submitted replies of a task, one per round."""
    return TaskReply.objects.filter(task=task, submitted_at__isnull=False).select_related(
        "author", "rated_by", "reply_class"
    )


def draft_reply_of(task):
    """The current round's unsubmitted reply, or None."""
    return (
        TaskReply.objects.filter(task=task, submitted_at__isnull=True)
        .select_related("reply_class")
        .order_by("-round")
        .first()
    )


# ---- extension requests (延期申请) ----------------------------------------------------------------


def current_round(task) -> int:
    """The handling round: one more than the replies submitted (a reply rated "not satisfied" starts the next)."""
    return TaskReply.objects.filter(task=task, submitted_at__isnull=False).count() + 1


def pending_extension_of(task, *, lock: bool = False) -> TaskExtensionRequest | None:
    """The task's extension request still waiting for a decision, if any."""
    qs = TaskExtensionRequest.objects.filter(task=task, state=ExtensionState.PENDING)
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.select_related("department", "requested_by").first()


def extension_requests_of(task) -> list[TaskExtensionRequest]:
    """Every extension request of a task with who asked and who decided, oldest first."""
    return list(task.extension_requests.select_related("department", "requested_by", "decided_by"))


def extension_deciders() -> list:
    """Who is told of a request: the government office staff, who set the task's deadline."""
    return users_with_roles(Role.GOV_OFFICE)


def extension_flags(viewer, task) -> dict:
    """What the task page shows of extension requests to viewer (the template shows forms by these): the
    request form exactly when the workflow offers the request (`services.extension.request_offered`)."""
    from core.workflow import workflow_for
    from supervision.predicates import is_transfer_office
    from supervision.services.extension import latest_due

    handling = task.status in HANDLING_STATES
    pending = pending_extension_of(task) if handling else None
    suffix = EXTENSION_SUFFIX.get(task.status, "")
    names = {step: f"{step}_extension{suffix}" for step in ("request", "approve", "refuse")}
    request = workflow_for(task).action(names["request"]) if handling else None
    may_request = request is not None and request.is_allowed(viewer, task) and request.is_offered(viewer, task)
    may_decide = pending is not None and bool(is_transfer_office(viewer))
    return {
        "pending_extension": pending,
        "may_request_extension": may_request,
        "may_decide_extension": may_decide,
        "extension_actions": names,
        "extension_latest": latest_due(task) if may_request or may_decide else None,
        "extension_requests": extension_requests_of(task),
    }


# ---- special reports -------------------------------------------------------------------------


def reports_visible_to(viewer):
    """Special reports viewer may see: every one for the CPPCC office, its leaders and the supervising
    offices; for a department's liaison, the issued reports it has a task from (`department_tasks`), to
    read and download the document it acts on."""
    if not getattr(viewer, "is_authenticated", False):
        return SpecialReport.objects.none()
    qs = SpecialReport.objects.select_related("meeting", "template", "lead", "signed_by")
    if sees_everything(viewer):
        return qs
    if is_dept_liaison(viewer) and viewer.department_id:
        tasks = SupervisionTask.objects.filter(department_tasks(viewer.department_id))
        return qs.filter(status=ReportStatus.ISSUED, pk__in=tasks.values("special_report_id"))
    return SpecialReport.objects.none()


def get_report_for(viewer, pk: int) -> SpecialReport:
    return get_object_or_404(reports_visible_to(viewer), pk=pk)


def report_items(report):
    """The report's outcome items in order, with departments and any tasks already opened."""
    return (
        report.items.select_related("responsible_department")
        .prefetch_related("co_departments", Prefetch("supervision_tasks", queryset=_task_qs()))
        .order_by("order", "id")
    )


def report_inbox(user):
    if not getattr(user, "is_authenticated", False):
        return SpecialReport.objects.none()
    q = Q(pk__in=[])
    if user.has_role(Role.SECRETARY_GENERAL):
        q |= Q(status=ReportStatus.SUBMITTED)
    if user.has_role(Role.RESEARCH_OFFICE, Role.ADMIN):
        q |= Q(status=ReportStatus.SIGNED)
    if user.has_role(Role.GOV_OFFICE):
        q |= Q(status=ReportStatus.ISSUED, items__supervision_tasks__isnull=True)
    return SpecialReport.objects.filter(q).distinct().select_related("meeting")


def special_reports_on(subjects, meetings: dict[int, list]) -> dict[int, list[SpecialReport]]:
    """The special reports on each subject record of one model, compiled about it or from one of its
    meetings (`meetings`: subject id → meetings): subject id → reports, in their list order. One query."""
    subjects = list(subjects)
    if not subjects:
        return {}
    ct = ContentType.objects.get_for_model(subjects[0])
    ids = {s.pk for s in subjects}
    subject_of_meeting = {m.pk: subject_id for subject_id, rows in meetings.items() for m in rows}
    out: dict[int, list[SpecialReport]] = {}
    rows = SpecialReport.objects.filter(
        Q(subject_type=ct, subject_id__in=ids) | Q(meeting__in=list(subject_of_meeting))
    )
    for r in rows:
        on_subject = r.subject_type_id == ct.pk and r.subject_id in ids
        out.setdefault(r.subject_id if on_subject else subject_of_meeting[r.meeting_id], []).append(r)
    return out


def tasks_on(reports: dict[int, list], meetings: dict[int, list]) -> dict[int, list[dict]]:
    """The supervision tasks of each subject, opened from its special reports or its meetings' outcome
    items (`reports`, `meetings`: subject id → records): subject id → [{"pk", "status"}]. One query."""
    subject_of_report = {r.pk: subject_id for subject_id, rows in reports.items() for r in rows}
    subject_of_meeting = {m.pk: subject_id for subject_id, rows in meetings.items() for m in rows}
    if not (subject_of_report or subject_of_meeting):
        return {}
    out: dict[int, list[dict]] = {}
    rows = SupervisionTask.objects.filter(
        Q(special_report__in=list(subject_of_report)) | Q(outcome_item__meeting__in=list(subject_of_meeting))
    ).values("pk", "status", "special_report_id", "outcome_item__meeting_id")
    for t in rows:
        subject_id = subject_of_report.get(t["special_report_id"]) or subject_of_meeting[t["outcome_item__meeting_id"]]
        out.setdefault(subject_id, []).append({"pk": t["pk"], "status": t["status"]})
    return out


def report_holders(report, state):
    if state == ReportStatus.SUBMITTED:
        return users_with_roles(Role.SECRETARY_GENERAL)
    if state in (ReportStatus.SIGNED, ReportStatus.DRAFT):
        return users_with_roles(Role.RESEARCH_OFFICE)
    if state == ReportStatus.ISSUED:
        return users_with_roles(Role.GOV_OFFICE)
    return []


# ---- ranking ---------------------------------------------------------------------------------


def department_ranking():
    """Departments ranked by timeliness (tasks never overdue) and satisfaction, aggregated in SQL."""
    transferred = Q(lead_tasks__status__in=[s for s in TaskStatus.values if s != TaskStatus.CREATED])

    def count(extra: Q | None = None):
        return Count("lead_tasks", filter=transferred & extra if extra is not None else transferred)

    def rate(part, whole):
        return Cast(part, FloatField()) * Value(100.0) / NullIf(Cast(whole, FloatField()), Value(0.0))

    return (
        Department.objects.annotate(
            total=count(),
            closed=count(Q(lead_tasks__status=TaskStatus.CLOSED)),
            overdue=count(Q(lead_tasks__was_overdue=True)),
            open_overdue=count(Q(lead_tasks__status__in=[TaskStatus.OVERDUE, TaskStatus.REMINDED])),
            satisfied=count(Q(lead_tasks__rating=Rating.SATISFIED)),
            basic=count(Q(lead_tasks__rating=Rating.BASIC)),
            unsatisfied=count(Q(lead_tasks__rating=Rating.UNSATISFIED)),
        )
        .filter(total__gt=0)
        .annotate(
            rated=F("satisfied") + F("basic") + F("unsatisfied"),
            timeliness=rate(F("total") - F("overdue"), F("total")),
        )
        .annotate(satisfaction=Coalesce(rate(F("satisfied") + F("basic"), F("rated")), Value(-1.0)))
        .order_by("-timeliness", "-satisfaction", "-closed", "order", "id")
    )


# ---- public accountability page ----------------------------------------------------------------

PUBLIC_STATUS = {
    TaskStatus.CREATED: _("待交办"),
    TaskStatus.ASSIGNED: _("已交办"),
    TaskStatus.REASSIGN: _("已交办"),
    TaskStatus.ACKED: _("办理中"),
    TaskStatus.IN_PROGRESS: _("办理中"),
    TaskStatus.OVERDUE: _("逾期未办结"),
    TaskStatus.REMINDED: _("逾期未办结"),
    TaskStatus.FEEDBACK: _("已答复"),
    TaskStatus.REOPENED: _("重新办理"),
    TaskStatus.FOLLOW_UP: _("跟踪落实"),
    TaskStatus.CLOSED: _("已办结"),
}
# An outcome item of an issued report not transferred yet (no task).
PUBLIC_NOT_TRANSFERRED = PUBLIC_STATUS[TaskStatus.CREATED]
# Timeline entries the public sees; notes on these actions (reasons, reminders) stay internal.
PUBLIC_ACTIONS = {
    "assign": _("交办至承办部门"),
    "reassign": _("改由其他部门承办"),
    "accept": _("承办部门签收"),
    "mark_overdue": _("超过办理期限"),
    "submit_reply": _("承办部门书面答复"),
    "rate_satisfied": _("评价：满意，办结"),
    "rate_basic": _("评价：基本满意，办结"),
    "rate_unsatisfied": _("评价：不满意，重新办理"),
    "rate_satisfied_follow_up": _("评价：满意，跟踪落实"),
    "rate_basic_follow_up": _("评价：基本满意，跟踪落实"),
    "report_done": _("承办部门报告落实完成，办结"),
    # A moved deadline is public (the page shows the new one); the department's reasons stay internal.
    **{f"approve_extension{suffix}": _("经批准延长办理期限") for suffix in EXTENSION_SUFFIX.values()},
}


def _public_items(report_ref):
    """The outcome items of a report the public sees: each one not yet transferred (shown 待交办) and
    each one whose task is public."""
    from consultations.models import OutcomeItem

    task = SupervisionTask.objects.filter(outcome_item=OuterRef("pk"))
    return OutcomeItem.objects.filter(special_reports=report_ref).filter(
        ~Exists(task) | Exists(task.filter(is_public=True))
    )


def public_reports():
    """Issued special reports whose outcomes are published, with per-report counts: every outcome item
    the public sees (`_public_items`, transferred or not), those closed, and their average progress (an
    item not yet transferred counts as 0%)."""

    def one(qs, function: str, column: str = "pk"):
        """COUNT or SUM over a correlated subquery (no GROUP BY: one row per report)."""
        return Subquery(
            qs.order_by().annotate(v=Func(F(column), function=function)).values("v")[:1],
            output_field=IntegerField(),
        )

    items = _public_items(OuterRef("pk"))
    public_tasks = SupervisionTask.objects.filter(special_report=OuterRef("pk"), is_public=True)
    return (
        SpecialReport.objects.filter(status=ReportStatus.ISSUED, is_public=True)
        .select_related("meeting")
        .annotate(
            task_count=Coalesce(one(items, "COUNT"), Value(0)),
            closed_count=Coalesce(one(public_tasks.filter(status=TaskStatus.CLOSED), "COUNT"), Value(0)),
            progress_sum=Coalesce(one(public_tasks, "SUM", "progress"), Value(0)),
        )
        .annotate(
            avg_progress=Coalesce(
                Cast(F("progress_sum"), FloatField()) / NullIf(Cast(F("task_count"), FloatField()), Value(0.0)),
                Value(0.0),
            )
        )
        .order_by("-issued_at", "-id")
    )


def get_public_report(pk: int) -> SpecialReport:
    return get_object_or_404(SpecialReport.objects.filter(status=ReportStatus.ISSUED, is_public=True), pk=pk)


def public_outcomes(report) -> list[dict]:
    """Every outcome item of the report the public sees, in order, with its public task (none while
    not transferred: 待交办), progress and a dated public timeline."""
    items = list(_public_items(report).order_by("order", "id"))
    tasks = list(
        SupervisionTask.objects.filter(special_report=report, is_public=True, outcome_item__in=items)
        .select_related("lead_department", "outcome_item")
        .prefetch_related(
            "co_departments",
            Prefetch("progress_reports", queryset=ProgressReport.objects.order_by("created_at", "id")),
            Prefetch(
                "replies",
                queryset=TaskReply.objects.filter(submitted_at__isnull=False)
                .select_related("reply_class")
                .order_by("round"),
            ),
        )
        .order_by("id")
    )
    task_of = {}
    for task in tasks:
        task_of.setdefault(task.outcome_item_id, task)
    changes = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(SupervisionTask),
        object_id__in=[t.pk for t in tasks],
        action__in=list(PUBLIC_ACTIONS),
    ).order_by("created_at", "id")
    by_task: dict[int, list[dict]] = defaultdict(list)
    for ch in changes:
        by_task[ch.object_id].append({"at": ch.created_at, "label": PUBLIC_ACTIONS[ch.action], "text": ""})
    out = []
    for item in items:
        task = task_of.get(item.pk)
        if task is None:
            out.append(
                {
                    "task": None,
                    "item": item,
                    "status_label": PUBLIC_NOT_TRANSFERRED,
                    "progress": 0,
                    "timeline": [],
                    "reply": None,
                }
            )
            continue
        timeline = by_task[task.pk] + [
            {"at": p.created_at, "label": _("进展 %(p)s%%") % {"p": p.percent}, "text": p.text}
            for p in task.progress_reports.all()
        ]
        timeline.sort(key=lambda e: e["at"])
        replies = list(task.replies.all())
        out.append(
            {
                "task": task,
                "item": item,
                "status_label": PUBLIC_STATUS[task.status],
                "progress": task.progress,
                "timeline": timeline,
                "reply": replies[-1] if replies else None,
            }
        )
    return out


def can_use_supervision(user) -> bool:
    """Whether the office menu shows 督办: offices, leaders, liaisons and members who rate replies."""
    from accounts.predicates import is_member

    return bool(sees_everything(user) or is_dept_liaison(user) or is_member(user))
