import base64
import io
import math

import qrcode
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import LANGUAGE_QUERY_PARAMETER
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.decorators import ratelimit

from accounts import login_limits, selectors, services
from accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    LoginForm,
    NewPasswordForm,
    OTPVerifyForm,
    PasswordResetRequestForm,
    PreferencesForm,
)
from accounts.middleware import set_language_cookie
from accounts.predicates import owes_second_factor
from accounts.signals import LANGUAGE_CHOSEN
from accounts.tokens import activation_token
from core.exceptions import DomainError
from core.http import local_url
from core.views import ratelimited


class LoginView(auth_views.LoginView):
    """Sign in. Besides the lock-out of one account after repeated failures (axes), one address may fail
    only LOGIN_FAILURES_PER_ADDRESS times, here and at the other password checks (accounts.login_limits)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if login_limits.address_exhausted(request):
            form = self.get_form()
            form.add_error(None, login_limits.MESSAGE)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if self.request.method == "POST":
            login_limits.count_failure(self.request)
        return super().form_invalid(form)

    def get_initial(self):
        # The activation page sends the person here with their new login name filled in.
        return {**super().get_initial(), "username": self.request.GET.get("username", "")[:150]}


def set_language(request):
    """The footer's language switcher (Django's view); a signed-in user's choice is also stored, and a
    choice made while signed out is remembered by the session so that signing in keeps it (accounts.signals)."""
    response = i18n.set_language(request)
    language = request.POST.get(LANGUAGE_QUERY_PARAMETER, "") if request.method == "POST" else ""
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            services.set_language_preference(user=request.user, language=language)
        else:
            request.session[LANGUAGE_CHOSEN] = language
    return response


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        settings_typed = {k: v for k, v in form.cleaned_data.items() if k != "current_password"}
        services.update_preferences(user=request.user, **settings_typed)
        translation.activate(request.user.preferred_language)
        messages.success(request, _("设置已保存。"))
        response = redirect("accounts:preferences")
        # The pages follow the choice after signing out too (the switcher's cookie).
        set_language_cookie(response, request.user.preferred_language)
        return response
    has_otp = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    return render(request, "accounts/preferences.html", {"form": form, "has_otp": has_otp})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (the current one first); the other sessions of the account end."""

    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:preferences")

    def form_valid(self, form):
        services.change_password(user=self.request.user, password=form.cleaned_data["new_password1"])
        # Django's view keeps this session signed in (the others end with the old password's hash).
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("密码已修改。"))
        return redirect(self.get_success_url())


@never_cache  # the page carries the authenticator's secret key
@login_required
def otp_setup(request):
    """Enrol a TOTP authenticator: show the QR code, confirm with a first code. A session that has
    not passed its existing authenticator enrols nothing (a password alone must not add a device that
    would then pass for the second factor): it is sent to enter a code first."""
    if not request.user.is_verified() and TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"{reverse('accounts:otp_verify')}?next={reverse('accounts:otp_setup')}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    form = OTPVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = _throttled_seconds([device])
        if wait is None and device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("两步验证已启用。"))
            return redirect("accounts:preferences")
        form.add_error("token", _code_refusal(wait, [device]))
    image = qrcode.make(device.config_url)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    qr = base64.b64encode(buf.getvalue()).decode("ascii")
    # The key as text, for an authenticator on the phone that shows this page (it cannot scan its own
    # screen): typed in by hand, or opened by the otpauth:// link.
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    context = {
        "form": form,
        "qr": qr,
        "device": device,
        "key_groups": [key[i : i + 4] for i in range(0, len(key), 4)],
        "config_url": device.config_url,
    }
    return render(request, "accounts/otp_setup.html", context)


def _throttled_seconds(devices) -> int | None:
    """How many seconds until a code may be tried again after recent wrong ones (django-otp doubles the
    wait after each failure: 1, 2, 4 … seconds), or None when a code may be tried now on some device."""
    waits = []
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if allowed:
            return None
        until = (info or {}).get("locked_until")
        waits.append(math.ceil((until - timezone.now()).total_seconds()) if until else 1)
    return max(1, min(waits)) if waits else None


