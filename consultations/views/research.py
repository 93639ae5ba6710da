"""Research pages: group list, the one page per topic, report drafting and comments."""

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.predicates import is_office
from accounts.selectors import never_activated
from consultations import selectors, services
from consultations.forms import (
    CommentForm,
    GroupForm,
    GroupInviteForm,
    GroupRespondForm,
    MaterialForm,
    ReportAnnexForm,
    ReportEditForm,
    ResolveForm,
    TaskForm,
    VisitForm,
)
from consultations.models import GroupStatus, InvitationResponse, MeetingStatus, ReportComment, ReportStatus
from consultations.predicates import (
    convenes_meetings,
    manages_group,
    manages_meeting,
    membership_of,
    oversees_research,
    works_in_group,
    works_on_report,
)
from consultations.report_documents import FORMATS, report_file_name, report_version_document
from consultations.services import research as research_services
from consultations.views import REFUSALS, refuse_into
from core.exports import file_response


@login_required
def group_list(request):
    page = Paginator(selectors.group_list_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "consultations/group_list.html", {"page": page, "can_create": is_office(request.user)})


@login_required
def group_create(request):
    if not is_office(request.user):
        raise PermissionDenied
    form = GroupForm(request.POST or None, initial={"subject": request.GET.get("subject", "")})
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            group = services.create_research_group(actor=request.user, **form.cleaned_data)
        except REFUSALS as exc:
            refuse_into(form, exc)
            existing = getattr(exc, "group", None)  # GroupExists: the page links the item's working group
        else:
            messages.success(request, _("课题组已组建，请邀请成员。"))
            return redirect(group)
    return render(
        request,
        "consultations/group_form.html",
        {"form": form, "existing": existing},
        status=400 if form.errors else 200,
    )


def _group_page(request, group, status: int = 200, **forms):
    user = request.user
    full = selectors.may_read_material(user, group)
    membership = membership_of(user, group)
    manages, works = manages_group(user, group), works_in_group(user, group)
    ctx = {
        "group": group,
        "full": full,
        "membership": membership,
        "manages": manages,
        "works": works or manages,
        "subject": group.subject,
        "invite_form": forms.get("invite_form") or GroupInviteForm(group=group),
        "respond_form": forms.get("respond_form") or GroupRespondForm(),
        "visit_form": forms.get("visit_form") or VisitForm(group=group),
        "task_form": forms.get("task_form") or TaskForm(group=group),
        "material_form": forms.get("material_form") or MaterialForm(),
        # An invitation left unanswered when the group concluded or was cancelled has lapsed: no reply form.
        "awaiting_reply": membership is not None
        and membership.response == InvitationResponse.INVITED
        and not research_services.invitation_lapsed(membership),
        "lapsed": membership is not None and research_services.invitation_lapsed(membership),
        "lapsed_message": research_services.lapsed_message(group),
        "first_visit_day": research_services.earliest_visit_date(group),
        "open_form": forms.get("open_form", ""),
        "can_convene": convenes_meetings(user),
        # Why the consultation cannot be convened yet (the service's rule, `selectors.convene_blocker`).
        "convene_blocker": selectors.convene_blocker(group),
        # The forms to invite, record visits, give tasks and share files only while the group works.
        "working": group.status in (GroupStatus.FORMING, GroupStatus.RESEARCHING),
    }
    if full:
        ctx.update(selectors.topic_page(group))
        # The workflow lets the group's managers and a task's own assignee mark it done (manages_task).
        ctx["completable"] = {
            t.pk for t in ctx.get("tasks", ()) if manages or (membership is not None and t.assignee_id == membership.pk)
        }
    return render(request, "consultations/group_detail.html", ctx, status=status)


@login_required
def group_detail(request, pk: int):
    return _group_page(request, selectors.get_group_for(request.user, pk))


@login_required
def topic_redirect(request, ct: int, obj: int):
    """The topic page of a plan item (or other subject): its research group's page."""
    group = selectors.topic_group_for(request.user, ct, obj)
    if group is None:
        raise Http404
    return redirect(group)


def _post_form(request, pk, form_class, form_key, call, success, *, with_group=False, files=False, then=None):
    """Shared POST handling on the group page: validate, call one service, or re-render with errors.
    `then(group, result)` may name where to go afterwards (the group page by default)."""
    group = selectors.get_group_for(request.user, pk)
    kwargs = {"group": group} if with_group else {}
    form = form_class(request.POST, request.FILES if files else None, **kwargs)
    if form.is_valid():
        try:
            result = call(group, form.cleaned_data)
        except REFUSALS as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect((then and then(group, result)) or group)
    return _group_page(request, group, status=400, **{form_key: form, "open_form": form_key})


