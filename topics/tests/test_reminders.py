from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.workflow import perform
from notifications.models import Notification
from topics.services.reminders import send_plan_reminders
from topics.tests.factories import RoundFactory, SuggestionFactory, plan_with_items

pytestmark = pytest.mark.django_db


def test_the_holder_of_a_stalled_step_is_reminded_once_a_day(cast):
    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    today = timezone.localdate()
    assert send_plan_reminders(today=today) == 0
    later = today + timedelta(days=8)
    assert send_plan_reminders(today=later) > 0
    assert Notification.objects.filter(recipient=cast.chair, title__contains="8天").count() == 1
    send_plan_reminders(today=later)
    assert Notification.objects.filter(recipient=cast.chair, title__contains="8天").count() == 1


def test_suggesters_with_drafts_are_reminded_before_the_deadline(cast):
    rnd = RoundFactory(deadline=timezone.localdate() + timedelta(days=3))
    SuggestionFactory(round=rnd, suggester=cast.member, title="草稿议题")
    SuggestionFactory(round=rnd, suggester=cast.other_member, status="submitted")
    call_command("send_plan_reminders")
    assert Notification.objects.get(recipient=cast.member).title.startswith("您的议题建议“草稿议题”尚未提交")
    assert not Notification.objects.filter(recipient=cast.other_member).exists()
