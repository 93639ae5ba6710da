"""Reads on accounts."""

from django.db.models import QuerySet

from accounts.models import ApiToken


def tokens_of(user) -> QuerySet[ApiToken]:
    """The user's own API tokens, active ones first, newest first."""
    return ApiToken.objects.filter(user=user).order_by("revoked", "-created_at", "-id")
