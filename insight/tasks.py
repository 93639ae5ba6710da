"""Background tasks (django.tasks): refreshing a dashboard's cached figures, telling members of a rule change."""

from datetime import date

from django.utils import translation
from django_tasks import task


@task()
def refresh_dashboard(
    kind: str,
    department_id: int | None,
    start: str,
    end: str,
    town_id: int | None,
    category_id: int | None,
    language: str,
) -> bool:
    """Compute one scope's figures again and replace its cache entry (queued by `dashboard_for` when
    the entry it served was older than INSIGHT_CACHE_SECONDS). False when the filters' town or
    category has been deleted since: the entry then simply ages out."""
    from district.models import Town
    from insight.selectors.dashboard import store_dashboard
    from insight.selectors.scope import Period, Scope
    from intake.models import AppealCategory

    town = category = None
    if town_id is not None and (town := Town.objects.filter(pk=town_id).first()) is None:
        return False
    if category_id is not None and (category := AppealCategory.objects.filter(pk=category_id).first()) is None:
        return False
    period = Period(date.fromisoformat(start), date.fromisoformat(end), town=town, category=category)
    with translation.override(language):
        store_dashboard(Scope(kind, department_id=department_id), period)
    return True


@task()
def tell_members_of_rule_change(change_id: int) -> int:
    """Tell the members in office of a scoring rule's change (queued with the change)."""
    from insight.services import tell_members_of_rule_change as tell

    return tell(change_id=change_id)
