"""Writes on accounts: role groups, user creation, accounts opened for experts and members, API tokens."""

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import ApiToken, User
from accounts.predicates import is_admin, is_clerk
from accounts.roles import Role
from accounts.selectors import (
    AccountState,
    LeaveReason,
    LiaisonState,
    active_liaisons_of,
    liaison_accounts,
    liaison_state,
    never_activated,
    open_items_waiting_on,
    person_of,
)
from accounts.tokens import activation_token
from core.exceptions import ActionForbidden, Refused
from core.i18n import recorded
from core.services import record_status_change
from core.validators import validate_phone

MAX_ACTIVE_TOKENS = 20


def ensure_role_groups() -> None:
    """Create one auth group per Role (idempotent)."""
    existing = set(Group.objects.values_list("name", flat=True))
    Group.objects.bulk_create([Group(name=r.value) for r in Role if r.value not in existing])


@transaction.atomic
def create_user(*, username: str, password: str | None, roles: list[str], full_name: str = "", **extra) -> User:
    """Create (or update) a user holding exactly the given roles. A new user's edit history starts with
    one row: the account with its roles."""
    from accounts.history import record_creation

    ensure_role_groups()
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username)
        user.skip_history_when_saving = True
    for key, value in {"full_name": full_name, **extra}.items():
        setattr(user, key, value)
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    if created:
        record_creation(user)
    user.__dict__.pop("roles", None)
    return user


class TokenLimitReached(Refused):
    """The user already holds MAX_ACTIVE_TOKENS tokens that are not revoked."""

    code = "token_limit"


@transaction.atomic
def issue_api_token(*, user: User, name: str, scope: str, second_factor: bool = False) -> tuple[ApiToken, str]:
    """A new personal token for the user; returns it with its key, which is shown only once. `second_factor`:
    minted by a session that passed two-factor (ApiToken.second_factor)."""
    name = (name or "").strip()
    if not name:
        raise Refused(_("请为令牌起一个名称，便于日后识别和撤销。"), fields={"name": _("必填")})
    if scope not in ApiToken.Scope.values:
        raise Refused(_("权限范围只能是只读或读写。"), fields={"scope": _("无效")})
    # Lock the user's row so two concurrent requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    active = ApiToken.objects.filter(user=user, revoked=False)
    if lifetime := ApiToken.lifetime():  # expired tokens no longer count
        active = active.filter(created_at__gt=timezone.now() - lifetime)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise TokenLimitReached(_("有效令牌最多%(n)s个，请先撤销不再使用的令牌。") % {"n": MAX_ACTIVE_TOKENS})
    return ApiToken.issue(user=user, scope=scope, name=name[:100], second_factor=second_factor)


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


@transaction.atomic
def set_language_preference(*, user: User, language: str) -> bool:
    """Store the language the user chose (one of settings.LANGUAGES, or "" for the site's); True if it changed.

    A change is audited on the user's account (who, when, from which language to which)."""
    if language not in ("", *dict(settings.LANGUAGES)):
        raise Refused(_("不支持该语言。"), fields={"language": _("无效")})
    # Compared with the stored choice: a bound ModelForm has already put the new one on `user`.
    stored = User.objects.select_for_update().values_list("language", flat=True).get(pk=user.pk)
    user.language = language
    if stored == language:
        return False
    user.save(update_fields=["language"])
    _record(
        user,
        "set_language",
        AccountState.ACTIVE,
        AccountState.ACTIVE,
        actor=user,
        user=user,
        from_language=stored,
        to_language=language,
    )
    return True


@transaction.atomic
def update_preferences(*, user: User, email: str, email_digest: bool, language: str) -> User:
    """Save the preferences page (e-mail address, daily digest, language); each change is audited."""
    stored = User.objects.select_for_update().get(pk=user.pk)
    changed = [
        name for name, value in (("email", email), ("email_digest", email_digest)) if getattr(stored, name) != value
    ]
    user.email, user.email_digest = email, email_digest
    if changed:
        user.save(update_fields=changed)
        # Which settings changed, not the addresses themselves (personal data).
        _record(
            user, "update_preferences", AccountState.ACTIVE, AccountState.ACTIVE, actor=user, user=user, fields=changed
        )
    set_language_preference(user=user, language=language)
    return user


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


