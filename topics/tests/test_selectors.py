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
