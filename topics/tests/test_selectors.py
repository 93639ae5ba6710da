"""Reads of the topics app: where each topic has got to (`topic_steps`), asked of the apps that own
the research groups, meetings, special reports and supervision tasks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import GroupStatus
from topics import selectors
from topics.tests.factories import ItemFactory
from topics.tests.test_review3_fixes import _group, _supervised, _topic_world

pytestmark = pytest.mark.django_db


def test_topic_steps_reads_as_many_queries_for_many_topics_as_for_two(cast, django_assert_num_queries):
    plan, items, _ = _topic_world(cast)
    two = items[4:6]  # a group with its meeting; a meeting with its special report and tasks: every read runs
    selectors.topic_steps(plan, two, cast.clerk)  # content types cached, as on a page
    with CaptureQueriesContext(connection) as few:
        steps = selectors.topic_steps(plan, two, cast.clerk)
    assert [steps[i.pk].key for i in two] == ["consulted", "supervising"]
    for n in range(3):
        _group(cast, ItemFactory(plan=plan, title=f"新增议题{n}"), GroupStatus.RESEARCHING)
        _supervised(cast, ItemFactory(plan=plan), closed=n % 2)
    every = list(selectors.items_of(plan))
    with django_assert_num_queries(len(few.captured_queries)):
        steps = selectors.topic_steps(plan, every, cast.clerk)
    assert len(steps) == len(every) == 13


def test_the_office_is_offered_to_form_the_group_of_a_topic_that_has_none_and_others_are_not(cast, client):
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    from topics.models import PlanItem

    plan, items, _ = _topic_world(cast)
    waiting, researching = items[0], items[1]
    form_link = f"{reverse('consultations:group_create')}?subject={ContentType.objects.get_for_model(PlanItem).pk}:"
    steps = selectors.topic_steps(plan, [waiting, researching], cast.clerk)
    assert steps[waiting.pk].key == "in_plan"
    assert [url for _, url in steps[waiting.pk].links] == [f"{form_link}{waiting.pk}"]
    assert all(form_link not in url for _, url in steps[researching.pk].links)
    assert selectors.topic_steps(plan, [waiting], cast.member)[waiting.pk].links == []
    # The link opens the group form filled in from the item.
    client.force_login(cast.clerk)
    page = client.get(f"{form_link}{waiting.pk}").content.decode()
    assert f'value="{waiting.title}"' in page
