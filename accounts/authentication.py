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
        if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token
