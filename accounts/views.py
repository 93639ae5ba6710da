import base64
import io

import qrcode
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors, services
from accounts.forms import ApiTokenForm, LoginForm, OTPVerifyForm, PreferencesForm
from core.exceptions import DomainError
from core.http import local_url


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("设置已保存。"))
        return redirect("accounts:preferences")
    has_otp = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    return render(request, "accounts/preferences.html", {"form": form, "has_otp": has_otp})


@login_required
def otp_setup(request):
    """Enrol a TOTP authenticator: show the QR code, confirm with a first code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = OTPVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("两步验证已启用。"))
            return redirect("accounts:preferences")
        form.add_error("token", _("验证码不正确，请重试。"))
    image = qrcode.make(device.config_url)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    qr = base64.b64encode(buf.getvalue()).decode("ascii")
    return render(request, "accounts/otp_setup.html", {"form": form, "qr": qr, "device": device})


@login_required
def otp_verify(request):
    """Second step of login for users with a confirmed TOTP device."""
    nxt = local_url(request, request.GET.get("next") or request.POST.get("next"), "/")
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    if not devices.exists():
        return redirect("accounts:otp_setup")
    form = OTPVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(nxt)
        form.add_error("token", _("验证码不正确，请重试。"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": nxt})


def _second_factor_missing(request) -> bool:
    """Staff must have passed two-factor (when enforced) before minting a token that bypasses it."""
    from accounts.roles import STAFF_ROLES

    user = request.user
    return settings.ENFORCE_STAFF_2FA and bool(user.roles & STAFF_ROLES) and not user.is_verified()


@never_cache
@login_required
def api_tokens(request):
    """My API tokens; a POST creates one and shows its key on this response only."""
    if _second_factor_missing(request):
        return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
    form = ApiTokenForm(request.POST or None)
    issued, error, status = None, None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, key = services.issue_api_token(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                error, status = exc.message, 400
            else:
                issued = {"token": token, "key": key}
                form = ApiTokenForm()
        else:
            status = 400
    context = {"form": form, "issued": issued, "error": error, "tokens": list(selectors.tokens_of(request.user))}
    return render(request, "accounts/api_tokens.html", context, status=status)


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(selectors.tokens_of(request.user), pk=pk)
    try:
        services.revoke_api_token(token=token, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("令牌“%(name)s”已撤销，立即失效。") % {"name": token.name})
    return redirect("accounts:api-tokens")
