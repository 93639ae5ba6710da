from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


def health_response() -> HttpResponse:
    """200 "ok" when the database answers, else 503: what a load balancer's or systemd's probe reads."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
    except DatabaseError:
        response = HttpResponse("database unavailable", content_type="text/plain", status=503)
    else:
        response = HttpResponse("ok", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answer GET/HEAD /healthz before anything else (first in MIDDLEWARE): a probe on the machine
    (`curl http://127.0.0.1:8000/healthz`) gets its answer without the public host name (ALLOWED_HOSTS) and
    without HTTPS (USE_TLS's redirect). Safe to leave out of those checks: the answer is the same fixed
    text whatever the request says, no cookie, no session, no redirect built from the Host header."""

    PATH = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == self.PATH and request.method in ("GET", "HEAD"):
            return health_response()
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and a few headers Django does not set itself."""

    CSP = (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/docs"):
            response.headers.setdefault("Content-Security-Policy", self.CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class StaffTwoFactorMiddleware:
    """A signed-in session that still owes its second factor uses no page but the two-factor pages
    (and signing out) until it passes TOTP: every user who enrolled an authenticator (the login marks
    the session, `accounts.signals`), and, when ENFORCE_STAFF_2FA is on, all staff, who must enrol."""

    # Reachable before the second factor; under /accounts/ only these (not the settings or tokens pages).
    OPEN_NAMES = ("accounts:login", "accounts:logout", "accounts:otp_verify", "accounts:otp_setup", "set_language")
    OPEN_PREFIXES = ("/static/", "/api/v1/auth/token/", "/accounts/password/reset/", "/accounts/activate/")

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def __call__(self, request):
        if self._needs_second_factor(request):
            if request.path.startswith("/api/"):
                # The signed-in browser session of staff who have not passed TOTP reads no API either.
                message = _("请先完成两步验证。")
                return JsonResponse({"error": {"code": "otp_required", "message": message, "fields": {}}}, status=403)
            return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
        return self.get_response(request)

    def _needs_second_factor(self, request) -> bool:
        from accounts.predicates import owes_second_factor
        from accounts.signals import OTP_REQUIRED

        user = request.user
        if not user.is_authenticated or user.is_verified():
            return False
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in self.OPEN_NAMES)
        if request.path in self._open_paths or request.path.startswith(self.OPEN_PREFIXES):
            return False
        if request.session.get(OTP_REQUIRED):
            return True
        return owes_second_factor(user)
