import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.history import AccountHistory
from core.fields import EncryptedTextField


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedTextField(_("手机号"), blank=True)
    department = models.ForeignKey(
        "district.Department",
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )
    body = models.ForeignKey(
        "district.Body",
        verbose_name=_("所属委处"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    email_digest = models.BooleanField(
        _("以每日摘要代替单条邮件"), default=False, help_text=_("勾选后，每天只收到一封汇总邮件。")
    )
    # One of settings.LANGUAGES, or empty: the site's language (zh-hans). Pages, messages and e-mails
    # use it; set by the language switcher while signed in and on the preferences page.
    language = models.CharField(_("语言"), max_length=10, blank=True, default="")
    # Who changed what and when (the admin's edits, roles included); never the password nor logins.
    history = AccountHistory(excluded_fields=["password", "last_login"], m2m_fields=["groups", "user_permissions"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def preferred_language(self) -> str:
        """The language to write to this user in: their choice, else the site's."""
        return self.language if self.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def role_labels(self) -> list[str]:
        from accounts.roles import Role

        return [str(Role(r).label) for r in sorted(self.roles) if r in Role.values]

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles)) or (self.is_superuser and "admin" in roles)


class SecretKey(models.Model):
    """A key a program presents instead of a session (an API token, a calendar feed's address): shown
    once when made, only its SHA-256 kept, known by its first characters."""

    key_hash = models.CharField(_("令牌哈希"), max_length=64, unique=True)
    prefix = models.CharField(_("令牌前缀"), max_length=8)
    # Made by a session that had passed two-factor: when ENFORCE_STAFF_2FA is on, a staff account's key
    # works only if so (one made with a password alone, before enforcement, stops).
    second_factor = models.BooleanField(_("经两步验证创建"), default=False)

    class Meta:
        abstract = True

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)

    def set_key(self, key: str) -> None:
        self.key_hash, self.prefix = self.hash(key), key[:8]

    @property
    def lacks_second_factor(self) -> bool:
        """A staff account's key made without two-factor, while two-factor is enforced for staff."""
        from accounts.predicates import owes_second_factor

        return not self.second_factor and owes_second_factor(self.user)


class ApiToken(SecretKey):
    """A per-user API token with a scope."""

    class Scope(models.TextChoices):
        READ = "read", _("只读")
        WRITE = "write", _("读写")

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100, default="api")
    scope = models.CharField(_("权限范围"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked = models.BooleanField(_("已撤销"), default=False)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        constraints = [
            models.CheckConstraint(condition=models.Q(scope__in=["read", "write"]), name="token_scope_valid")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.get_scope_display()})"

    @classmethod
    def issue(cls, *, user: User, scope: str, name: str = "api", second_factor: bool = False) -> tuple["ApiToken", str]:
        key = cls.new_key()
        token = cls(user=user, scope=scope, name=name, second_factor=second_factor)
        token.set_key(key)
        token.save()
        return token, key

    @staticmethod
    def lifetime() -> timedelta | None:
        """How long a token works after its creation (API_TOKEN_DAYS; 0: until revoked)."""
        return timedelta(days=settings.API_TOKEN_DAYS) if settings.API_TOKEN_DAYS > 0 else None

    @property
    def expires_at(self):
        lifetime = self.lifetime()
        return self.created_at + lifetime if lifetime and self.created_at else None

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
