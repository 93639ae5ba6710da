"""Reads on appeals: visibility, inboxes, lists, the citizen's tracking view, the citizen's ratings."""

import re
from datetime import datetime, timedelta

from constance import config
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.predicates import can_see_contacts, is_clerk, is_dept_liaison
from accounts.roles import Role
from core.http import as_int
from core.services import attachments_of
from intake.models import Appeal, AppealCategory, AppealRating, AppealStatus, Outcome, Route, Satisfaction
from intake.predicates import (
    answers_appeal,
    handles_appeal,
    member_id_of,
    recorded_appeal,
    shows_tracking_code,
    was_referred_department,
)

_CODE_CLEAN = re.compile(r"[^0-9A-Z]")


def normalize_tracking_code(raw: str) -> str:
    """Accept a code typed in any case, with or without spaces and the dash."""
    cleaned = _CODE_CLEAN.sub("", (raw or "").upper())
    if len(cleaned) == 8:
        return f"{cleaned[:4]}-{cleaned[4:]}"
    return cleaned


def _base() -> QuerySet[Appeal]:
    return Appeal.objects.select_related(
        "category", "town", "community__town", "workstation", "duty_group", "department"
    )


def appeal_with_retry_key(key: str | None) -> Appeal | None:
    """The appeal already stored under a scoped retry key (intake.services.retry_key_for), if any."""
    return Appeal.objects.filter(idempotency_key=key).first() if key else None


def workstation_to_write_to(pk: int):
    """The workstation a citizen writes to from its public page (给工作室写信): one the public sees
    (grassroots.selectors.get_workstation: active), else 404."""
    from grassroots.selectors import get_workstation

    return get_workstation(pk)


def appeals_visible_to(viewer) -> QuerySet[Appeal]:
    """Appeals this viewer may open: all for the office and leaders; routed ones for handlers; those
    a member or staff recorded for a citizen; a citizen's own."""
    if not getattr(viewer, "is_authenticated", False):
        return Appeal.objects.none()
    if can_see_contacts(viewer):
        return _base()
    q = Q(citizen=viewer) | Q(recorded_by=viewer)
    member_id = member_id_of(viewer)
    if member_id is not None:
        q |= Q(route=Route.WORKSTATION, workstation__members=member_id)
        q |= Q(route=Route.DUTY_GROUP, duty_group__members=member_id)
    if is_dept_liaison(viewer) and viewer.department_id:
        q |= Q(pk__in=referred_to(viewer.department_id))
    return _base().filter(pk__in=Appeal.objects.filter(q).values("pk"))


def with_tracking_code_shown(appeals: QuerySet[Appeal], viewer) -> QuerySet[Appeal]:
    """Appeals with `tracking_code_shown`: whether this viewer may see each one's tracking code
    (intake.predicates.shows_tracking_code, read for a whole list or export in the same query)."""
    if not getattr(viewer, "is_authenticated", False):
        return appeals.annotate(tracking_code_shown=Value(False, output_field=BooleanField()))
    if is_clerk(viewer):
        return appeals.annotate(tracking_code_shown=Value(True, output_field=BooleanField()))
    q = Q(citizen=viewer) | Q(recorded_by=viewer)
    member_id = member_id_of(viewer)
    if member_id is not None:
        q |= Q(route=Route.WORKSTATION, workstation__members=member_id)
        q |= Q(route=Route.DUTY_GROUP, duty_group__members=member_id)
    shown = Q(pk__in=Appeal.objects.filter(q).values("pk"))
    return appeals.annotate(tracking_code_shown=ExpressionWrapper(shown, output_field=BooleanField()))


def tracking_codes_shown(viewer, appeal: Appeal, merged=()) -> set[int]:
    """Ids of the appeals on an appeal's page whose tracking code this viewer may see: the appeal, the
    case it was merged into, and those merged into it (whose codes those answering the case see:
    they answer those citizens too)."""
    shown = {a.pk for a in (appeal, appeal.merged_into) if a is not None and shows_tracking_code(viewer, a)}
    if merged:
        if answers_appeal(viewer, appeal):
            shown |= {m.pk for m in merged}
        else:
            shown |= {m.pk for m in merged if shows_tracking_code(viewer, m)}
    return shown


# A referral the department has not signed for (签收) yet: not transferred (待交办), transferred but
# not signed for (已交办), or with a reassignment request pending (申请改派).
UNSIGNED_REFERRAL_STATES = ("created", "assigned", "reassign")