@login_required
@require_POST
def group_invite(request, pk: int):
    def call(group, data):
        return services.invite_to_group(group=group, actor=request.user, member=data["member"], expert=data["expert"])

    return _post_form(request, pk, GroupInviteForm, "invite_form", call, _invite_message)


def _invite_message(row) -> str:
    """New invitation, a reminder, or renewed after a refusal (what the invitation was before)."""
    if row.user_id is None:
        return _(
            "已登记对%(name)s的邀请。%(name)s尚未开通平台账号，系统无法通知本人，请线下联系；"
            "政协办公室可在“人员账号”中为其开通账号。"
        ) % {"name": row.name}
    if never_activated(row.user):
        return _(
            "已登记对%(name)s的邀请。%(name)s的平台账号尚未激活，暂时看不到邀请，请线下联系；"
            "政协办公室可在“人员账号”中生成激活链接转交本人。"
        ) % {"name": row.name}
    if row.previous_response == InvitationResponse.INVITED:
        return _("%(name)s尚未回复邀请，已再次提醒。") % {"name": row.name}
    if row.previous_response == InvitationResponse.DECLINED:
        return _("%(name)s此前谢绝了邀请，已重新发出邀请。") % {"name": row.name}
    return _("已向%(name)s发出邀请。") % {"name": row.name}


@login_required
@require_POST
def group_respond(request, pk: int):
    def call(group, data):
        membership = membership_of(request.user, group)
        if membership is None:
            raise Http404
        return services.respond_to_group_invitation(
            membership=membership, actor=request.user, accept=data["accept"], reason=data["reason"]
        )

    def then(group, membership):
        # A decliner no longer sees the group: back to the work list where the invitation came from.
        if not selectors.groups_visible_to(request.user).filter(pk=group.pk).exists():
            return reverse("core:dashboard")
        return None

    return _post_form(request, pk, GroupRespondForm, "respond_form", call, _respond_message, then=then)


def _respond_message(membership) -> str:
    if membership.response == InvitationResponse.ACCEPTED:
        return _("您已接受邀请，加入课题组“%(title)s”。") % {"title": membership.group.title}
    return _("您已谢绝参加课题组“%(title)s”。") % {"title": membership.group.title}


@login_required
@require_POST
def visit_create(request, pk: int):
    return _post_form(
        request,
        pk,
        VisitForm,
        "visit_form",
        lambda g, d: services.add_field_visit(group=g, actor=request.user, **d),
        _("调研记录已保存。"),
        with_group=True,
        files=True,
    )


@login_required
@require_POST
def task_create(request, pk: int):
    return _post_form(
        request,
        pk,
        TaskForm,
        "task_form",
        lambda g, d: services.add_research_task(group=g, actor=request.user, **d),
        _("任务已分配。"),
        with_group=True,
    )


@login_required
@require_POST
def material_create(request, pk: int):
    return _post_form(
        request,
        pk,
        MaterialForm,
        "material_form",
        lambda g, d: services.share_material(group=g, actor=request.user, **d),
        _("材料已上传。"),
        files=True,
    )


def _report_page(
    request, report, status: int = 200, edit_form=None, comment_form=None, resolving=None, annex_form=None
):
    user = request.user
    editable = works_on_report(user, report) and report.status in (ReportStatus.DRAFTING, ReportStatus.REVIEW)
    ctx = {
        "annexes": list(selectors.report_annexes(report)),
        "annex_form": annex_form or ReportAnnexForm(),
        "report": report,
        "group": report.group,
        "editable": editable,
        "can_comment": (works_on_report(user, report) or oversees_research(user))
        and report.status in (ReportStatus.DRAFTING, ReportStatus.REVIEW),
        "edit_form": edit_form
        or ReportEditForm(initial={"title": report.title, "body": report.body, "version": report.version}),
        "comment_form": comment_form or CommentForm(),
        "resolve_form": ResolveForm(),
        # A refused 处理说明 comes back in its comment's box with the reason beside it.
        "resolving": resolving or {},
        "resolution_max": research_services.RESOLUTION_MAX,
        "latest_version": report.versions.first(),
        "versions": list(report.versions.select_related("created_by")),
        "comments": list(selectors.report_comments(report)),
        "open_mandatory": selectors.open_mandatory_comments(report).count(),
        "manages": manages_group(user, report.group),
    }
    return render(request, "consultations/report_detail.html", ctx, status=status)


