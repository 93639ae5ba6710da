"""Signed-in pages: tasks (transfer, handle, reply, rate, supervise), special reports, ranking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations.models import Meeting
from core.exceptions import DomainError
from core.forms import submit
from core.http import as_int
from core.services import attachments_of
from core.unsaved import unsaved_extension
from core.visibility import visible_queryset
from core.workflow import perform
from district.models import Department
from supervision import selectors
from supervision.choices import HANDLING_STATES, Rating, ReportStatus, TaskStatus
from supervision.forms import (
    AssignForm,
    CompileForm,
    NoteForm,
    ProgressForm,
    ReassignForm,
    ReplyForm,
    ReportEditForm,
    TransferForm,
)
from supervision.models import SupervisionNote
from supervision.predicates import is_lead_liaison, is_report_compiler, is_task_liaison, is_transfer_office
from supervision.services import reports as report_services
from supervision.services import tasks as task_services


def list_filters(params) -> dict:
    """The task list's filters from a query string (also used by the insight Excel export)."""
    from django.utils.dateparse import parse_date

    def day(key):
        try:
            return parse_date(params.get(key, ""))
        except ValueError:
            return None

    department = params.get("department", "")
    return {
        "status": params.get("status", ""),
        "department": department if as_int(department) is not None else "",
        "rating": params.get("rating", "") if params.get("rating", "") in Rating.values else "",
        "overdue": bool(params.get("overdue")),
        "extension_pending": bool(params.get("extension_pending")),
        "start": day("start"),
        "end": day("end"),
    }


@login_required
def task_list(request):
    if not selectors.can_use_supervision(request.user):
        raise Http404
    qs = selectors.task_list(request.user, **list_filters(request.GET))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/task_list.html",
        {
            "page": page,
            "statuses": TaskStatus.choices,
            "departments": Department.objects.filter(is_active=True),
            "today": timezone.localdate(),
            "show_office_links": selectors.sees_everything(request.user),
        },
    )


def _reply_form_for(task):
    draft = selectors.draft_reply_of(task)
    if draft is None:
        return ReplyForm(), None
    initial = {k: getattr(draft, k) for k in ("planned_date", "reason", "body")}
    initial["classification"] = draft.reply_class.code if draft.reply_class_id else ""
    return ReplyForm(initial=initial), draft


def _render_task(request, task, *, status=200, **forms):
    user = request.user
    reply_form, draft = _reply_form_for(task)
    notes = task.notes.select_related("author")
    if not selectors.sees_everything(user):
        notes = notes.filter(kind=SupervisionNote.Kind.INSTRUCTION)
    progress = list(selectors.progress_of(task))
    context = {
        "task": task,
        "source_link": _source_link(user, task),
        "progress": [(p, list(attachments_of(p))) for p in progress],
        "replies": selectors.replies_of(task),
        "draft": draft,
        "notes": notes,
        "may_report": is_task_liaison(user, task) and task.status in HANDLING_STATES,
        "may_reply": is_lead_liaison(user, task) and task.status in HANDLING_STATES,
        "may_note": selectors.sees_everything(user),
        "may_assign": is_transfer_office(user) and task.status == TaskStatus.CREATED,
        # On the department's request, or to correct the lead department before it accepts the task.
        "may_reassign": is_transfer_office(user) and task.status in (TaskStatus.REASSIGN, TaskStatus.ASSIGNED),
        "report_link": task.special_report_id is not None
        and selectors.reports_visible_to(user).filter(pk=task.special_report_id).exists(),
        "progress_form": forms.get("progress_form") or ProgressForm(),
        "reply_form": forms.get("reply_form") or reply_form,
        "note_form": forms.get("note_form") or NoteForm(),
        "assign_form": forms.get("assign_form")
        or AssignForm(initial={"lead_department": task.lead_department_id, "due_date": task.due_date}),
        # A department that asks to hand the lead over usually stays on as a cooperating department; one
        # the office corrects (a wrong department, not yet accepted) does not.
        "reassign_form": forms.get("reassign_form")
        or ReassignForm(
            initial={
                "co_departments": [
                    *(d.pk for d in task.co_departments.all()),
                    *([task.lead_department_id] if task.status == TaskStatus.REASSIGN else []),
                ]
            }
        ),
        "today": timezone.localdate(),
        # Past the window (or after 维持原交办): no 申请改派 form, one line on whom to contact instead.
        "reassign_closed": task_services.reassign_request_closed(user, task),
        **selectors.extension_flags(user, task),
        "unsaved_extension": unsaved_extension(request, "due_date"),
    }
    return render(request, "supervision/task_detail.html", context, status=status)