def referral_tasks(
    department_id: int | None = None,
    appeal_id: int | None = None,
    *,
    open_only: bool = False,
    signed_only: bool = False,
):
    """Supervision tasks opened by referring appeals to departments (转交部门办理): those naming the
    department as lead or co-department, and/or those of one appeal. `open_only`: those still
    running (not closed, and not stopped because the citizen withdrew the appeal). `signed_only`:
    those the lead department signed for (签收, or handles since: not 待交办, 已交办 or 申请改派)."""
    from django.contrib.contenttypes.models import ContentType

    from supervision.choices import TaskStatus
    from supervision.models import SupervisionTask
    from supervision.selectors import department_tasks

    tasks = SupervisionTask.objects.filter(source_type=ContentType.objects.get_for_model(Appeal))
    if department_id is not None:
        # The tasks the department's liaisons see (led or co-handled, once transferred: 交办).
        tasks = tasks.filter(department_tasks(department_id))
    if appeal_id is not None:
        tasks = tasks.filter(source_id=appeal_id)
    if open_only:
        tasks = tasks.exclude(status=TaskStatus.CLOSED).filter(source_withdrawn_at__isnull=True)
    if signed_only:
        tasks = tasks.exclude(status__in=UNSIGNED_REFERRAL_STATES)
    return tasks


def referrals_of(appeal: Appeal, viewer) -> list:
    """The appeal's referrals for its page: each task with its department, deadline, state and the
    department's submitted replies; `opens` when the viewer may open the task itself."""
    from django.db.models import Prefetch

    from supervision.models import TaskReply
    from supervision.selectors import tasks_visible_to

    replies = TaskReply.objects.filter(submitted_at__isnull=False).order_by("round")
    tasks = list(
        referral_tasks(appeal_id=appeal.pk)
        .select_related("lead_department")
        .prefetch_related("co_departments", Prefetch("replies", queryset=replies, to_attr="submitted_replies"))
        .order_by("created_at", "id")
    )
    visible = set(tasks_visible_to(viewer).filter(pk__in=[t.pk for t in tasks]).values_list("pk", flat=True))
    for task in tasks:
        task.opens = task.pk in visible
    return tasks


def referred_to(department_id: int, *, open_only: bool = False, signed_only: bool = False):
    """Ids of the appeals referred to a department: a department's liaisons see and handle an appeal
    only once it was referred to them, not because its category names their department (and handle
    it only once signed for and while the referral runs: `signed_only`, `open_only`)."""
    return referral_tasks(department_id, open_only=open_only, signed_only=signed_only).values("source_id")


def get_appeal_for(viewer, pk: int) -> Appeal:
    """One appeal the viewer may see, or 404."""
    return get_object_or_404(appeals_visible_to(viewer), pk=pk)


# A plan (制定计划限期解决) not yet recorded carried out: the appeal is closed, the plan followed up.
OPEN_PLAN = Q(status=AppealStatus.CLOSED, outcome=Outcome.PLAN, plan_due_date__isnull=False, plan_done_at__isnull=True)
# The office list's filters on plans (its `status` parameter, beside the states and "open").
PLAN_OPEN_FILTER = "plan_open"
PLAN_OVERDUE_FILTER = "plan_overdue"


def plan_blocker(appeal: Appeal) -> str:
    """Why the appeal has no open plan to record carried out or to reschedule ("" when it has one):
    the one rule for offering 计划已落实 / 调整计划完成日期 and for refusing them."""
    from django.utils.translation import gettext as _

    if appeal.status != AppealStatus.CLOSED:
        return _("这件诉求尚未办结，没有需要落实的计划。")
    if appeal.outcome != Outcome.PLAN or appeal.plan_due_date is None:
        return _("这件诉求的办理结果不是“制定计划限期解决”，没有需要落实的计划。")
    if appeal.plan_done_at is not None:
        return _("这件诉求的计划已于%(date)s登记落实，不能再登记落实或调整计划完成日期。") % {
            "date": timezone.localtime(appeal.plan_done_at).strftime("%Y-%m-%d")
        }
    return ""


def refer_blocker(appeal: Appeal) -> str:
    """Why the appeal cannot be referred to a department now ("" when it can): the one rule for
    offering 转交部门办理 on its page and for refusing it (intake.services.refer_to_department). A
    department handles an appeal being handled: routed (办理中) or answered and not yet closed; each
    other state has its own reason and, where there is one, the way on."""
    from django.utils.translation import gettext as _

    if appeal.status in (AppealStatus.ROUTED, AppealStatus.ANSWERED):
        return ""
    if appeal.status == AppealStatus.RECEIVED:
        return _("诉求分派办理后才能转交部门。")
    if appeal.status == AppealStatus.CLOSED:
        return _("诉求已办结，如需部门办理请先重新办理。")
    if appeal.status == AppealStatus.MERGED:
        return _("该诉求已与其他诉求合并办理，如需部门办理请在主诉求上转交。")
    return _("诉求人已撤回该诉求，不能再转交部门。")


def forward_blocker(appeal: Appeal) -> str:
    """Why the appeal cannot be forwarded as 社情民意信息 now ("" when it can): the one rule for the
    button and for intake.services.forward_as_opinion. An appeal routed, answered or closed may be:
    a handled, even closed, appeal is often what a report is written from (the problem and what it
    took). Not before it is routed (the office has not yet looked at it), not once merged (the main
    case is forwarded), not once the citizen withdrew it, and only once."""
    from django.utils.translation import gettext as _

    if appeal.opinion_report_id:
        return _("该诉求已报送过社情民意信息。")
    if appeal.status == AppealStatus.RECEIVED:
        return _("诉求分派办理后才能报送社情民意信息，请先分派办理。")
    if appeal.status == AppealStatus.MERGED:
        return _("该诉求已与其他诉求合并办理，请在主诉求上报送社情民意信息。")
    if appeal.status == AppealStatus.WITHDRAWN:
        return _("诉求人已撤回该诉求，不能报送社情民意信息。")
    return ""


