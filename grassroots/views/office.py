"""Signed-in pages: running a workstation, a duty group's issues, community consultations."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.predicates import is_dept_liaison, is_member, is_office
from core.exceptions import DomainError
from core.forms import refuse_into
from core.revealed import remember_revealed, take_revealed
from core.unsaved import unsaved_input
from core.workflow import workflow_for
from grassroots import selectors, services
from grassroots.forms import (
    AttendForm,
    CancelDayForm,
    CommunityConsultationForm,
    CommunityScheduleForm,
    ConcludeCommunityForm,
    ContactForm,
    FollowUpTasksForm,
    GenerateDaysForm,
    IssueForm,
    LinkProposalForm,
    MicroConsultationForm,
    MicroOutcomeForm,
    RosterForm,
    TaskDoneForm,
    TaskReopenForm,
    VoidCommunityForm,
    community_record_initial,
)
from grassroots.models import Appointment, Contact, IssueStatus, ReceptionDay, Workstation
from grassroots.predicates import (
    completes_follow_up,
    handles_issue,
    records_community_consultation,
    runs_group,
    runs_workstation,
    voids_consultation,
    works_on_consultation,
)
from intake import services as intake_services
from intake.models import Outcome
from intake.predicates import member_id_of, shows_tracking_code
from intake.selectors import appeals_visible_to, find_by_tracking_code
from proposals.predicates import may_draft_proposal
from proposals.selectors import proposals_visible_to


def _period(request) -> tuple[date, date]:
    try:
        year = int(request.GET.get("year", ""))
        return date(year, 1, 1), date(year, 12, 31)
    except (ValueError, OverflowError):  # not a number, or a year no calendar has (0, 99999)
        year = timezone.localdate().year
        return date(year, 1, 1), date(year, 12, 31)


@login_required
def home(request):
    if not (is_office(request.user) or is_member(request.user)):
        raise PermissionDenied
    return render(
        request,
        "grassroots/office_home.html",
        {
            "workstations": list(selectors.workstations_for(request.user)),
            "groups": list(selectors.groups_for(request.user)),
            "consultations": list(selectors.community_consultations(request.user)[:10]),
            "may_record": records_community_consultation(request.user, None),
        },
    )


def _workstation_for(request, pk: int) -> Workstation:
    return get_object_or_404(selectors.workstations_for(request.user), pk=pk)


def _ws_page(request, ws, *, status=200, contact_form=None, days_form=None):
    start, end = _period(request)
    return render(
        request,
        "grassroots/office_workstation.html",
        {
            "ws": ws,
            "runs": runs_workstation(request.user, ws),
            "weekend": selectors.reception_weekend_words(),
            "days": selectors.upcoming_days(ws, limit=6, cancelled=True),
            "contacts": list(selectors.contacts_of(ws, start=start, end=end)[:50]),
            "report": selectors.workstation_report(ws, start=start, end=end),
            "year": start.year,
            "contact_form": contact_form
            or ContactForm(
                workstation=ws, initial={"date": timezone.localdate(), "members": _contact_members_initial(request, ws)}
            ),
            "days_form": days_form or GenerateDaysForm(initial={"start": timezone.localdate(), "months": 6}),
        },
        status=status,
    )


def _contact_members_initial(request, ws) -> list[int]:
    """Who is ticked on the contact form: today's members on duty, if today is a reception day with a
    roster, otherwise the member recording it."""
    today = ws.reception_days.filter(date=timezone.localdate(), is_cancelled=False).first()
    on_duty = list(today.on_duty.values_list("pk", flat=True)) if today else []
    member_id = member_id_of(request.user)
    return on_duty or ([member_id] if member_id is not None else [])


@login_required
def workstation(request, pk: int):
    return _ws_page(request, _workstation_for(request, pk))


@login_required
@require_POST
def workstation_days(request, pk: int):
    ws = _workstation_for(request, pk)
    form = GenerateDaysForm(request.POST)
    if form.is_valid():
        try:
            created = services.generate_reception_days(
                workstation=ws, start=form.cleaned_data["start"], months=form.cleaned_data["months"], actor=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已生成%(n)s个接待日。") % {"n": len(created)})
            return redirect("grassroots:ws-office", pk=ws.pk)
    return _ws_page(request, ws, status=400, days_form=form)


@login_required
@require_POST
def workstation_contact(request, pk: int):
    ws = _workstation_for(request, pk)
    form = ContactForm(request.POST, workstation=ws)
    if form.is_valid():
        data = form.cleaned_data
        day = ws.reception_days.filter(date=data["date"]).first() if data["kind"] == Contact.Kind.RECEPTION else None
        try:
            services.log_contact(
                workstation=ws,
                kind=data["kind"],
                on=data["date"],
                service=data["service"],
                summary=data["summary"],
                people_count=data["people_count"],
                place=data["place"],
                reception_day=day,
                members=data["members"],
                actor=request.user,
            )
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("已登记。"))
            return redirect("grassroots:ws-office", pk=ws.pk)
    return _ws_page(request, ws, status=400, contact_form=form)


def _day_page(request, day, ws, *, cancel_form=None, roster_form=None, status=200):
    """The reception day's bookings: phones masked, but the one just revealed on purpose (audited),
    each with the actions its state offers now and the last change of its state (who, when, why)."""
    appointments = list(selectors.appointments_of(day).select_related("contact"))
    runs = runs_workstation(request.user, ws)
    last_changes = selectors.last_status_changes(appointments)
    workflow = workflow_for(Appointment)
    attend, day_has_come = workflow.action("attend"), day.date <= timezone.localdate()
    unsaved = unsaved_input(request)
    revealed = take_revealed(request, "grassroots.appointment") if runs else None
    for a in appointments:
        a.revealed_phone = a.phone if a.pk == revealed else ""
        a.last_change = last_changes.get(a.pk)
        if a.last_change:
            a.last_change.label = workflow.action(a.last_change.action).label
        # Every staff action on a booking is allowed to who runs its workstation (grassroots.workflow):
        # asked once for the page, not once per booking.
        a.actions = (
            [x for x in workflow.actions if a.status in x.sources and not x.own_form and x.is_offered(request.user, a)]
            if runs
            else []
        )
        a.may_attend = runs and day_has_come and a.status in attend.sources
        # A refused note goes back into that booking's box for that action only.
        if unsaved["unsaved_target"] == f"grassroots.appointment:{a.pk}" and unsaved["unsaved_action"] in {
            x.name for x in a.actions
        }:
            a.unsaved_action, a.unsaved_note = unsaved["unsaved_action"], unsaved["unsaved_note"]
            unsaved["unsaved_note"] = ""
    open_day = runs and not day.is_cancelled and timezone.now() < services.reception_window(day)[1]
    on_duty = list(day.on_duty.all())  # read once: the page lists them and the roster form ticks them
    return render(
        request,
        "grassroots/office_day.html",
        {
            "day": day,
            "on_duty": on_duty,
            "ws": ws,
            "runs": runs,
            "appointments": appointments,
            "taken": sum(1 for a in appointments if a.status != Appointment.Status.CANCELLED),
            "attend_form": AttendForm(),
            "may_cancel_day": open_day,
            "cancel_form": cancel_form or CancelDayForm(),
            # 调整值班: until the day ends, by who runs the workstation (a member signing up or swapping).
            "may_change_roster": open_day,
            "roster_form": roster_form or RosterForm(workstation=ws, initial={"members": [m.pk for m in on_duty]}),
            "roster_change": selectors.last_roster_change(day),
            # A booking's note that no box on the page takes any more (its state changed meanwhile).
            "unsaved_elsewhere": unsaved["unsaved_note"],
        },
        status=status,
    )


@login_required
def reception_day(request, pk: int):
    day = get_object_or_404(ReceptionDay.objects.select_related("workstation"), pk=pk)
    return _day_page(request, day, _workstation_for(request, day.workstation_id))


@login_required
@require_POST
def reception_day_roster(request, pk: int):
    """调整值班: a member signs up or swaps, the clerk rearranges; the members concerned are told."""
    day = get_object_or_404(ReceptionDay.objects.select_related("workstation"), pk=pk)
    ws = _workstation_for(request, day.workstation_id)
    form = RosterForm(request.POST, workstation=ws)
    if form.is_valid():
        try:
            services.set_roster(
                day=day, members=form.cleaned_data["members"], note=form.cleaned_data["note"], actor=request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("值班安排已更新。"))
            return redirect("grassroots:day", pk=day.pk)
    return _day_page(request, day, ws, roster_form=form, status=400)


@login_required
@require_POST
def reception_day_cancel(request, pk: int):
    """取消接待日: the whole day, with its bookings; the page then lists whom to phone."""
    day = get_object_or_404(ReceptionDay.objects.select_related("workstation"), pk=pk)
    ws = _workstation_for(request, day.workstation_id)
    form = CancelDayForm(request.POST)
    if form.is_valid():
        try:
            cancelled = services.cancel_reception_day(day=day, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if cancelled:
                text = _("接待日已取消，%(n)s个预约随之取消。请逐一致电告知预约的群众（名单见下方）。")
                messages.success(request, text % {"n": len(cancelled)})
            else:
                messages.success(request, _("接待日已取消，当天没有预约。"))
            return redirect("grassroots:day", pk=day.pk)
    day.refresh_from_db()
    return _day_page(request, day, ws, cancel_form=form, status=400)


@login_required
@require_POST
def appointment_phone(request, pk: int, appointment_pk: int):
    day = get_object_or_404(ReceptionDay.objects.select_related("workstation"), pk=pk)
    _workstation_for(request, day.workstation_id)
    appointment = get_object_or_404(day.appointments.select_related("reception_day__workstation"), pk=appointment_pk)
    try:
        services.reveal_appointment_phone(
            appointment=appointment, viewer=request.user, purpose=gettext_lazy("联系预约群众")
        )
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    remember_revealed(request, "grassroots.appointment", appointment.pk)
    return redirect("grassroots:day", pk=day.pk)


@login_required
@require_POST
def appointment_attended(request, pk: int, appointment_pk: int):
    day = get_object_or_404(ReceptionDay.objects.select_related("workstation"), pk=pk)
    ws = _workstation_for(request, day.workstation_id)
    appointment = get_object_or_404(day.appointments, pk=appointment_pk)
    form = AttendForm(request.POST)
    if form.is_valid():
        try:
            services.log_contact(
                workstation=ws,
                kind=Contact.Kind.RECEPTION,
                on=min(day.date, timezone.localdate()),
                service=appointment.service,
                summary=form.cleaned_data["summary"],
                appointment=appointment,
                # Counted in the duty record of who received the resident: the member registering it,
                # or, when the office registers it, the members on duty that day.
                members=[request.user.member] if hasattr(request.user, "member") else list(day.on_duty.all()),
                actor=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已登记接待。"))
    else:
        messages.error(request, _("请填写接待情况。"))
    return redirect("grassroots:day", pk=day.pk)


# Duty groups


@login_required
def group(request, pk: int):
    grp = selectors.get_group(request.user, pk)
    return _group_page(request, grp)


def _group_page(request, grp, *, form=None, status=200):
    start, end = _period(request)
    return render(
        request,
        "grassroots/group.html",
        {
            "group": grp,
            "runs": runs_group(request.user, grp),
            # Open issues whatever their year; finished ones, like the counters, follow the year chosen.
            "issues": selectors.group_page_issues(grp, start=start, end=end),
            "report": selectors.group_report(grp, start=start, end=end),
            "year": start.year,
            "form": form or IssueForm(),
        },
        status=status,
    )


@login_required
@require_POST
def group_issue_create(request, pk: int):
    grp = selectors.get_group(request.user, pk)
    form = IssueForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        appeal = None
        if data["appeal_code"]:
            appeal = find_by_tracking_code(data["appeal_code"])
            if appeal is None:
                form.add_error("appeal_code", _("未找到该查询码对应的诉求。"))
        if not form.errors:
            try:
                issue = services.collect_issue(
                    group=grp,
                    title=data["title"],
                    description=data["description"],
                    community=data["community"],
                    town=data["community"].town if data["community"] else None,
                    department=data["department"],
                    collected_on=data["collected_on"],
                    appeal=appeal,
                    actor=request.user,
                )
            except DomainError as exc:
                refuse_into(form, exc)
            else:
                return redirect(issue.get_absolute_url())
    return _group_page(request, grp, form=form, status=400)


def _issue_page(request, issue, *, micro_form=None, link_form=None, outcome_form=None, status=200):
    issue_workflow = workflow_for(issue)
    handles = handles_issue(request.user, issue)
    # Micro-consultations scheduled ahead on the issue, their outcome to record on their own meeting.
    scheduled = selectors.scheduled_micro_meetings(issue)
    return render(
        request,
        "grassroots/issue.html",
        {
            "issue": issue,
            "handles": handles,
            # Its plan is its appeal's (one plan): carried out or moved here, it is on the appeal too.
            "plan_tied": selectors.planned_appeal(issue) is not None,
            # Its appeal reopened since its plan was made: the group looks into it again.
            "may_reopen": handles
            and issue.status == IssueStatus.FOLLOW_UP
            and services.appeal_reopened(request.user, issue),
            "micros": list(issue.micro_consultations.all()),
            "scheduled_micros": scheduled,
            "micro_outcome_form": outcome_form or (MicroOutcomeForm(meetings=scheduled) if scheduled else None),
            # Scheduling one ahead (the notice, replies, check-in), from the issue: its subject is the issue.
            "may_schedule_micro": handles and not services.micro_schedule_blocker(issue),
            "same_appeal": selectors.issues_on_same_appeal(issue),
            # The appeal it came from: by its tracking code only for who may see it (the citizen's key),
            # else by its title; linked for who may open it.
            "appeal_code_shown": bool(issue.appeal_id) and bool(shows_tracking_code(request.user, issue.appeal)),
            "opens_appeal": bool(issue.appeal_id)
            and appeals_visible_to(request.user).filter(pk=issue.appeal_id).exists(),
            "micro_form": micro_form
            or MicroConsultationForm(
                group=issue.group,
                initial={
                    "department": issue.department_id,
                    "dept_head_name": issue.department.head_name if issue.department else "",
                    "place": issue.group.room,
                    # The member recording it was there, as a rule; the others are ticked by hand.
                    "members": [m for m in [member_id_of(request.user)] if m is not None],
                },
            ),
            "link_form": link_form or LinkProposalForm(initial={"title": issue.title}),
            # The proposal it became is linked only for who may open it (the title is shown to all).
            "opens_proposal": bool(issue.proposal_id)
            and proposals_visible_to(request.user).filter(pk=issue.proposal_id).exists(),
            "outcomes": Outcome.choices,
            "plan_overdue": issue.status == IssueStatus.FOLLOW_UP
            and issue.plan_due_date is not None
            and issue.plan_due_date < timezone.localdate(),
            "proposal_url": (
                reverse("proposals:create") + f"?source=grassroots.dutyissue:{issue.pk}"
                if may_draft_proposal(request.user)
                else ""
            ),
            **unsaved_input(request, offered=[a.name for a in issue_workflow.actions if issue.status in a.sources]),
        },
        status=status,
    )


@login_required
def issue(request, pk: int):
    return _issue_page(request, selectors.get_issue_for(request.user, pk))


@login_required
@require_POST
def issue_micro(request, pk: int):
    item = selectors.get_issue_for(request.user, pk)
    form = MicroConsultationForm(request.POST, group=item.group)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.log_micro_consultation(
                issue=item,
                members=data["members"],
                starts_at=data["starts_at"],
                place=data["place"],
                department=data["department"],
                dept_head_name=data["dept_head_name"],
                residents=data["residents"],
                summary=data["summary"],
                outcome=data["outcome"],
                plan_due_date=data["plan_due_date"],
                outcome_note=data["outcome_note"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("微协商已登记。"))
            return redirect(item.get_absolute_url())
    return _issue_page(request, item, micro_form=form, status=400)


@login_required
def issue_micro_schedule(request, pk: int):
    """Schedule a micro-consultation on the issue ahead (the calendar's form, with the issue as its
    subject): its notice, replies and check-in go on the meeting, its outcome is recorded on it."""
    from consultations.forms import MicroConsultationForm as ScheduleForm
    from intake.services import retry_key_for

    item = selectors.get_issue_for(request.user, pk)
    if not handles_issue(request.user, item):
        raise PermissionDenied
    initial = {
        "title": _("微协商：%(title)s") % {"title": item.title},
        "place": item.group.room,
        "community": item.community_id,
        "department": item.department_id,
        "department_head_name": item.department.head_name if item.department else "",
        "issue": item.description,
    }
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["residents"] = data["residents"].splitlines()
        data["idempotency_key"] = retry_key_for(data["idempotency_key"], caller=request.user)
        data["agenda"] = data.pop("issue")  # the form's 议题说明, not the issue itself
        try:
            meeting = services.schedule_micro_consultation(issue=item, actor=request.user, **data)
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("微协商已预约。核对参会人员后请发出会议通知；会后在问题页面登记协商结果。"))
            return redirect(meeting)
    context = {"form": form, "issue": item, "blocker": services.micro_schedule_blocker(item)}
    return render(request, "consultations/micro_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def issue_micro_outcome(request, pk: int):
    """Record the outcome of a micro-consultation scheduled ahead, on its own meeting."""
    item = selectors.get_issue_for(request.user, pk)
    form = MicroOutcomeForm(request.POST, meetings=selectors.scheduled_micro_meetings(item))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_micro_outcome(
                meeting=data["meeting"],
                actor=request.user,
                summary=data["summary"],
                outcome=data["outcome"],
                plan_due_date=data["plan_due_date"],
                outcome_note=data["outcome_note"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("微协商结果已登记。"))
            return redirect(item.get_absolute_url())
    return _issue_page(request, item, outcome_form=form, status=400)


@login_required
@require_POST
def issue_link_proposal(request, pk: int):
    item = selectors.get_issue_for(request.user, pk)
    form = LinkProposalForm(request.POST)
    if form.is_valid():
        try:
            services.link_proposal(
                issue=item,
                title=form.cleaned_data["title"],
                submitted_on=form.cleaned_data["submitted_on"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录形成的提案。"))
            return redirect(item.get_absolute_url())
    return _issue_page(request, item, link_form=form, status=400)


# Community consultations


def _sees_community_list(user) -> bool:
    return bool(is_office(user) or is_member(user) or is_dept_liaison(user))


@login_required
def community_list(request):
    if not _sees_community_list(request.user):
        raise PermissionDenied
    return render(
        request,
        "grassroots/community_list.html",
        {
            "items": list(selectors.community_consultations_for(request.user)),
            "may_record": records_community_consultation(request.user, None),
            "scheduled": selectors.scheduled_community_meetings(request.user),
        },
    )


def _scheduled_meeting(request):
    """The community consultation scheduled ahead that the record form is for (?meeting=, or the posted
    field), among the meetings the user sees; None when the form records one held without notice."""
    from consultations.selectors import get_meeting_for

    pk = request.POST.get("meeting") or request.GET.get("meeting")
    if not pk or not str(pk).isdigit():
        return None
    return get_meeting_for(request.user, int(pk))


@login_required
def community_create(request):
    if not records_community_consultation(request.user, None):
        raise PermissionDenied
    meeting = _scheduled_meeting(request)
    initial = community_record_initial(meeting) if meeting is not None else None
    form = CommunityConsultationForm(request.POST or None, initial=initial, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        participants = [(data["presiding"], "presiding")] if data["presiding"] else []
        participants += [(n, "resident") for n in data["residents"].splitlines() if n.strip()]
        participants += [(n, "other") for n in data["others"].splitlines() if n.strip()]
        try:
            item = services.hold_community_consultation(
                community=data["community"],
                matter=data["matter"],
                background=data["background"],
                starts_at=data["starts_at"],
                place=data["place"],
                participants=participants,
                members=data["members"],
                positions=data["positions"],
                mediation_record=data["mediation_record"],
                agreement_reached=data["agreement_reached"],
                agreement=data["agreement"],
                tasks=data["tasks"],
                actor=request.user,
                idempotency_key=intake_services.retry_key_for(data["idempotency_key"], caller=request.user),
                meeting=meeting,
            )
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            return redirect(item.get_absolute_url())
    context = {
        "form": form,
        "meeting": meeting,
        "blocker": services.community_outcome_blocker(meeting) if meeting is not None else "",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "grassroots/community_form.html", context, status=status)


@login_required
def community_schedule(request):
    """Schedule a community-affairs consultation ahead (the calendar's micro-consultation form, worded for
    it): its notice, ICS and replies go on the meeting; after it is held its outcome is recorded on that
    same meeting (登记社区事务协商, prefilled from it)."""
    if not records_community_consultation(request.user, None):
        raise PermissionDenied
    form = CommunityScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["residents"] = data["residents"].splitlines()
        data["idempotency_key"] = intake_services.retry_key_for(data["idempotency_key"], caller=request.user)
        try:
            meeting = services.schedule_community_consultation(
                actor=request.user,
                matter=data.pop("title"),
                background=data.pop("issue"),
                community=data.pop("community"),
                **data,
            )
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            messages.success(
                request, _("社区事务协商已预约。核对参会人员后请发出会议通知；会后在会议页面登记协商结果。")
            )
            return redirect(meeting)
    return render(request, "grassroots/community_schedule.html", {"form": form}, status=400 if form.errors else 200)


COMMUNITY_STEP_LABELS = {
    "conclude": gettext_lazy("登记协商结果"),
    "add_tasks": gettext_lazy("新增后续任务"),
    "complete_task": gettext_lazy("后续任务完成"),
    "reopen_task": gettext_lazy("后续任务重新打开"),
    "void": gettext_lazy("作废协商记录"),
}


def _community_page(
    request, item, *, conclude_form=None, tasks_form=None, done_form=None, reopen_form=None, void_form=None, status=200
):
    user = request.user
    works = works_on_consultation(user, item)
    steps = selectors.community_steps(item)
    for step in steps:
        step.label = COMMUNITY_STEP_LABELS.get(step.action, step.action)
    from consultations.selectors import meetings_visible_to

    tasks = list(item.tasks.all())
    for task in tasks:
        task.may_update = completes_follow_up(user, task)
    return render(
        request,
        "grassroots/community_detail.html",
        {
            "item": item,
            "tasks": tasks,
            "meeting_visible": meetings_visible_to(user).filter(pk=item.meeting_id).exists(),
            "may_record": works,
            # A consultation recorded 尚未结束 is concluded later; tasks can be added at any time.
            "conclude_form": (conclude_form or ConcludeCommunityForm()) if item.agreement_reached is None else None,
            "tasks_form": tasks_form or FollowUpTasksForm(),
            "done_form": done_form or TaskDoneForm(),
            "reopen_form": reopen_form or TaskReopenForm(),
            "void_form": (void_form or VoidCommunityForm()) if voids_consultation(user, item) else None,
            "steps": steps,
        },
        status=status,
    )


@login_required
def community_detail(request, pk: int):
    return _community_page(request, selectors.get_community_consultation(request.user, pk))


@login_required
@require_POST
def community_conclude(request, pk: int):
    """登记协商结果: a consultation recorded 尚未结束 is concluded, agreed or not, with a note."""
    item = selectors.get_community_consultation(request.user, pk)
    if not works_on_consultation(request.user, item):
        raise PermissionDenied
    form = ConcludeCommunityForm(request.POST)
    if form.is_valid():
        try:
            services.conclude_community_consultation(
                consultation=item,
                agreement_reached=form.cleaned_data["agreement_reached"],
                agreement=form.cleaned_data["agreement"],
                actor=request.user,
            )
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("已登记协商结果。"))
            return redirect(item.get_absolute_url())
    item = selectors.get_community_consultation(request.user, pk)
    return _community_page(request, item, conclude_form=form, status=400)


@login_required
@require_POST
def community_tasks_add(request, pk: int):
    """新增后续任务, one a line, by the office, who recorded it or a member who took part."""
    item = selectors.get_community_consultation(request.user, pk)
    if not works_on_consultation(request.user, item):
        raise PermissionDenied
    form = FollowUpTasksForm(request.POST)
    if form.is_valid():
        try:
            tasks = form.cleaned_data["tasks"]
            created = services.add_follow_up_tasks(consultation=item, tasks=tasks, actor=request.user)
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("已新增%(n)s项后续任务。") % {"n": len(created)})
            return redirect(item.get_absolute_url())
    return _community_page(request, item, tasks_form=form, status=400)


def _task_step(request, pk: int, task_pk: int, *, form_class, act, done: str, form_name: str):
    """A step on one of the consultation's follow-up tasks (done or reopened), by who may record it done; the
    form comes back under that task with what was typed when it is refused."""
    item = selectors.get_community_consultation(request.user, pk)
    task = get_object_or_404(item.tasks, pk=task_pk)
    if not completes_follow_up(request.user, task):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(task, form.cleaned_data)
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, done)
            return redirect(item.get_absolute_url())
    form.task_pk = task.pk
    return _community_page(request, item, status=400, **{form_name: form})


@login_required
@require_POST
def community_task_done(request, pk: int, task_pk: int):
    """标记完成, with what was done: a step on the consultation's timeline."""
    return _task_step(
        request,
        pk,
        task_pk,
        form_class=TaskDoneForm,
        act=lambda task, data: services.complete_follow_up(task=task, actor=request.user, note=data["note"]),
        done=_("已登记后续任务完成。"),
        form_name="done_form",
    )


@login_required
@require_POST
def community_task_reopen(request, pk: int, task_pk: int):
    """重新打开 a task recorded done, with the reason: a step on the consultation's timeline."""
    return _task_step(
        request,
        pk,
        task_pk,
        form_class=TaskReopenForm,
        act=lambda task, data: services.reopen_follow_up(task=task, actor=request.user, reason=data["reason"]),
        done=_("已重新打开后续任务。"),
        form_name="reopen_form",
    )


@login_required
@require_POST
def community_void(request, pk: int):
    """作废: the office voids a consultation recorded by mistake, with the reason."""
    item = selectors.get_community_consultation(request.user, pk)
    if not voids_consultation(request.user, item):
        raise PermissionDenied
    form = VoidCommunityForm(request.POST)
    if form.is_valid():
        try:
            services.void_community_consultation(
                consultation=item, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("协商记录已作废，参加委员的履职记录不再计入。"))
            return redirect(item.get_absolute_url())
    return _community_page(request, item, void_form=form, status=400)