def _record(target, action: str, from_state: str, to_state: str, *, actor, user: User, note: str = "", **data) -> None:
    data = {"user": user.pk, "username": user.username, **data}
    record_status_change(target, action, from_state, to_state, actor=actor, note=note, data=data)


def _refuse_field(field: str, message: str) -> None:
    raise Refused(message, fields={field: [message]})


def _check_free(username: str, email: str) -> None:
    if User.objects.filter(username__iexact=username).exists():
        _refuse_field("username", _("登录名“%(username)s”已被使用，请换一个。") % {"username": username})
    if email and User.objects.filter(email__iexact=email).exists():
        _refuse_field("email", _("该电子邮箱已登记在其他账号上，请换一个或留空。"))


@transaction.atomic
def open_account(*, person, actor, username: str, email: str = "") -> ActivationLink:
    """Open a platform account for an expert or a member who has none; returns its one-time activation link."""
    person = type(person).objects.select_for_update().get(pk=person.pk)
    _check_opener(actor, person)
    if person.user_id is not None:
        raise Refused(_already_open_message(person.name, person.user))
    username, email = (username or "").strip(), (email or "").strip()
    _check_free(username, email)
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


def _already_open_message(name: str, user: User) -> str:
    names = {"name": name, "username": user.username}
    if never_activated(user):
        return _("%(name)s已有平台账号（登录名 %(username)s），尚未激活：请改用“重新生成激活链接”。") % names
    return _("%(name)s已开通平台账号（登录名 %(username)s），无需重复开通；忘记密码可在登录页找回。") % names


@transaction.atomic
def reissue_activation(*, person, actor) -> ActivationLink:
    """A new activation link for a person whose account was never activated; links issued before stop working."""
    person = type(person).objects.select_for_update().get(pk=person.pk)
    _check_opener(actor, person)
    if person.user_id is None:
        raise Refused(_("%(name)s尚未开通平台账号，请先开通。") % {"name": person.name})
    return _reissue(person, person.user_id, name=person.name, roles=roles_for_person(person), actor=actor)


def _reissue(target, user_pk: int, *, name: str, roles: list[str], actor) -> ActivationLink:
    """The re-issue rules shared by every account the office opens: only an account still waiting for its first
    password, still in use, and holding no role beyond the person's own."""
    user = User.objects.select_for_update().get(pk=user_pk)
    if not user.is_active:
        raise Refused(_("该账号已停用，请联系系统管理员。"))
    if not never_activated(user):
        raise Refused(_already_open_message(name, user))
    if user.roles - set(roles):
        # Never a way into an account that holds more than the person's own roles.
        raise ActionForbidden(_("该账号还有其他角色，须由系统管理员处理。"))
    user.set_unusable_password()  # a fresh unusable password: no earlier link matches any more
    user.save(update_fields=["password"])
    _record(target, "reissue_activation", AccountState.PENDING, AccountState.PENDING, actor=actor, user=user)
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
def change_password(*, user: User, password: str) -> User:
    """Change one's own password (checked against the current one by the form); audited, not the password."""
    stored = User.objects.select_for_update().get(pk=user.pk)
    stored.set_password(password)
    stored.save(update_fields=["password"])
    user.password = stored.password
    _record(user, "change_password", AccountState.ACTIVE, AccountState.ACTIVE, actor=user, user=user)
    return user