def due_plans(*, today=None) -> QuerySet[Appeal]:
    """Closed appeals whose plan's date has come (today or earlier) with nothing recorded, oldest date first."""
    today = today or timezone.localdate()
    return (
        Appeal.objects.filter(OPEN_PLAN, plan_due_date__lte=today)
        .select_related("workstation", "duty_group")
        .order_by("plan_due_date", "id")
    )


def plan_handlers(appeal: Appeal):
    """Who follows an appeal's plan up and is reminded at its date: the members of the workstation or
    duty group it was routed to, the clerks for the office's own (or when the body has nobody active)."""
    users = holders(appeal, AppealStatus.ROUTED)
    if not users.exists():
        users = User.objects.filter(groups__name=Role.CLERK, is_active=True)
    return users.distinct()


def appeals_list(
    viewer,
    *,
    status: str = "",
    channel: str = "",
    category=None,
    town=None,
    q: str = "",
    start=None,
    end=None,
    rating: str = "",
    waiting: bool = False,
):
    """Filtered list for the office pages; `waiting` keeps the viewer's own queue (待我处理, as the home page
    counts it: `inbox`); status "open" is received or routed, "plan_open" closed with a
    plan not yet recorded carried out (计划落实中, overdue ones too) and "plan_overdue" those past their
    date; start/end bound the date received; `rating` is the citizen's rating of the latest rated round
    (as the statistics count it)."""
    qs = appeals_visible_to(viewer)
    if waiting:
        qs = qs.filter(pk__in=inbox(viewer).order_by().values("pk"))
    if rating in Satisfaction.values:
        qs = qs.filter(pk__in=latest_ratings().filter(rating=rating).values("appeal_id"))
    if status == "open":
        qs = qs.filter(status__in=(AppealStatus.RECEIVED, AppealStatus.ROUTED))
    elif status == PLAN_OPEN_FILTER:
        qs = qs.filter(OPEN_PLAN)
    elif status == PLAN_OVERDUE_FILTER:
        qs = qs.filter(OPEN_PLAN, plan_due_date__lt=timezone.localdate())
    elif status:
        qs = qs.filter(status=status)
    if start:
        qs = qs.filter(created_at__date__gte=start)
    if end:
        qs = qs.filter(created_at__date__lte=end)
    if channel:
        qs = qs.filter(channel=channel)
    if category:
        qs = qs.filter(category=category)
    if town:
        qs = qs.filter(town=town)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(body__contains=q) | Q(tracking_code=normalize_tracking_code(q)))
    return qs.order_by("-created_at", "-id")


def may_see_contact(viewer, appeal: Appeal) -> bool:
    """Full contact details only for those handling the appeal: the office clerks, the members it was
    routed to, a department while its referral runs (not the research, proposals or information
    offices, nor the leaders, who read it masked)."""
    return bool(getattr(viewer, "is_authenticated", False)) and handles_appeal(viewer, appeal)


def contact_of(appeal: Appeal) -> dict[str, str]:
    """The appeal's contact details in full (for a handler who asked to see them, the access audited
    by `intake.services.reveal_contact`)."""
    return {"contact_name": appeal.contact_name, "contact_phone": appeal.contact_phone, "address": appeal.address}


def opens_as_staff(viewer, appeal: Appeal) -> bool:
    """Whether the viewer sees the appeal as staff (office, leaders, its handlers, whoever recorded it
    for the citizen) and not only as the citizen who sent it: the citizen follows it on the tracking
    page, without staff names or notes."""
    return (
        bool(can_see_contacts(viewer))
        or may_see_contact(viewer, appeal)
        or bool(recorded_appeal(viewer, appeal))
        or bool(was_referred_department(viewer, appeal))
    )


def appeals_of_citizen(viewer) -> QuerySet[Appeal]:
    """The appeals a signed-in citizen sent, newest first (for the tracking page)."""
    if not getattr(viewer, "is_authenticated", False):
        return Appeal.objects.none()
    return Appeal.objects.filter(citizen=viewer).order_by("-created_at", "-id")


def find_by_tracking_code(raw: str) -> Appeal | None:
    """The appeal a citizen follows by its code (None when the code is unknown)."""
    code = normalize_tracking_code(raw)
    if not code:
        return None
    # The citizen's pages show the appeal, its town and community (case_of() reads a main case by
    # id); the code is unique, so no ORDER BY (first() would sort by the model's ordering).
    found = Appeal.objects.select_related("town", "community").filter(tracking_code=code).order_by()[:1]
    return next(iter(found), None)


def case_of(appeal: Appeal) -> Appeal:
    """The appeal whose handling the citizen follows: the main case when this one was merged (not
    once the citizen withdrew it: it no longer follows the main case)."""
    seen = {appeal.pk}
    while appeal.merged_into_id and appeal.merged_into_id not in seen and appeal.status != AppealStatus.WITHDRAWN:
        appeal = _base().get(pk=appeal.merged_into_id)
        seen.add(appeal.pk)
    return appeal