@login_required
def report_detail(request, pk: int):
    report = selectors.get_report_for(request.user, pk)
    if request.method != "POST":
        return _report_page(request, report)
    form = ReportEditForm(request.POST)
    if form.is_valid():
        try:
            services.save_report_draft(
                report=report,
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except REFUSALS as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("已保存为新版本。"))
            return redirect(report)
    report.refresh_from_db()
    return _report_page(request, report, status=400, edit_form=form)


@login_required
@require_POST
def report_annex_add(request, pk: int):
    """附件 of the report: uploaded by the group's members while it is drafted or reviewed; a refused file
    comes back on the report page with the reason beside the field."""
    report = selectors.get_report_for(request.user, pk)
    form = ReportAnnexForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            annex = research_services.add_report_annex(
                report=report, actor=request.user, upload=form.cleaned_data["upload"]
            )
        except REFUSALS as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("已添加附件“%(name)s”。") % {"name": annex.original_name})
            return redirect(f"{report.get_absolute_url()}#annexes")
    return _report_page(request, report, status=400, annex_form=form)


@login_required
@require_POST
def report_annex_remove(request, pk: int, annex: int):
    report = selectors.get_report_for(request.user, pk)
    try:
        name = research_services.remove_report_annex(report=report, actor=request.user, annex_id=annex)
    except REFUSALS as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除附件“%(name)s”。") % {"name": name})
    return redirect(f"{report.get_absolute_url()}#annexes")


@login_required
def report_version(request, pk: int, number: int):
    report = selectors.get_report_for(request.user, pk)
    version = get_object_or_404(report.versions.select_related("created_by"), number=number)
    previous = report.versions.filter(number=number - 1).first()
    diff = []
    if previous is not None:
        for line in difflib.ndiff(previous.body.splitlines(), version.body.splitlines()):
            if line.startswith(("+ ", "- ", "  ")):
                diff.append({"op": line[0], "text": line[2:]})
    return render(
        request,
        "consultations/report_version.html",
        {"report": report, "version": version, "previous": previous, "diff": diff},
    )


@login_required
@require_POST
def comment_create(request, pk: int):
    report = selectors.get_report_for(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_on_report(report=report, actor=request.user, **form.cleaned_data)
        except REFUSALS as exc:
            refuse_into(form, exc)
        else:
            messages.success(request, _("意见已提交。"))
            return redirect(report)
    return _report_page(request, report, status=400, comment_form=form)


@login_required
@require_POST
def comment_resolve(request, pk: int):
    comment = get_object_or_404(ReportComment.objects.select_related("report"), pk=pk)
    report = selectors.get_report_for(request.user, comment.report_id)
    form = ResolveForm(request.POST)
    form.is_valid()  # a free text: always valid; the service says what is wrong with it
    text = form.cleaned_data.get("resolution", "")
    try:
        services.resolve_comment(comment=comment, actor=request.user, resolution=text)
    except REFUSALS as exc:
        error = getattr(exc, "message", str(exc))
        messages.error(request, error)
        resolving = {"comment": comment.pk, "text": text, "error": error}
        return _report_page(request, report, status=400, resolving=resolving)
    messages.success(request, _("意见已标记为已处理。"))
    return redirect(report)


@login_required
def report_version_file(request, pk: int, number: int, fmt: str):
    """One version of the report as DOCX or PDF, for whoever may read the report."""
    report = selectors.get_report_for(request.user, pk)
    if fmt not in FORMATS:
        raise Http404
    version = get_object_or_404(report.versions.select_related("created_by"), number=number)
    return file_response(report_version_document(report, version, fmt), report_file_name(version, fmt), FORMATS[fmt])


@login_required
@require_POST
def attach_report(request, pk: int):
    """附上采用的报告 on the meeting page: the group's adopted report becomes a meeting material."""
    meeting = selectors.get_meeting_for(request.user, pk)
    if not manages_meeting(request.user, meeting):
        raise PermissionDenied
    try:
        material = research_services.attach_adopted_report(meeting=meeting, actor=request.user)
    except REFUSALS as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        if meeting.status == MeetingStatus.INVITED:
            messages.success(request, _("已将《%(title)s》附为会议材料，已通知参会人员。") % {"title": material.title})
        else:
            messages.success(
                request,
                _("已将《%(title)s》附为会议材料，发出会议通知时将一并告知参会人员。") % {"title": material.title},
            )
    return redirect(f"{meeting.get_absolute_url()}#materials")