@transaction.atomic
def reset_password(*, user: User, password: str) -> User:
    """Set a new password from an e-mailed reset link (signing in afterwards still asks for the second factor)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    _record(user, "reset_password", AccountState.ACTIVE, AccountState.ACTIVE, actor=user, user=user)
    return user


# ---- department liaisons (单位联络员), managed by the office -----------------------------------


def _check_liaison_manager(actor) -> None:
    if not is_clerk(actor):
        raise ActionForbidden(_("只有政协办公室工作人员可以管理部门联络员。"))


def _required(field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        _refuse_field(field, message)
    return value


@transaction.atomic
def add_liaison(*, department, actor, full_name: str, phone: str, username: str, email: str = "") -> ActivationLink:
    """Open a liaison account for a department; returns its one-time activation link (as for experts and members)."""
    from district.models import Department

    _check_liaison_manager(actor)
    department = Department.objects.select_for_update().get(pk=department.pk)
    if not department.is_active:
        raise Refused(_("该部门已停用，不能添加联络员。"))
    full_name = _required("full_name", full_name, _("请填写联络员姓名。"))
    phone = _required("phone", phone, _("请填写联络员手机号。"))
    try:
        validate_phone(phone)
    except ValidationError as exc:
        _refuse_field("phone", exc.messages[0])
    username, email = (username or "").strip(), (email or "").strip()
    _check_free(username, email)
    try:
        user = create_user(
            username=username,
            password=None,
            roles=[Role.DEPT_LIAISON],
            full_name=full_name,
            email=email,
            phone=phone,
            department=department,
        )
    except ValidationError as exc:
        fields = {k: v for k, v in exc.message_dict.items() if k in ("username", "email", "full_name")}
        raise Refused(_("请检查姓名、登录名和电子邮箱。"), fields=fields) from exc
    _record(
        user, "add_liaison", AccountState.NONE, AccountState.PENDING, actor=actor, user=user, department=department.pk
    )
    return _activation_link(user)


def _liaison_for_update(user: User) -> User:
    """The liaison's row, locked (DoesNotExist if the account is not a liaison's). PostgreSQL locks no rows
    of a DISTINCT query, so the row is locked by its key and checked against the liaisons separately."""
    if not liaison_accounts().filter(pk=user.pk).exists():
        raise User.DoesNotExist
    return User.objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def reissue_liaison_activation(*, user: User, actor) -> ActivationLink:
    """A new activation link for a liaison who never activated their account; links issued before stop working."""
    _check_liaison_manager(actor)
    user = _liaison_for_update(user)
    return _reissue(user, user.pk, name=user.display, roles=[Role.DEPT_LIAISON], actor=actor)


@transaction.atomic
def deactivate_liaison(*, user: User, actor, reason: str, note: str = "", leave_unstaffed: bool = False) -> User:
    """A liaison leaves (离岗): the account stops working and its sessions end; their records stay, and the
    department's open work stays with the department (its other liaisons, or the next one added)."""
    from district.models import Department

    _check_liaison_manager(actor)
    note = (note or "").strip()[:500]
    if reason not in LeaveReason.values:
        _refuse_field("reason", _("请选择离岗原因。"))
    if reason == LeaveReason.OTHER and not note:
        _refuse_field("note", _("离岗原因选择“其他”时，请写明原因。"))
    # The department's row first: two clerks removing its last two liaisons at once cannot both pass the check.
    Department.objects.select_for_update().filter(pk=user.department_id).first()
    user = _liaison_for_update(user)
    if not user.is_active:
        raise Refused(_("%(name)s已离岗，账号已停用。") % {"name": user.display})
    if user.roles - {Role.DEPT_LIAISON}:
        raise ActionForbidden(_("该账号还有其他角色，停用会影响其他工作，须由系统管理员处理。"))
    if not leave_unstaffed and not active_liaisons_of(user.department_id).exclude(pk=user.pk).exists():
        _refuse_field(
            "leave_unstaffed",
            _("%(name)s是该部门唯一的在岗联络员：离岗后部门将收不到新的工作通知。请先添加新的联络员，或勾选确认。")
            % {"name": user.display},
        )
    from_state, open_items = liaison_state(user), open_items_waiting_on(user)
    user.is_active = False
    user._history_user = actor
    user.save(update_fields=["is_active"])
    ended = end_sessions_of(user)
    # Their API tokens end with the post: a return to post (恢复在岗) does not bring old keys back to life.
    tokens_revoked = ApiToken.objects.filter(user=user, revoked=False).update(revoked=True, revoked_at=timezone.now())
    label = LeaveReason(reason).label
    _record(
        user,
        "deactivate_liaison",
        from_state,
        LiaisonState.LEFT,
        actor=actor,
        user=user,
        note=recorded(gettext_lazy("%(reason)s：%(note)s"), {"reason": label, "note": note})
        if note
        else recorded(label),
        department=user.department_id,
        reason=reason,
        open_items=open_items,
        sessions_ended=ended,
        tokens_revoked=tokens_revoked,
    )
    return user


