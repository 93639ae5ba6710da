from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


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
    """When ENFORCE_STAFF_2FA is on, staff must pass TOTP before using any page but the 2FA pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.ENFORCE_STAFF_2FA and self._needs_second_factor(request):
            if request.path.startswith("/api/"):
                # The signed-in browser session of staff who have not passed TOTP reads no API either.
                message = _("请先完成两步验证。")
                return JsonResponse({"error": {"code": "otp_required", "message": message, "fields": {}}}, status=403)
            return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request) -> bool:
        from accounts.roles import STAFF_ROLES

        user = request.user
        if not user.is_authenticated or user.is_verified():
            return False
        if request.path.startswith(("/accounts/", "/static/", "/api/v1/auth/token/")):
            return False
        return bool(user.roles & STAFF_ROLES) or user.is_superuser
