"""Reads on accounts."""

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken


def tokens_of(user) -> QuerySet[ApiToken]:
    """The user's own API tokens, active ones first, newest first."""
    return ApiToken.objects.filter(user=user).select_related("user").order_by("revoked", "-created_at", "-id")


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


# ---- department liaisons (单位联络员), managed by the office -----------------------------------


class LiaisonState(models.TextChoices):
    PENDING = "pending", _("待激活")
    ACTIVE = "active", _("在岗")
    LEFT = "left", _("已离岗")


class LeaveReason(models.TextChoices):
    TRANSFER = "transfer", _("调任其他岗位")
    RETIRE = "retire", _("退休")
    RESIGN = "resign", _("离职")
    OTHER = "other", _("其他")


def liaison_state(user) -> str:
    """pending / active / left for a liaison's account."""
    if not user.is_active:
        return LiaisonState.LEFT
    return LiaisonState.PENDING if never_activated(user) else LiaisonState.ACTIVE


def liaison_accounts() -> QuerySet:
    """Every account that holds (or held, before leaving) the liaison role of a department."""
    from accounts.models import User
    from accounts.roles import Role

    return User.objects.filter(groups__name=Role.DEPT_LIAISON, department__isnull=False).distinct()


def active_liaisons_of(department_id) -> QuerySet:
    """The department's liaisons whose accounts still work: those the platform routes its work to."""
    return liaison_accounts().filter(department_id=department_id, is_active=True)


def departments_with_liaisons(*, unstaffed_only: bool = False) -> QuerySet:
    """Active departments with their liaisons (serving ones first), flagged `has_active_liaison`."""
    from django.db.models import Exists, OuterRef, Prefetch

    from district.models import Department

    staffed = active_liaisons_of(OuterRef("pk"))
    qs = Department.objects.filter(is_active=True).annotate(has_active_liaison=Exists(staffed))
    if unstaffed_only:
        qs = qs.filter(has_active_liaison=False)
    liaisons = liaison_accounts().order_by("-is_active", "id")
    return qs.prefetch_related(Prefetch("users", queryset=liaisons, to_attr="liaisons")).order_by("order", "id")


def open_items_waiting_on(liaison) -> int:
    """How many items wait on the liaison's department (what its liaisons' to-do lists hold, across workflows)."""
    from core.workflow import all_workflows

    queues = (wf.inbox_for(liaison) for wf in all_workflows())
    return sum(qs.order_by().count() for qs in queues if qs is not None)
