from django.core.cache import cache

from district.models import Committee

_COMMITTEE_KEY = "xieshang:committee"


def current_committee() -> Committee | None:
    """The deployment's committee (cached briefly: it is read on every page)."""
    committee = cache.get(_COMMITTEE_KEY)
    if committee is None:
        committee = Committee.objects.order_by("id").first()
        if committee is not None:
            cache.set(_COMMITTEE_KEY, committee, 60)
    return committee


def forget_committee() -> None:
    cache.delete(_COMMITTEE_KEY)