def citizen_attachments(appeal: Appeal):
    """The files the citizen sent with the appeal (what the tracking page lists and serves)."""
    return attachments_of(appeal).filter(kind="appeal")


def public_messages(appeal: Appeal):
    """Messages exchanged with the citizen, oldest first."""
    return appeal.messages.all().order_by("created_at", "id")


def active_categories() -> QuerySet[AppealCategory]:
    return AppealCategory.objects.filter(is_active=True).order_by("order", "id")


def holders(appeal: Appeal, state: str):
    """Who must act next: a new appeal (已受理), the office clerks, who route it (told on arrival by
    intake.services.tell_of_new_appeal: no transition enters that state); the handlers of the body
    the appeal was routed to; on a withdrawal, who
    was handling it; once answered or closed, the citizen who sent it signed in and whoever recorded it
    for the citizen (to pass it on); once answered by someone else (a clerk for a workstation's
    appeal), the routed handlers too, who must close it."""
    if state == AppealStatus.RECEIVED:
        return User.objects.filter(groups__name=Role.CLERK, is_active=True)
    if state == AppealStatus.WITHDRAWN:
        return withdrawal_recipients(appeal)
    if state in (AppealStatus.ANSWERED, AppealStatus.CLOSED):
        users = User.objects.filter(pk__in=[appeal.recorded_by_id, appeal.citizen_id], is_active=True)
        if state == AppealStatus.ANSWERED and appeal.route:
            handlers = holders(appeal, AppealStatus.ROUTED)
            answer = _appeal_changes(appeal.pk, action="answer").order_by("-created_at", "-id")
            answered_by = answer.values_list("actor_id", flat=True).first()
            if answered_by is None or not handlers.filter(pk=answered_by).exists():
                users = User.objects.filter(Q(pk__in=users.values("pk")) | Q(pk__in=handlers.values("pk")))
        return users
    if state != AppealStatus.ROUTED:
        return User.objects.none()
    if appeal.route == Route.WORKSTATION and appeal.workstation_id:
        return User.objects.filter(member__workstations=appeal.workstation_id, is_active=True)
    if appeal.route == Route.DUTY_GROUP and appeal.duty_group_id:
        return User.objects.filter(member__duty_groups=appeal.duty_group_id, is_active=True)
    return User.objects.filter(groups__name=Role.CLERK, is_active=True)


def message_recipients(case: Appeal):
    """Who hears of a citizen's message: the handlers it was routed to (the office before routing)
    and, once routed, the liaisons of the departments it was referred to."""
    users = User.objects.filter(pk__in=holders(case, AppealStatus.ROUTED).values("pk"))
    if case.status != AppealStatus.RECEIVED:
        tasks = referral_tasks(appeal_id=case.pk)
        departments = {*tasks.values_list("lead_department", flat=True)}
        departments |= {*tasks.values_list("co_departments", flat=True)}
        departments.discard(None)
        if departments:
            users |= User.objects.filter(groups__name=Role.DEPT_LIAISON, department_id__in=departments, is_active=True)
    return users.distinct()


def withdrawal_recipients(appeal: Appeal):
    """Who hears that the citizen withdrew an appeal: the office clerks, and the handlers of the case
    (the main case when it had been merged) once it was routed, with the referred department's
    liaisons; and whoever recorded it for the citizen."""
    case = appeal.merged_into if appeal.merged_into_id else appeal
    users = User.objects.filter(Q(groups__name=Role.CLERK) | Q(pk=appeal.recorded_by_id), is_active=True)
    if case.route:
        users |= User.objects.filter(pk__in=message_recipients(case).values("pk"))
    return users.distinct()


def withdraw_blocker(appeal: Appeal) -> str:
    """Why the citizen cannot withdraw this appeal although its state allows it ("" when they can)."""
    from django.utils.translation import gettext as _

    if appeal.status == AppealStatus.MERGED and appeal.merged_into_id:
        main = Appeal.objects.filter(pk=appeal.merged_into_id).values_list("status", flat=True).first()
        if main not in (AppealStatus.RECEIVED, AppealStatus.ROUTED):
            return _("与您的诉求合并办理的问题已经答复，不能再撤回。")
    if Appeal.objects.filter(merged_into=appeal, status=AppealStatus.MERGED).exists():
        return _(
            "其他群众反映的相同问题已与您的诉求合并办理，暂不能撤回。如不希望办理人员再联系您，可以删除您留下的联系方式。"
        )
    return ""


def _only_the_citizen(appeal: Appeal, actor, *, staff: str, account: str, anyone: str) -> str:
    """ "" when the visitor is the citizen who sent the appeal (the account it was sent from, or whoever
    holds the code of one sent without an account); else why not, worded for who they are."""
    from intake.predicates import is_appeal_citizen

    if is_appeal_citizen(actor, appeal):
        return ""
    if getattr(actor, "is_authenticated", False) and opens_as_staff(actor, appeal):
        return staff
    return account if appeal.citizen_id is not None else anyone


