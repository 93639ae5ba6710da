import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.forms import TransitionForm
from core.http import local_url, refused_request
from core.models import Attachment
from core.nav import works_in_office
from core.selectors import current_committee
from core.uploads import download_name
from core.visibility import visible_queryset
from core.workflow import _registry, done_message, perform

logger = logging.getLogger(__name__)


def home(request):
    if works_in_office(request.user):
        return redirect("core:dashboard")
    return render(request, "core/portal_home.html", {"committee": current_committee()})


@login_required
def dashboard(request):
    from core.selectors_dashboard import dashboard_for

    if not works_in_office(request.user):
        return redirect("core:home")  # a citizen has no work queue: their appeals are on the portal
    return render(request, "core/dashboard.html", dashboard_for(request.user))


@login_required
@require_POST
def transition(request, label: str, pk: int):
    """Fire one workflow action from an HTML form, then go back to the object's page."""
    wf = _registry.get(label)
    if wf is None:
        raise Http404
    obj = get_object_or_404(wf.visible_to(request.user), pk=pk)
    form = TransitionForm(request.POST, request.FILES)
    back = local_url(request, request.POST.get("next"), getattr(obj, "get_absolute_url", lambda: "/")())
    if not form.is_valid():
        # Say what was wrong (an over-long note, a bad attachment) and keep what was typed.
        problems = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, " ".join([_("提交的数据有误。"), *problems]))
        _keep_unsaved(request, request.POST.get("note", ""), target=f"{label}:{obj.pk}")
        return redirect(back)
    data = {k[5:]: v for k, v in request.POST.items() if k.startswith("data_")}
    uploads = [form.cleaned_data["attachment"]] if form.cleaned_data.get("attachment") else []
    try:
        perform(
            obj,
            form.cleaned_data["action"],
            actor=request.user,
            note=form.cleaned_data["note"],
            data=data,
            attachments=uploads,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        _keep_unsaved(request, form.cleaned_data["note"], target=f"{label}:{obj.pk}")
        return redirect(back)
    messages.success(request, done_message(obj, form.cleaned_data["action"]))
    return redirect(back)


def _keep_unsaved(request, note: str, *, target: str) -> None:
    """What was typed into a refused action's form, for the page to show again (`core.unsaved`): the
    note, the action's own fields (`data_<name>`, read back as `unsaved_data.<name>`), and which
    action of which record ("label:pk") it was typed for."""
    request.session["unsaved_note"] = note
    # The panel shows the note again only in the refused action's box, not in every action's.
    request.session["unsaved_action"] = request.POST.get("action", "")[:50]
    request.session["unsaved_target"] = target
    request.session["unsaved_data"] = {k[5:]: v[:5000] for k, v in request.POST.items() if k.startswith("data_")}


def readable_attachment(user, token: str) -> Attachment | None:
    """The attachment with this token if the user may see its record (the pages' and the API's one rule)."""
    att = Attachment.objects.select_related("content_type").filter(token=token).first()
    if att is None:
        return None
    visible = visible_queryset(user, att.content_type.model_class())
    if visible is None or not visible.filter(pk=att.object_id).exists():
        return None
    return att


@login_required
def attachment_download(request, token: str):
    """Serve an attachment as a download after checking the viewer may see its record."""
    att = readable_attachment(request.user, token)
    if att is None:
        raise Http404
    return attachment_response(att)


def attachment_response(att: Attachment) -> FileResponse:
    """The file as a download (never shown inline, never sniffed, sandboxed if opened anyway). A file
    missing from storage (a restore without the uploads, say) is a 404 and an error in the log, not a 500."""
    try:
        handle = att.file.open("rb")
    except FileNotFoundError:
        logger.error("attachment %s: its stored file %s is missing", att.pk, att.file.name)
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(att.original_name, att.content_type_detected),
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def ratelimited(request, exception=None):
    message = _("操作过于频繁，请稍后再试。您填写的内容没有丢失，请稍候重新提交。")
    if request.path.startswith(("/api/", "/open311/")) or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"error": {"code": "rate_limited", "message": message, "fields": {}}}, status=429)
    return render(request, "429.html", {"message": message}, status=429)


def favicon(request):
    """Clients that ask for /favicon.ico without reading the page's <link rel="icon"> get the icon too."""
    return redirect(static("img/favicon.svg"), permanent=True)


def healthz(request):
    """/healthz (answered by core.middleware.HealthCheckMiddleware before it gets here; kept for reverse())."""
    from core.middleware import health_response

    return health_response()


def bare(request):
    """A bare view for the load benchmark's baseline (no template, no query); only with BENCHMARK_VIEWS on
    (benchmarks/intake_load.sh), never in production."""
    if not settings.BENCHMARK_VIEWS:
        raise Http404
    return HttpResponse("ok", content_type="text/plain")


def error_400(request, exception=None):
    """A request Django refused itself (too large, too many fields, ...): the API's structured error on
    /api/ and /open311/ (Open311's own endpoints answer in the spec's format first), a page elsewhere."""
    if request.path.startswith(("/api/", "/open311/")):
        status, code, message = refused_request(exception)
        return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)
    return defaults.bad_request(request, exception)


def error_404(request, exception=None):
    if request.path.startswith(("/api/", "/open311/")):
        return JsonResponse({"error": {"code": "not_found", "message": _("未找到该记录。"), "fields": {}}}, status=404)
    return render(request, "404.html", status=404)


def error_500(request):
    if request.path.startswith(("/api/", "/open311/")):
        return JsonResponse(
            {"error": {"code": "server_error", "message": _("服务器内部错误，已记录。"), "fields": {}}}, status=500
        )
    return render(request, "500.html", status=500)


def error_403(request, exception=None):
    if request.path.startswith(("/api/", "/open311/")):
        return JsonResponse(
            {"error": {"code": "forbidden", "message": _("您没有权限访问。"), "fields": {}}}, status=403
        )
    return render(request, "403.html", status=403)
