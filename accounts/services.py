"""Writes on accounts: role groups and user creation."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import Role


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
