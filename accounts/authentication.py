from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.models import ApiToken


class ScopedTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`; request.auth is the ApiToken (with its scope)."""

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(key), revoked=False).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效或已撤销。"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("用户已停用。"))
        if token.expired:
            raise exceptions.AuthenticationFailed(
                _("令牌已过期（有效期%(days)s天），请在“接口令牌”页面创建新令牌。") % {"days": settings.API_TOKEN_DAYS},
                code="token_expired",
            )
        if token.lacks_second_factor:
            # Made with a password alone (before two-factor was enforced for staff): it would bypass it.
            raise exceptions.AuthenticationFailed(
                _(
                    "该令牌创建时未经两步验证，工作人员现须两步验证：请登录网页、完成两步验证后在“接口令牌”页面创建新令牌。"
                ),
                code="otp_required",
            )
        if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token
