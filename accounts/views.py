import base64
import io

import qrcode
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import LoginForm, OTPVerifyForm, PreferencesForm


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
    nxt = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
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