def _source_link(user, task) -> dict | None:
    """The record the task was opened from (a citizen's appeal, a proposal…), linked when the viewer
    may open it; a special report's outcome items are linked by the page already."""
    if task.source_type_id is None or task.special_report_id:
        return None
    model = ContentType.objects.get_for_id(task.source_type_id).model_class()
    visible = visible_queryset(user, model) if model is not None else None
    source = visible.filter(pk=task.source_id).first() if visible is not None else None
    if source is None or not hasattr(source, "get_absolute_url"):
        return None
    return {"kind": model._meta.verbose_name, "name": str(source), "url": source.get_absolute_url()}


@login_required
def task_detail(request, pk: int):
    return _render_task(request, selectors.get_task_for(request.user, pk))


@login_required
@require_POST
def task_progress(request, pk: int):
    task = selectors.get_task_for(request.user, pk)
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_task(request, task, status=400, progress_form=form)
    uploads = [form.cleaned_data["attachment"]] if form.cleaned_data.get("attachment") else []
    try:
        task_services.report_progress(
            task=task,
            actor=request.user,
            percent=form.cleaned_data["percent"],
            text=form.cleaned_data["text"],
            attachments=uploads,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render_task(request, task, status=400, progress_form=form)
    messages.success(request, _("进展已报送。"))
    return redirect(task)


def _reply_fields(form) -> dict:
    return {
        "classification": form.cleaned_data["classification"],
        "planned_date": form.cleaned_data["planned_date"],
        "reason": form.cleaned_data["reason"],
        "body": form.cleaned_data["body"],
    }


@login_required
@require_POST
def task_reply(request, pk: int):
    """Save the reply draft, or save and submit it; the typed text survives any refusal."""
    task = selectors.get_task_for(request.user, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _render_task(request, task, status=400, reply_form=form)
    try:
        if request.POST.get("submit"):
            task_services.submit_reply(task=task, actor=request.user, **_reply_fields(form))
            if task.rater_id:
                messages.success(request, _("答复已提交，等待牵头委员评价。"))
            else:
                # No lead member (an instruction, a key proposal, an appeal): the supervising offices verify it.
                messages.success(request, _("答复已提交，等待督办部门审核。"))
        else:
            task_services.save_reply_draft(task=task, actor=request.user, **_reply_fields(form))
            messages.success(request, _("草稿已保存。"))
    except DomainError as exc:
        messages.error(request, exc.message)
        # The refusal names the field it is about (a planned date in the past): shown on that field too.
        for name, errors in (getattr(exc, "fields", None) or {}).items():
            if name in form.fields:
                form.add_error(name, errors)
        task.refresh_from_db()
        return _render_task(request, task, status=400, reply_form=form)
    return redirect(task)


@login_required
@require_POST
def task_reply_autosave(request, pk: int):
    """htmx autosave of the reply draft while the department types."""
    task = selectors.get_task_for(request.user, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("草稿未保存：日期格式不正确。"), status=400)
    try:
        task_services.save_reply_draft(task=task, actor=request.user, **_reply_fields(form))
    except DomainError as exc:
        return HttpResponse(exc.message, status=400)
    return HttpResponse(_("已自动保存（%(t)s）") % {"t": timezone.localtime().strftime("%H:%M:%S")})


@login_required
@require_POST
def task_note(request, pk: int):
    task = selectors.get_task_for(request.user, pk)
    form = NoteForm(request.POST)
    done = submit(
        request,
        form,
        lambda d: task_services.add_note(task=task, actor=request.user, body=d["body"], kind=d["kind"]),
        success=_("督办记录已保存。"),
        redirect_to=task,
    )
    return done or _render_task(request, task, status=400, note_form=form)


@login_required
@require_POST
def task_assign(request, pk: int):
    task = selectors.get_task_for(request.user, pk)
    form = AssignForm(request.POST)
    done = submit(
        request,
        form,
        lambda d: task_services.assign_task(task=task, actor=request.user, **d),
        success=_("任务已交办。"),
        redirect_to=task,
    )
    return done or _render_task(request, task, status=400, assign_form=form)


@login_required
@require_POST
def task_reassign(request, pk: int):
    task = selectors.get_task_for(request.user, pk)
    form = ReassignForm(request.POST)

    def reassign(d):
        data = {
            "lead_department": d["lead_department"].pk,
            "due_date": d["due_date"],
            "co_departments": [c.pk for c in d["co_departments"]],
        }
        perform(task, "reassign", actor=request.user, note=d["note"], data=data)

    done = submit(request, form, reassign, success=_("任务已改派。"), redirect_to=task)
    return done or _render_task(request, task, status=400, reassign_form=form)


@login_required
def ranking(request):
    if not selectors.sees_everything(request.user):
        raise Http404
    return render(request, "supervision/ranking.html", {"rows": selectors.department_ranking()})


# ---- special reports -------------------------------------------------------------------------


@login_required
def report_list(request):
    if not selectors.sees_everything(request.user):
        raise Http404
    reports = selectors.reports_visible_to(request.user)
    return render(
        request,
        "supervision/report_list.html",
        {"reports": reports, "may_compile": is_report_compiler(request.user)},
    )


@login_required
def report_new(request):
    if not is_report_compiler(request.user):
        raise Http404
    meeting_id = request.POST.get("meeting") or request.GET.get("meeting")
    meeting = Meeting.objects.filter(pk=meeting_id).first() if as_int(meeting_id) is not None else None
    if request.method == "POST":
        form = CompileForm(request.POST, meeting=meeting)
        if form.is_valid():
            try:
                report = report_services.compile_special_report(
                    meeting=form.cleaned_data["meeting"],
                    items=form.cleaned_data["items"],
                    actor=request.user,
                    lead=form.cleaned_data["lead"],
                    title=form.cleaned_data["title"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("专报件草稿已生成。"))
                return redirect(report)
    else:
        initial = {"meeting": meeting}
        if meeting:
            initial["items"] = list(meeting.outcome_items.values_list("pk", flat=True))
            # The research group's lead rates the departments' replies unless the office picks someone else.
            group = meeting.research_group
            if group is not None and group.lead.user_id:
                initial["lead"] = group.lead.user_id
        form = CompileForm(initial=initial, meeting=meeting)
    # A meeting whose items are all compiled already: say so rather than list nothing.
    all_compiled = meeting is not None and not form.fields["items"].queryset.exists()
    return render(
        request, "supervision/report_new.html", {"form": form, "meeting": meeting, "all_compiled": all_compiled}
    )


def _render_report(request, report, *, status=200, edit_form=None, transfer_form=None):
    user = request.user
    items = list(selectors.report_items(report))
    pending = [i for i in items if not i.supervision_tasks.all()]
    may_transfer = is_transfer_office(user) and report.status == ReportStatus.ISSUED and bool(pending)
    may_edit = is_report_compiler(user) and report.status == ReportStatus.DRAFT
    # A department reads the whole report; it opens only its own tasks (the others' states are shown).
    sees_everything = bool(selectors.sees_everything(user))
    own_tasks = (
        None
        if sees_everything
        else set(selectors.tasks_visible_to(user).filter(special_report=report).values_list("pk", flat=True))
    )
    return render(
        request,
        "supervision/report_detail.html",
        {
            "report": report,
            "items": items,
            "may_edit": may_edit,
            "may_list": sees_everything,
            "own_tasks": own_tasks,
            "edit_form": edit_form or (ReportEditForm(instance=report) if may_edit else None),
            # No 送秘书长签发 button until it can succeed: what to do first, in one line.
            "submit_blocked": report_services.submit_blocked(user, report),
            "may_transfer": may_transfer,
            "transfer_form": transfer_form or (TransferForm(items=pending) if may_transfer else None),
        },
        status=status,
    )


@login_required
def report_detail(request, pk: int):
    return _render_report(request, selectors.get_report_for(request.user, pk))


@login_required
@require_POST
def report_edit(request, pk: int):
    report = selectors.get_report_for(request.user, pk)
    form = ReportEditForm(request.POST, instance=report)
    done = submit(
        request,
        form,
        lambda d: report_services.update_special_report(report=report, actor=request.user, **d),
        success=_("专报件已保存。"),
        redirect_to=report,
    )
    return done or _render_report(request, report, status=400, edit_form=form)


@login_required
@require_POST
def report_delete(request, pk: int):
    """The research office withdraws a draft (or returned) report; its items can be compiled again."""
    report = selectors.get_report_for(request.user, pk)
    try:
        report_services.delete_draft_report(report=report, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(report)
    messages.success(request, _("专报件草稿已删除，其成果事项可重新编发。"))
    return redirect("supervision:reports")


@login_required
@require_POST
def report_transfer(request, pk: int):
    report = selectors.get_report_for(request.user, pk)
    pending = [i for i in selectors.report_items(report) if not i.supervision_tasks.all()]
    form = TransferForm(request.POST, items=pending)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容。"))
        return _render_report(request, report, status=400, transfer_form=form)
    try:
        tasks = task_services.transfer_outcome_items(report=report, assignments=form.assignments(), actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render_report(request, report, status=400, transfer_form=form)
    messages.success(request, _("已转交%(n)s项督办任务。") % {"n": len(tasks)})
    return redirect(report)


@login_required
def report_document(request, pk: int, fmt: str):
    report = selectors.get_report_for(request.user, pk)
    if fmt not in ("docx", "pdf"):
        raise Http404
    if fmt == "docx":
        body = report_services.report_docx(report)
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        body = report_services.report_pdf(report)
        mime = "application/pdf"
    name = f"special-report-{report.year}-{report.serial or 'draft'}.{fmt}"
    response = HttpResponse(body, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