def erase_blocker(appeal: Appeal, actor) -> str:
    """Why this visitor may not erase the appeal's contact details ("" when they may): only the
    citizen who sent it, never staff on the citizen's behalf; it cannot be undone."""
    from django.utils.translation import gettext as _

    return _only_the_citizen(
        appeal,
        actor,
        staff=_("联系方式只能由诉求人本人删除，工作人员不能代为删除。"),
        account=_("这件诉求是登录账号后提交的，请登录该账号后删除联系方式。"),
        anyone=_("联系方式只能由诉求人本人删除。"),
    )


def message_blocker(appeal: Appeal, actor) -> str:
    """Why this visitor may not write to the handlers as the citizen on the tracking page ("" when they
    may): the same rule as rating and withdrawing, only the citizen who sent it."""
    from django.utils.translation import gettext as _

    return _only_the_citizen(
        appeal,
        actor,
        staff=_("这里是诉求人本人的留言，工作人员请在诉求办理页面回复诉求人。"),
        account=_("这件诉求是登录账号后提交的，请登录该账号后留言。"),
        anyone=_("只有诉求人本人可以留言。"),
    )


def citizen_withdrawal(appeal: Appeal, actor, case: Appeal) -> dict:
    """What the tracking page offers this visitor for withdrawing the appeal: `offered` when its state
    allows it (and the case it follows is still open), `may` when this visitor may, else `why_not`
    in plain words."""
    from django.utils.translation import gettext as _

    from core.workflow import workflow_for

    action = workflow_for(appeal).action("withdraw")
    # A merged appeal follows its main case: once that is answered there is nothing left to withdraw.
    if appeal.status not in action.sources or case.status not in (AppealStatus.RECEIVED, AppealStatus.ROUTED):
        return {"offered": False, "may": False, "why_not": ""}
    why_not = ""
    if not action.is_allowed(actor, appeal):
        if getattr(actor, "is_authenticated", False) and opens_as_staff(actor, appeal):
            why_not = _("诉求只能由诉求人本人撤回，工作人员不能代为撤回。")
        elif appeal.citizen_id is not None:
            why_not = _("这件诉求是登录账号后提交的，请登录该账号后撤回。")
        else:
            why_not = _("诉求只能由诉求人本人撤回。")
    else:
        why_not = withdraw_blocker(appeal)
    return {"offered": True, "may": not why_not, "why_not": why_not}


def case_messages(appeal: Appeal):
    """Messages on an appeal and on the appeals merged into it (what its handlers must read)."""
    from intake.models import AppealMessage

    return (
        AppealMessage.objects.filter(Q(appeal=appeal) | Q(appeal__merged_into=appeal))
        .select_related("appeal")
        .order_by("created_at", "id")
    )


def inbox(user) -> QuerySet[Appeal]:
    """Appeals waiting for this user: new ones for the office, routed ones for handlers."""
    if not getattr(user, "is_authenticated", False):
        return Appeal.objects.none()
    # The office's queue is the clerks' (they are notified of it, see holders); the research,
    # proposals and information offices read appeals but do not handle them.
    # A plan whose date has come with nothing recorded waits for whoever follows it up (plan_handlers).
    plan_due = OPEN_PLAN & Q(plan_due_date__lte=timezone.localdate())
    if is_clerk(user):
        return _clerks_queue_order(
            _base().filter(
                Q(status=AppealStatus.RECEIVED)
                | Q(status=AppealStatus.ROUTED, route=Route.OFFICE)
                | (plan_due & Q(route=Route.OFFICE))
            )
        )
    member_id = member_id_of(user)
    q = Q(pk__in=[])
    routed = Q(pk__in=[])
    if member_id is not None:
        routed |= Q(route=Route.WORKSTATION, workstation__members=member_id)
        routed |= Q(route=Route.DUTY_GROUP, duty_group__members=member_id)
        q |= routed
    if is_dept_liaison(user) and user.department_id:
        q |= Q(pk__in=referred_to(user.department_id, open_only=True, signed_only=True))
    waiting = Q(q, status__in=[AppealStatus.ROUTED, AppealStatus.ANSWERED]) | (routed & plan_due)
    ids = Appeal.objects.filter(waiting).values("pk")
    return _base().filter(pk__in=ids).order_by("created_at")


def _clerks_queue_order(appeals: QuerySet[Appeal]) -> QuerySet[Appeal]:
    """The clerks' queue as they work it (the workbench shows its head): first what waits for routing
    (待分派), newest first, so that today's arrivals are on top and not behind a backlog of old ones
    (each arrival was also notified; the backlog is the list's, filtered by state); then the plans
    due, earliest date first; then the appeals the office handles itself, longest waiting first."""
    received = Q(status=AppealStatus.RECEIVED)
    return appeals.annotate(
        queue_rank=Case(When(received, then=Value(0)), When(OPEN_PLAN, then=Value(1)), default=Value(2)),
        arrived=Case(When(received, then=F("created_at")), default=None),
    ).order_by(
        "queue_rank",
        F("arrived").desc(nulls_last=True),
        F("plan_due_date").asc(nulls_last=True),
        "created_at",
        "id",
    )


