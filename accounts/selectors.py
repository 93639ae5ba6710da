"""Reads on accounts."""

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken


def tokens_of(user) -> QuerySet[ApiToken]:
    """The user's own API tokens, active ones first, newest first."""
    return ApiToken.objects.filter(user=user).order_by("revoked", "-created_at", "-id")


class AccountState(models.TextChoices):
    NONE = "none", _("未开通")
    PENDING = "pending", _("待激活")
    ACTIVE = "active", _("已开通")


def never_activated(user) -> bool:
    """The account was opened for the person (by the office, or for an invitation) but no password was ever set."""
    return not user.has_usable_password() and user.last_login is None


def account_state(user) -> str:
    """none / pending / active for a person's linked user (or None)."""
    if user is None:
        return AccountState.NONE
    return AccountState.PENDING if never_activated(user) else AccountState.ACTIVE


# The people the office may open accounts for: the kind in the URL and the model.
PERSON_KINDS = {"expert": "district.Expert", "member": "district.Member"}


def _pending_q() -> Q:
    # has_usable_password() is False for a password starting with "!" (set_unusable_password).
    return Q(user__password__startswith="!", user__last_login__isnull=True)


def people_for_accounts(kind: str, *, q: str = "", state: str = "") -> QuerySet:
    """Experts, or serving members, with their account (if any), for the office's account page."""
    from django.apps import apps

    model = apps.get_model(PERSON_KINDS[kind])
    qs = model.objects.select_related("user")
    if kind == "member":
        qs = qs.filter(is_active=True).select_related("sector")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(user__username__icontains=q))
    if state == AccountState.NONE:
        qs = qs.filter(user__isnull=True)
    elif state == AccountState.PENDING:
        qs = qs.filter(_pending_q())
    elif state == AccountState.ACTIVE:
        qs = qs.filter(user__isnull=False).exclude(_pending_q())
    return qs.order_by("id")


def person_of(user):
    """The expert or member record linked to this user, or None."""
    from district.models import Expert, Member

    return Expert.objects.filter(user=user).first() or Member.objects.filter(user=user).first()
