"""Dashboard statistics of appeals: aggregated in the database, cached for five minutes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from district.tests.factories import TownFactory
from intake.models import Appeal
from intake.selectors import appeal_statistics
from intake.tests.factories import AppealCategoryFactory, AppealFactory


@pytest.mark.django_db
def test_counts_by_state_category_town_and_month(django_assert_max_num_queries):
    town, other_town = TownFactory(), TownFactory()
    cat = AppealCategoryFactory()
    AppealFactory.create_batch(3, town=town, category=cat, status="routed")
    AppealFactory(town=other_town, status="closed")
    old = AppealFactory(town=town, status="closed")
    Appeal.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    with django_assert_max_num_queries(4):
        stats = appeal_statistics(use_cache=False)
    assert stats["by_status"] == {"routed": 3, "closed": 2}
    assert stats["by_category"] == {cat.pk: 3, None: 1}  # the last year only
    assert stats["by_town"] == {town.pk: 3, other_town.pk: 1}
    assert sum(n for _month, n in stats["by_month"]) == 4
    assert stats["by_month"][-1][1] == 4


@pytest.mark.django_db
def test_statistics_are_served_from_the_cache_for_five_minutes(django_assert_num_queries):
    AppealFactory()
    first = appeal_statistics()
    AppealFactory()
    with django_assert_num_queries(0):
        again = appeal_statistics()
    assert again == first
    assert appeal_statistics(use_cache=False)["by_status"] == {"received": 2}