@transaction.atomic
def reinstate_liaison(*, user: User, actor, reason: str) -> ActivationLink | None:
    """A liaison who left returns to post (恢复在岗): the account works again. One without a usable password
    gets a fresh one-time activation link (returned, as when adding a liaison); otherwise None, and the
    liaison signs in with their own password."""
    from district.models import Department

    _check_liaison_manager(actor)
    reason = _required("reason", reason, _("请填写恢复在岗的原因。"))[:500]
    # Same order as leaving (the department's row, then the account's), so the two never deadlock.
    department = Department.objects.select_for_update().filter(pk=user.department_id).first()
    user = _liaison_for_update(user)
    if user.is_active:
        raise Refused(_("%(name)s在岗，无需恢复。") % {"name": user.display})
    if department is None or not department.is_active:
        raise Refused(_("%(name)s所在的部门已停用，不能恢复在岗。") % {"name": user.display})
    if set(user.groups.values_list("name", flat=True)) - {Role.DEPT_LIAISON} or user.is_staff or user.is_superuser:
        # Never a way back into an account that holds more than the liaison role.
        raise ActionForbidden(_("该账号还有其他角色，须由系统管理员处理。"))
    needs_link = not user.has_usable_password()
    last_login = user.last_login
    user.is_active = True
    fields = ["is_active"]
    if needs_link:
        # A fresh unusable password: no earlier link matches any more. The account waits for its first
        # password again (the activation link only serves accounts that never signed in).
        user.set_unusable_password()
        user.last_login = None
        fields += ["password", "last_login"]
    user._history_user = actor
    user.save(update_fields=fields)
    _record(
        user,
        "reinstate_liaison",
        LiaisonState.LEFT,
        liaison_state(user),
        actor=actor,
        user=user,
        note=reason,
        department=user.department_id,
        activation_link=needs_link,
        previous_last_login=last_login.isoformat() if needs_link and last_login else None,
    )
    return _activation_link(user) if needs_link else None


def end_sessions_of(user: User) -> int:
    """Sign the user out everywhere (database sessions); returns how many sessions ended.

    An inactive account is refused on its next request anyway (ModelBackend.get_user); deleting the rows
    also ends what a session held (an unfinished activation, a pending second factor)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    model = store.get_model_class()
    # Sessions last SESSION_IDLE_SECONDS (30 minutes), so the unexpired ones are few enough to decode.
    mine = [s.pk for s in model.objects.filter(expire_date__gt=timezone.now()) if _session_user(s) == str(user.pk)]
    model.objects.filter(pk__in=mine).delete()
    return len(mine)


def _session_user(session) -> str | None:
    user_id = session.get_decoded().get(SESSION_KEY)  # an unreadable session decodes to {}
    return None if user_id is None else str(user_id)


def reveal_liaison_phone(*, user: User, viewer) -> str:
    """A liaison's full phone number for the office (to call them); audited."""
    from core.services import log_personal_data_access

    _check_liaison_manager(viewer)
    log_personal_data_access(user=viewer, target=user, fields=["phone"], purpose=gettext_lazy("联系部门联络员"))
    return user.phone
