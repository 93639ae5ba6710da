from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from accounts.models import ApiToken


class IsAuthenticatedWithScope(permissions.IsAuthenticated):
    """Authenticated; a read-scoped API token may only use safe methods."""

    message = _("该令牌只有只读权限。")

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            self.message = _("请先登录或提供有效的接口令牌。")
            return False
        token = request.auth
        if isinstance(token, ApiToken) and token.scope != ApiToken.Scope.WRITE:
            return request.method in permissions.SAFE_METHODS
        return True