# The steps of a duty group's issue taken up from the appeal (intake.workflow.DUTY_STEPS) as the citizen reads
# them: what the group did and when, the department that took part, the outcome and the plan's date; never
# the group's notes, the residents who took part nor the members' names. A dropped issue is the group's
# own decision (the appeal goes on being handled): not shown.
DUTY_STEP_WORDS = {
    "duty_collect": gettext_lazy("履职小组已将诉求列为民生问题跟进"),
    "duty_micro": gettext_lazy("履职小组于%(held_on)s召开微协商（%(department)s参加），协商结果：%(outcome)s"),
    "duty_resolve": gettext_lazy("履职小组办理结果：%(outcome)s"),
    "duty_plan": gettext_lazy("履职小组制定解决计划"),
    "duty_complete_plan": gettext_lazy("履职小组登记解决计划已落实"),
    "duty_reschedule_plan": gettext_lazy("履职小组调整计划完成日期为%(due)s"),
    "duty_drop": None,
}
DUTY_PLAN_WORDS = gettext_lazy("（计划%(due)s前完成）")


def duty_step_label(change) -> str:
    """A duty group's step on the appeal (`DUTY_STEP_WORDS`) worded from its data in the reader's language,
    or "" for one the citizen is not shown."""
    words = DUTY_STEP_WORDS.get(change.action)
    if words is None:
        return ""
    data = change.data or {}
    outcome = data.get("outcome") or ""
    due = data.get("plan_due_date") or ""
    params = {
        "held_on": data.get("held_on") or "",
        "department": data.get("department") or "",
        "outcome": Outcome(outcome).label if outcome in Outcome.values else "",
        "due": due,
    }
    label = str(words) % params
    if due and change.action in ("duty_micro", "duty_plan"):
        label += str(DUTY_PLAN_WORDS) % {"due": due}
    return label


# A tracking code as staff may type it into a note: any case, its halves joined by a dash, a space or
# nothing. Only what turns out to be an appeal's code is hidden (see `hide_tracking_codes`).
_CODE_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{4}[-\s]?[0-9A-Za-z]{4}(?![0-9A-Za-z])")
HIDDEN_CODE = "****-****"


def hide_tracking_codes(texts: list[str], viewer) -> list[str]:
    """The texts (staff notes) with each appeal's tracking code the viewer may not see replaced by
    HIDDEN_CODE (intake.predicates.shows_tracking_code; a clerk sees every code): the code is the
    citizen's key to the tracking page, and a clerk may have written one into a note (a merge's, say).
    One query for all the texts, only when one holds something shaped like a code."""
    if is_clerk(viewer):
        return texts
    found = {normalize_tracking_code(m.group(0)) for text in texts for m in _CODE_IN_TEXT.finditer(text or "")}
    if not found:
        return texts
    hidden = {
        appeal.tracking_code
        for appeal in _base().filter(tracking_code__in=found)
        if not shows_tracking_code(viewer, appeal)
    }
    if not hidden:
        return texts

    def hide(match) -> str:
        return HIDDEN_CODE if normalize_tracking_code(match.group(0)) in hidden else match.group(0)

    return [_CODE_IN_TEXT.sub(hide, text) if text else text for text in texts]


MERGED_INTO_WORDS = gettext_lazy("与第%(id)s号诉求“%(title)s”合并办理")


def staff_timeline(appeal: Appeal, viewer, steps: list) -> None:
    """The appeal workflow's `timeline` (core.workflow.history_for), for the staff who open the appeal:
    each merge step names the main case by its number and title (the step's data, else the appeal's
    main case), never by its tracking code; the tracking codes in the notes that the viewer may not
    see are hidden (`hide_tracking_codes`)."""
    merges = [(change, event) for change, event in steps if change.action == "merge"]
    if merges:
        ids = {as_int((change.data or {}).get("into")) or appeal.merged_into_id for change, _event in merges}
        titles = dict(Appeal.objects.filter(pk__in=ids - {None}).values_list("pk", "title"))
        for change, event in merges:
            main_id = as_int((change.data or {}).get("into")) or appeal.merged_into_id
            if main_id in titles:
                event["action_label"] = str(MERGED_INTO_WORDS) % {"id": main_id, "title": titles[main_id]}
    notes = hide_tracking_codes([event["note"] for _change, event in steps], viewer)
    for (_change, event), note in zip(steps, notes, strict=True):
        event["note"] = note


