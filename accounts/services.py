"""Writes on accounts: role groups, user creation, accounts opened for experts and members, API tokens."""

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import ApiToken, User
from accounts.predicates import is_admin, is_clerk
from accounts.roles import Role
from accounts.selectors import AccountState, never_activated, person_of
from accounts.tokens import activation_token
from core.exceptions import ActionForbidden, Refused
from core.models import StatusChange

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


def set_language_preference(*, user: User, language: str) -> bool:
    """Store the language the user chose (one of settings.LANGUAGES, or "" for the site's); True if it changed."""
    if language not in ("", *dict(settings.LANGUAGES)):
        raise Refused(_("不支持该语言。"), fields={"language": _("无效")})
    if user.language == language:
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True


@dataclass(frozen=True)
class ActivationLink:
    """A one-time link with which a person sets their first password; shown once to the clerk."""

    user: User
    url: str
    expires_at: datetime
    emailed_to: str = ""


def roles_for_person(person) -> list[str]:
    """The roles an expert's or a member's account holds, read from their record."""
    from district.models import Expert

    if isinstance(person, Expert):
        return [Role.EXPERT]
    roles = [Role.MEMBER]
    if person.is_standing:
        roles.append(Role.STANDING_MEMBER)
    if person.position:
        roles.append(person.position)  # chair, vice_chair, secretary_general are also role names
    return roles


def free_username(base: str) -> str:
    """base, else base2, base3, ...: the first login name nobody holds (compared case-insensitively)."""
    taken = {
        name.lower() for name in User.objects.filter(username__istartswith=base).values_list("username", flat=True)
    }
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _check_opener(actor, person) -> None:
    if not is_clerk(actor):
        raise ActionForbidden(_("只有政协办公室工作人员可以为他人开通账号。"))
    if getattr(person, "position", "") and not is_admin(actor):
        raise ActionForbidden(_("主席、副主席、秘书长的账号须由系统管理员开通。"))
    if not getattr(person, "is_active", True):
        raise Refused(_("%(name)s已不在任，不能开通账号。") % {"name": person.name})


def _record(target, action: str, from_state: str, to_state: str, *, actor, user: User) -> None:
    StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        data={"user": user.pk, "username": user.username},
        created_at=timezone.now(),
    )


def _refuse_field(field: str, message: str) -> None:
    raise Refused(message, fields={field: [message]})


@transaction.atomic
def open_account(*, person, actor, username: str, email: str = "") -> ActivationLink:
    """Open a platform account for an expert or a member who has none; returns its one-time activation link."""
    person = type(person).objects.select_for_update().get(pk=person.pk)
    _check_opener(actor, person)
    if person.user_id is not None:
        raise Refused(_already_open_message(person))
    username, email = (username or "").strip(), (email or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        _refuse_field("username", _("登录名“%(username)s”已被使用，请换一个。") % {"username": username})
    if email and User.objects.filter(email__iexact=email).exists():
        _refuse_field("email", _("该电子邮箱已登记在其他账号上，请换一个或留空。"))
    try:
        user = create_user(
            username=username,
            password=None,
            roles=roles_for_person(person),
            full_name=person.name,
            email=email,
            phone=person.phone,
        )
    except ValidationError as exc:
        fields = {k: v for k, v in exc.message_dict.items() if k in ("username", "email")}
        raise Refused(_("请检查登录名和电子邮箱。"), fields=fields) from exc
    person.user = user
    person._history_user = actor
    person.save(update_fields=["user"])
    _record(person, "open_account", AccountState.NONE, AccountState.PENDING, actor=actor, user=user)
    return _activation_link(user)


def note_account_opened(*, person, actor, user: User) -> None:
    """Audit an account opened for a person by another service (an expert's, on their first invitation)."""
    _record(person, "open_account", AccountState.NONE, AccountState.PENDING, actor=actor, user=user)


def _already_open_message(person) -> str:
    names = {"name": person.name, "username": person.user.username}
    if never_activated(person.user):
        return _("%(name)s已有平台账号（登录名 %(username)s），尚未激活：请改用“重新生成激活链接”。") % names
    return _("%(name)s已开通平台账号（登录名 %(username)s），无需重复开通；忘记密码可在登录页找回。") % names


@transaction.atomic
def reissue_activation(*, person, actor) -> ActivationLink:
    """A new activation link for a person whose account was never activated; links issued before stop working."""
    person = type(person).objects.select_for_update().get(pk=person.pk)
    _check_opener(actor, person)
    if person.user_id is None:
        raise Refused(_("%(name)s尚未开通平台账号，请先开通。") % {"name": person.name})
    user = User.objects.select_for_update().get(pk=person.user_id)
    if not user.is_active:
        raise Refused(_("该账号已停用，请联系系统管理员。"))
    if not never_activated(user):
        raise Refused(_already_open_message(person))
    if user.roles - set(roles_for_person(person)):
        # Never a way into an account that holds more than the person's own roles.
        raise ActionForbidden(_("该账号还有其他角色，须由系统管理员处理。"))
    user.set_unusable_password()  # a fresh unusable password: no earlier link matches any more
    user.save(update_fields=["password"])
    _record(person, "reissue_activation", AccountState.PENDING, AccountState.PENDING, actor=actor, user=user)
    return _activation_link(user)


def _activation_link(user: User) -> ActivationLink:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:activate", kwargs={"uidb64": uidb64, "token": activation_token.make_token(user)})
    link = ActivationLink(
        user=user,
        url=settings.SITE_URL.rstrip("/") + path,
        expires_at=timezone.now() + activation_token.validity(),
        emailed_to=user.email,
    )
    if user.email:
        # Sent here rather than by a task: a queued task would keep the link in the database.
        transaction.on_commit(partial(_email_activation, link), robust=True)
    return link


def _email_activation(link: ActivationLink) -> None:
    with translation.override(link.user.preferred_language):
        send_mail(
            subject=_("[协商平台] 请激活您的账号"),
            message=render_to_string("accounts/activation_email.txt", {"link": link, "user": link.user}),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[link.user.email],
        )


@transaction.atomic
def activate_account(*, user: User, password: str) -> User:
    """The person sets their first password from the activation link: the account becomes usable."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not never_activated(user):
        raise Refused(_("该账号已激活，请直接登录。"))
    user.set_password(password)
    user.save(update_fields=["password"])
    person = person_of(user)
    _record(person or user, "activate_account", AccountState.PENDING, AccountState.ACTIVE, actor=user, user=user)
    return user


@transaction.atomic
def reset_password(*, user: User, password: str) -> User:
    """Set a new password from an e-mailed reset link (signing in afterwards still asks for the second factor)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    _record(user, "reset_password", AccountState.ACTIVE, AccountState.ACTIVE, actor=user, user=user)
    return user