def _code_refusal(wait: int | None, devices) -> str:
    """Why a code was refused: too soon after a wrong one (the code itself was not even checked), or wrong;
    after a wrong code, how long to wait before the next."""
    if wait is not None:
        return _("尝试过于频繁，请%(n)s秒后再输入验证码（此次输入的验证码未校验）。") % {"n": wait}
    again = _throttled_seconds(devices)
    if again is not None:
        return _("验证码不正确。请%(n)s秒后再输入新的验证码。") % {"n": again}
    return _("验证码不正确，请重试。")


@login_required
def otp_verify(request):
    """Second step of login for users with a confirmed TOTP device."""
    nxt = local_url(request, request.GET.get("next") or request.POST.get("next"), "/")
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    if not devices.exists():
        from accounts.signals import OTP_REQUIRED

        if owes_second_factor(request.user):
            # Sent back to `next`, the session's gate would send them here again: they enrol first.
            return redirect("accounts:otp_setup")
        # The authenticator was removed since the login (by an administrator): nothing left to ask.
        request.session.pop(OTP_REQUIRED, None)
        return redirect(nxt)
    form = OTPVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        devices = list(devices)
        wait = _throttled_seconds(devices)
        if wait is None:
            for device in devices:
                if device.verify_token(form.cleaned_data["token"]):
                    otp_login(request, device)
                    return redirect(nxt)
        form.add_error("token", _code_refusal(wait, devices))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": nxt})


def _second_factor_missing(request) -> bool:
    """Staff must have passed two-factor (when enforced) before minting a token that bypasses it."""
    return owes_second_factor(request.user) and not request.user.is_verified()


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
                verified = request.user.is_verified()  # django-otp: this session passed two-factor
                token, key = services.issue_api_token(user=request.user, second_factor=verified, **form.cleaned_data)
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


def _reset_address(group, request) -> str:
    """The address asked for, as the account lookup compares it (case aside): one limit per address."""
    return request.POST.get("email", "").strip().lower()


@method_decorator(ratelimit(key="ip", rate="10/h", method="POST", block=False, group="accounts.reset"), name="dispatch")
@method_decorator(
    ratelimit(key=_reset_address, rate="3/h", method="POST", block=False, group="accounts.reset-email"), name="dispatch"
)
class PasswordResetView(auth_views.PasswordResetView):
    """忘记密码: the same answer whether or not the address belongs to an account."""

    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetRequestForm
    subject_template_name = "accounts/password_reset_subject.txt"
    email_template_name = "accounts/password_reset_email.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            form = self.get_form()
            form.add_error(None, _("找回密码的请求过于频繁，请稍后再试。"))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # Links are built on the configured address, never on the Host header of the request.
        self.extra_email_context = {"site": settings.SITE_URL.rstrip("/"), "reset_hours": _reset_hours()}
        return super().form_valid(form)


def _reset_hours() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 3600


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    extra_context = {"reset_hours": _reset_hours}


@method_decorator(ratelimit(key="ip", rate="30/m", block=False, group="accounts.link"), name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mailed reset link: set a new password, then sign in as usual (lock-out and second factor apply)."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def dispatch(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            return ratelimited(request)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        services.reset_password(user=self.user, password=form.cleaned_data["new_password1"])
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        return redirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@method_decorator(ratelimit(key="ip", rate="30/m", block=False, group="accounts.link"), name="dispatch")
class ActivateView(auth_views.PasswordResetConfirmView):
    """The one-time activation link the office passed on: the person sets their first password, then signs in."""

    template_name = "accounts/activate.html"
    form_class = NewPasswordForm
    token_generator = activation_token
    post_reset_login = False

    def dispatch(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            return ratelimited(request)
        return super().dispatch(request, *args, **kwargs)

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active and selectors.never_activated(user) else None

    def form_valid(self, form):
        try:
            user = services.activate_account(user=self.user, password=form.cleaned_data["new_password1"])
        except DomainError as exc:
            messages.error(self.request, exc.message)
            return redirect("accounts:login")
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(
            self.request, _("账号已激活。请用登录名 %(username)s 和刚设置的密码登录。") % {"username": user.username}
        )
        return redirect(f"{reverse('accounts:login')}?{urlencode({'username': user.username})}")
