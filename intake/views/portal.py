"""Public pages: submit an appeal without an account, follow it with the tracking code, WeChat."""

from constance import config
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from core.exceptions import DomainError
from core.forms import refuse_into
from core.views import attachment_response
from intake import selectors, services, wechat
from intake.forms import AppealForm, CitizenMessageForm, LookupForm, RatingForm, WithdrawAppealForm
from intake.models import AppealStatus, Channel
from intake.predicates import TrackingCodeHolder, acts_for_the_public


def appeal_rate(group, request) -> str:
    """The per-client submission limit, from the district configuration."""
    return config.APPEAL_RATE_LIMIT


def _limited_message() -> str:
    return _("您提交得太频繁了，请稍后再试。您填写的内容仍保留在下方，稍候可直接重新提交。")


@ratelimit(key="ip", rate=appeal_rate, method="POST", block=False, group="intake.submit")
def submit(request, workstation: int | None = None):
    """The public appeal form; with a workstation, a letter to it (给工作室写信, its mailbox 委员信箱):
    the same form, limit and checks, the appeal routed to that workstation as it arrives."""
    ws = selectors.workstation_to_write_to(workstation) if workstation is not None else None
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return render(request, "intake/submit.html", {"form": form, "workstation": ws})
    if getattr(request, "limited", False):
        # A repeated submission of an appeal already stored is not a new one: show it, limit or not.
        # (Without the limit, submit_appeal itself returns the stored appeal for a repeated key.)
        key = services.retry_key_for(request.POST.get("idempotency_key"), caller=request.user)
        done = selectors.appeal_with_retry_key(key)
        if done is not None:
            return redirect("intake:track-detail", code=done.tracking_code)
        form.is_valid()
        return _submit_page(request, form, error=_limited_message(), status=429, workstation=ws)
    if form.is_valid():
        data = form.cleaned_data
        try:
            appeal, _created = services.submit_appeal(
                title=data["title"],
                body=data["body"],
                channel=Channel.MAILBOX if ws is not None else Channel.WEB,
                workstation=ws,
                category=data["category"],
                town=data["town"],
                community=data["community"],
                address=data["address"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                citizen=request.user,
                attachments=data["attachments"],
                idempotency_key=services.retry_key_for(data["idempotency_key"], caller=request.user),
                actor=request.user,
            )
        except DomainError as exc:
            return _submit_page(request, form, error=exc.message, status=400, workstation=ws)
        if ws is not None:
            sent = _("您的来信已送达%(workstation)s。请记下查询码，凭查询码可随时查看办理进度。")
            messages.success(request, sent % {"workstation": ws.name})
        else:
            messages.success(request, _("您的诉求已受理。请记下查询码，凭查询码可随时查看办理进度。"))
        return redirect("intake:track-detail", code=appeal.tracking_code)
    return _submit_page(request, form, status=400, workstation=ws)


def _submit_page(request, form, *, error: str = "", status: int, workstation=None):
    """The form sent back: the text is kept, but a browser cannot refill a file input, so the page
    says so next to it whenever files had been chosen."""
    context = {"form": form, "error": error, "files_dropped": bool(request.FILES), "workstation": workstation}
    return render(request, "intake/submit.html", context, status=status)


@ratelimit(key="ip", rate="30/m", block=False, group="intake.track")
def track(request):
    form = LookupForm(request.GET or None)
    if not form.is_bound:
        mine = list(selectors.appeals_of_citizen(request.user)[:50])
        return render(request, "intake/track.html", {"form": form, "mine": mine})
    if getattr(request, "limited", False):
        return render(request, "intake/track.html", {"form": form, "error": _limited_message()}, status=429)
    if form.is_valid():
        appeal = selectors.find_by_tracking_code(form.cleaned_data["code"])
        if appeal is not None:
            return redirect("intake:track-detail", code=appeal.tracking_code)
        form.add_error(
            "code", _("未找到查询码为“%(code)s”的诉求，请核对后重试。") % {"code": form.cleaned_data["code"]}
        )
    return render(request, "intake/track.html", {"form": form}, status=404)


@ratelimit(key="ip", rate="30/m", block=False, group="intake.track")
def track_detail(request, code: str):
    appeal = selectors.find_by_tracking_code(code)
    op = request.POST.get("op") if request.method == "POST" else None
    limited = getattr(request, "limited", False)
    # A rating over the limit comes back on its page with what was typed (see _rate).
    if appeal is None or (limited and op != "rate"):
        form = LookupForm(initial={"code": code})
        error = (
            _limited_message() if limited else _("未找到查询码为“%(code)s”的诉求，请核对后重试。") % {"code": code[:20]}
        )
        return render(request, "intake/track.html", {"form": form, "error": error}, status=404)
    message_form = CitizenMessageForm(request.POST if op == "reply" else None)
    withdraw_form = WithdrawAppealForm(request.POST if op == "withdraw_appeal" else None)
    rating_form = RatingForm(request.POST if op == "rate" else None)
    actor = _citizen_actor(request, appeal)
    if op == "rate" and _rate(request, appeal, actor, rating_form, limited=limited):
        return redirect("intake:track-detail", code=appeal.tracking_code)
    if op == "withdraw_appeal" and withdraw_form.is_valid():
        try:
            services.withdraw_appeal(appeal=appeal, actor=actor, reason=withdraw_form.cleaned_data["reason"])
        except DomainError as exc:
            withdraw_form.add_error(None, exc.message)
        else:
            messages.success(request, _("您的诉求已撤回，办理人员已收到通知。"))
            return redirect("intake:track-detail", code=appeal.tracking_code)
    if request.method == "POST":
        if op == "withdraw":
            try:
                services.withdraw_personal_data(appeal=appeal, actor=actor)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                if appeal.status == AppealStatus.WITHDRAWN:
                    messages.success(request, _("您的个人信息已删除。"))
                elif selectors.case_of(appeal).status == AppealStatus.CLOSED:
                    # Closed (or merged into a case that is): nothing left to handle.
                    messages.success(request, _("您的个人信息已删除。这件诉求已办结，办理结果仍可在本页查看。"))
                else:
                    messages.success(request, _("您的个人信息已删除，诉求将继续办理。"))
            return redirect("intake:track-detail", code=appeal.tracking_code)
        if op == "reply" and message_form.is_valid():
            try:
                services.add_citizen_message(appeal=appeal, body=message_form.cleaned_data["body"], actor=actor)
            except DomainError as exc:
                message_form.add_error("body", exc.message)
            else:
                messages.success(request, _("您的留言已送达办理人员。"))
                return redirect("intake:track-detail", code=appeal.tracking_code)
    case = selectors.case_of(appeal)
    refused = any(f.is_bound and f.errors for f in (message_form, withdraw_form, rating_form))
    return render(
        request,
        "intake/track_detail.html",
        {
            "appeal": appeal,
            "case": case,
            "timeline": selectors.public_timeline(appeal, case),
            "messages_list": list(selectors.public_messages(appeal)),
            "attachments": list(selectors.citizen_attachments(appeal)),
            "message_form": message_form,
            "withdraw_form": withdraw_form,
            "withdrawal": selectors.citizen_withdrawal(appeal, actor, case),
            "rating_form": rating_form,
            "rating": selectors.citizen_rating(appeal, actor, case),
            "erase_blocker": selectors.erase_blocker(appeal, actor) if appeal.has_contact else "",
            "message_blocker": selectors.message_blocker(appeal, actor),
        },
        status=429 if op == "rate" and limited else 400 if refused else 200,
    )


def _rate(request, appeal, actor, form, *, limited: bool) -> bool:
    """The citizen's rating from the tracking page; True once recorded. Over the rate limit, or
    refused, the form comes back with what was typed and the reason."""
    if limited:
        form.is_valid()
        form.add_error(None, _limited_message())
        return False
    if not form.is_valid():
        return False
    try:
        services.rate_appeal(appeal=appeal, actor=actor, **form.cleaned_data)
    except DomainError as exc:
        refuse_into(form, exc)
        return False
    messages.success(request, _("感谢您的评价，我们会据此改进工作。"))
    return True


def _citizen_actor(request, appeal):
    """Who acts on the tracking page: a signed-in sender or staff as themselves; anyone else as the
    holder of the code (which lets them act only on an appeal sent without an account)."""
    user = request.user
    if user.is_authenticated and (appeal.citizen_id == user.pk or not acts_for_the_public(user)):
        return user
    return TrackingCodeHolder(appeal.pk)


@ratelimit(key="ip", rate="30/m", block=False, group="intake.track")
def track_attachment(request, code: str, token: str):
    """A file the citizen sent with the appeal, for whoever holds its tracking code."""
    appeal = selectors.find_by_tracking_code(code)
    if appeal is None or getattr(request, "limited", False):
        raise Http404
    att = selectors.citizen_attachments(appeal).filter(token=token).first()
    if att is None:
        raise Http404
    return attachment_response(att)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def wechat_callback(request):
    params = request.GET
    if not wechat.check_signature(
        signature=params.get("signature", ""), timestamp=params.get("timestamp", ""), nonce=params.get("nonce", "")
    ):
        return HttpResponseForbidden("invalid signature", content_type="text/plain")
    if request.method == "GET":
        return HttpResponse(params.get("echostr", ""), content_type="text/plain")
    try:
        message = wechat.parse_message(request.body)
    except DomainError:
        return HttpResponseBadRequest("invalid message", content_type="text/plain")
    content = wechat.answer(message)
    if not content:
        return HttpResponse("success", content_type="text/plain")
    return HttpResponse(wechat.text_reply(message, content), content_type="application/xml; charset=utf-8")