def public_timeline(appeal: Appeal, case: Appeal | None = None) -> list[dict]:
    """What the citizen sees of the handling: each step and when (no staff names, no internal notes).

    For an appeal merged into a main case: its own receipt and merge, then the main case's steps from
    the merge on (not the main case's receipt nor its handling before, which are another citizen's).
    A referral to a department shows as awaiting assignment (等待交办) until the government office
    transfers it (交办), then as 已转交…办理 from then on."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils.translation import gettext as _

    from core.models import StatusChange
    from core.workflow import workflow_for
    from supervision.choices import TaskStatus
    from supervision.models import SupervisionTask

    wf = workflow_for(appeal)
    # Staff action names ("分派办理", "答复群众") in the words of the one who sent the appeal.
    plain = {
        "route": _("已交办理单位办理"),
        "reroute": _("已改由其他办理单位办理"),
        "answer": _("办理人员已答复"),
        "close": _("已办结"),
        "merge": _("与相同问题合并办理"),
        "reopen": _("重新办理"),
        "withdraw": _("您已撤回诉求"),
        "complete_plan": _("解决计划已落实"),
        "reschedule_plan": _("计划完成日期已调整"),
    }
    steps = [{"at": appeal.created_at, "label": _("诉求已受理")}]
    appeal_type = ContentType.objects.get_for_model(Appeal)
    own = StatusChange.objects.filter(content_type=appeal_type, object_id=appeal.pk)
    changes = list(own.order_by("created_at", "id"))
    since = None
    if case is not None and case.pk != appeal.pk:
        merges = [change.created_at for change in changes if change.action == "merge"]
        since = merges[-1] if merges else appeal.created_at
        changes += list(StatusChange.objects.filter(content_type=appeal_type, object_id=case.pk, created_at__gte=since))
    for change in changes:
        if change.action in DUTY_STEP_WORDS:
            if label := duty_step_label(change):  # a duty group's step, in a sentence safe to show
                steps.append({"at": change.created_at, "label": label})
            continue
        if change.action in wf.recorded_steps and change.action not in plain:
            continue  # a step beside the workflow shown in its own words below (a referral: its task)
        label = plain.get(change.action) or str(wf.step_label(change.action))
        steps.append({"at": change.created_at, "label": label})
    tasks = list(referral_tasks(appeal_id=(case or appeal).pk).select_related("lead_department"))
    assigned = {}
    if tasks:
        rows = StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(SupervisionTask),
            object_id__in=[t.pk for t in tasks],
            action="assign",
        ).order_by("-created_at", "-id")
        assigned = {row.object_id: row.created_at for row in rows}
    for task in tasks:
        name = task.lead_department.name if task.lead_department else _("有关部门")
        if task.status == TaskStatus.CREATED:
            at, label = task.created_at, _("拟转交%(department)s办理，等待交办") % {"department": name}
        else:
            at = assigned.get(task.pk, task.created_at)
            label = _("已转交%(department)s办理") % {"department": name}
        if since is None or at >= since:
            steps.append({"at": at, "label": label})
    return sorted(steps, key=lambda step: step["at"])


# The citizen's rating of the handling (群众评价). Only a closed appeal (办结) is rated: the rating is of
# the outcome, which is set on closing; the window runs from the closing; and the office's answer to
# a 不满意, re-handling (`reopen`), starts from there. After re-handling the new round is rated again.
# An appeal merged into a main case is rated by its own citizen once the main case is closed: their
# own row, on their own appeal (each citizen's appeal counts once in the statistics), the round and
# the window those of the main case's handling.

SATISFACTION_NOTE = gettext_lazy(
    "按诉求计：满意率 =（满意 + 基本满意）÷ 已评价的诉求；重新办理过的诉求以最近一轮评价为准；"
    "合并办理的诉求由各诉求人分别评价，各计一件。"
)


def _appeal_changes(*ids: int, action: str):
    from django.contrib.contenttypes.models import ContentType

    from core.models import StatusChange

    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Appeal), object_id__in=ids, action=action
    )


def handling_round(appeal: Appeal, case: Appeal | None = None) -> int:
    """Which handling of the appeal this is: 1, plus one for each time the office reopened it and, for
    an appeal merged into a main `case`, each time it reopened that case (one count either way)."""
    ids = {appeal.pk} if case is None else {appeal.pk, case.pk}
    return 1 + _appeal_changes(*ids, action="reopen").count()


def rating_deadline(appeal: Appeal, case: Appeal | None = None) -> datetime | None:
    """Until when the citizen may rate the current handling (None while it, or the main `case` it was
    merged into, is not closed). For a merged appeal the window runs from the main case's closing, or
    from the merge when it joined a case already closed (the citizen could not rate before)."""
    case = case if case is not None else appeal
    if case.status != AppealStatus.CLOSED or case.closed_at is None:
        return None
    start = case.closed_at
    if case.pk != appeal.pk:
        merged_at = _appeal_changes(appeal.pk, action="merge").order_by("-created_at").values("created_at")[:1]
        start = max([start, *(row["created_at"] for row in merged_at)])
    return start + timedelta(days=int(config.APPEAL_RATING_DAYS))


def rating_blocker(appeal: Appeal, actor, round_no: int, rated: bool, case: Appeal | None = None, deadline=...) -> str:
    """Why this visitor cannot rate the current round ("" when they can); the page and the service
    give the same reason. `case` is the main case a merged appeal follows (see `case_of`); `deadline`,
    when the caller has read it already (`rating_deadline`)."""
    from django.utils.translation import gettext as _

    from intake.predicates import is_appeal_citizen

    if (case if case is not None else appeal).status != AppealStatus.CLOSED:
        return _("诉求办结后才能评价办理结果。")
    if rated:
        return _("您已评价过本次办理结果，感谢您的反馈。")
    if deadline is ...:
        deadline = rating_deadline(appeal, case)
    if deadline is not None and timezone.now() > deadline:
        return _("评价期限已过：办结后%(days)s天内可以评价，本次办理的评价已于%(date)s截止。") % {
            "days": config.APPEAL_RATING_DAYS,
            "date": timezone.localtime(deadline).strftime("%Y-%m-%d"),
        }
    if not is_appeal_citizen(actor, appeal):
        if getattr(actor, "is_authenticated", False) and opens_as_staff(actor, appeal):
            return _("办理结果只能由诉求人本人评价，工作人员不能代为评价。")
        if appeal.citizen_id is not None:
            return _("这件诉求是登录账号后提交的，请登录该账号后评价。")
        return _("办理结果只能由诉求人本人评价。")
    return ""


def citizen_rating(appeal: Appeal, actor, case: Appeal | None = None) -> dict:
    """What the tracking page shows of the rating: `offered` once the appeal (or the main `case` it was
    merged into) is closed; `current`, the rating of this round if given; `earlier` rounds' ratings;
    `may` rate now, else `why_not`."""
    case = case if case is not None else appeal
    if case.status != AppealStatus.CLOSED:
        return {"offered": False}
    round_no = handling_round(appeal, case)
    ratings = list(appeal.ratings.all())
    current = next((r for r in ratings if r.round == round_no), None)
    deadline = rating_deadline(appeal, case)
    why_not = rating_blocker(appeal, actor, round_no, rated=current is not None, case=case, deadline=deadline)
    return {
        "offered": True,
        "round": round_no,
        "current": current,
        "earlier": [r for r in ratings if r.round < round_no],
        "deadline": deadline,
        "may": not why_not,
        "why_not": "" if current is not None else why_not,
    }


def latest_ratings() -> QuerySet[AppealRating]:
    """Each rated appeal's rating of its latest rated round (what the statistics and the list filter count)."""
    later = AppealRating.objects.filter(appeal=OuterRef("appeal"), round__gt=OuterRef("round"))
    return AppealRating.objects.filter(~Exists(later))


