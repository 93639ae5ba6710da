"""The demo's story clock: each step a loader writes is dated with its moment in the story."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import StatusChange

SLACK = timedelta(minutes=1)


@pytest.mark.django_db
def test_the_story_clock_dates_each_step_and_what_it_defers_but_leaves_live_writes(django_capture_on_commit_callbacks):
    """What a loader writes through the real services after `at(moment)` gets that moment, including
    what the step defers to the commit (its notices); writes after `live()` keep their real time."""
    from django.db import transaction

    from accounts.models import User
    from core.demo_runner import StoryClock

    ct = ContentType.objects.get_for_model(User)

    def step(action):
        return StatusChange.objects.create(
            content_type=ct, object_id=1, action=action, from_state="a", to_state="b", created_at=timezone.now()
        )

    moment = timezone.now() - timedelta(days=400)
    clock = StoryClock()
    with django_capture_on_commit_callbacks(execute=True):
        clock.at(moment)
        step("then")
        transaction.on_commit(lambda: step("deferred"))
        clock.live()
        step("now")
        clock.settle()
    dates = dict(StatusChange.objects.values_list("action", "created_at"))
    assert moment <= dates["then"] < moment + SLACK
    assert moment <= dates["deferred"] < moment + SLACK
    assert dates["now"] > timezone.now() - SLACK
    with pytest.raises(ValueError):
        clock.at(timezone.now() + timedelta(days=1))
