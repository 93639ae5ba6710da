"""Writes on accounts: role groups, user creation, personal API tokens."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, User
from accounts.roles import Role
from core.exceptions import Refused

MAX_ACTIVE_TOKENS = 20


def ensure_role_groups() -> None:
    """Create one auth group per Role (idempotent)."""
    existing = set(Group.objects.values_list("name", flat=True))
    Group.objects.bulk_create([Group(name=r.value) for r in Role if r.value not in existing])


@transaction.atomic
def create_user(*, username: str, password: str | None, roles: list[str], full_name: str = "", **extra) -> User:
    """Create (or update) a user holding exactly the given roles."""
    ensure_role_groups()
    user, _created = User.objects.get_or_create(username=username, defaults={"full_name": full_name, **extra})
    if not _created:
        for key, value in {"full_name": full_name, **extra}.items():
            setattr(user, key, value)
    if password:
        user.set_password(password)
    elif _created:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    user.__dict__.pop("roles", None)
    return user


@transaction.atomic
def issue_api_token(*, user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new personal token for the user; returns it with its key, which is shown only once."""
    name = (name or "").strip()
    if not name:
        raise Refused(_("请为令牌起一个名称，便于日后识别和撤销。"), fields={"name": _("必填")})
    if scope not in ApiToken.Scope.values:
        raise Refused(_("权限范围只能是只读或读写。"), fields={"scope": _("无效")})
    # Lock the user's row so two concurrent requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user, revoked=False).count() >= MAX_ACTIVE_TOKENS:
        raise Refused(_("有效令牌最多%(n)s个，请先撤销不再使用的令牌。") % {"n": MAX_ACTIVE_TOKENS})
    return ApiToken.issue(user=user, scope=scope, name=name[:100])


@transaction.atomic
def revoke_api_token(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke one of the actor's own tokens; it stops working at once."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk:
        raise Refused(_("只能撤销自己的令牌。"))
    if token.revoked:
        raise Refused(_("该令牌已撤销。"))
    token.revoked = True
    token.revoked_at = timezone.now()
    token._history_user = actor
    token.save(update_fields=["revoked", "revoked_at"])
    return token