def rating_counts(appeals: QuerySet[Appeal]) -> dict[str, int]:
    """How many of these appeals are rated 满意 / 基本满意 / 不满意 (latest rated round), in one query."""
    rows = (
        latest_ratings()
        .filter(appeal__in=appeals.order_by().values("pk"))
        .order_by()
        .values_list("rating")
        .annotate(n=Count("id"))
    )
    return {value: n for value, n in rows}


def with_latest_rating(appeals: QuerySet[Appeal]) -> QuerySet[Appeal]:
    """Appeals with their ratings read in one more query, latest round first (`latest_rating`)."""
    return appeals.prefetch_related(
        Prefetch("ratings", queryset=AppealRating.objects.order_by("-round", "-id"), to_attr="ratings_newest_first")
    )


def annotate_latest_rating(appeals: QuerySet[Appeal]) -> QuerySet[Appeal]:
    """Appeals with the citizen's rating of the latest rated round and its comment as two more columns
    of the same query (`latest_rating_value`, `latest_rating_comment`; None when not rated): for an
    export of any length, where a prefetch would send every appeal's id back as a parameter."""
    latest = AppealRating.objects.filter(appeal=OuterRef("pk")).order_by("-round", "-id")
    return appeals.annotate(
        latest_rating_value=Subquery(latest.values("rating")[:1]),
        latest_rating_comment=Subquery(latest.values("comment")[:1]),
    )


def appeal_ratings(appeal: Appeal) -> QuerySet[AppealRating]:
    """The citizens' ratings of an appeal and of the appeals merged into it (each citizen rates the
    main case's handling on their own appeal), oldest first, with who rated (the office page)."""
    return (
        AppealRating.objects.filter(Q(appeal=appeal) | Q(appeal__merged_into=appeal))
        .select_related("citizen", "appeal")
        .order_by("created_at", "id")
    )


def unsatisfied_since_closing(appeal: Appeal, ratings) -> bool:
    """Whether a citizen rated the current handling of this closed appeal 不满意 (any of the citizens
    whose appeals were merged into it: one unhappy citizen is enough for the office to look again)."""
    if appeal.status != AppealStatus.CLOSED or appeal.closed_at is None:
        return False
    return any(r.rating == Satisfaction.UNSATISFIED and r.created_at >= appeal.closed_at for r in ratings)


def rating_recipients(appeal: Appeal) -> list:
    """Who hears of a 不满意: whoever may reopen the appeal today (the workflow's `reopen` action), to
    decide whether it is handled again."""
    from accounts.roles import OFFICE_ROLES
    from core.workflow import workflow_for

    reopen = workflow_for(appeal).action("reopen")
    candidates = User.objects.filter(groups__name__in=OFFICE_ROLES, is_active=True).distinct()
    return [user for user in candidates if reopen.is_allowed(user, appeal)]
