"""An appeal's plan (制定计划限期解决) left overdue is reminded on its date, then once every
ISSUE_PLAN_REMIND_EVERY_DAYS days (the district's one rule for plans, default 7, as for a duty
group's): its handlers are chased, but not every day for months."""

from datetime import timedelta

import pytest
from constance.test import override_config
from django.utils import timezone

from core.workflow import perform
from intake import services
from intake.tests.test_plans import closed_with_plan, workstation  # noqa: F401 (fixture)
from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(cast, workstation):  # noqa: F811
    return closed_with_plan(cast, workstation, due_in=10, title="西门路灯不亮")


def _due(appeal):
    appeal.refresh_from_db()
    return appeal.plan_due_date


def _reminded_days(appeal, days: int) -> list[int]:
    """The days after the plan's date (0 = the date) on which a daily run sent something."""
    due = _due(appeal)
    return [n for n in range(days) if services.remind_due_plans(today=due + timedelta(days=n))]


def test_an_overdue_plan_is_reminded_on_its_date_then_once_a_week(cast, planned):
    due = _due(planned)
    assert services.remind_due_plans(today=due - timedelta(days=1)) == 0
    assert _reminded_days(planned, 60) == [0, 7, 14, 21, 28, 35, 42, 49, 56]
    titles = list(
        Notification.objects.filter(recipient=cast.member, event_key__startswith=f"intake.plan-due:{planned.pk}:")
        .order_by("id")
        .values_list("title", flat=True)
    )
    assert len(titles) == 9 and "今天到期" in titles[0] and all("已逾期" in t for t in titles[1:])
    assert all("西门路灯不亮" in t for t in titles)


def test_the_interval_is_the_districts_rule_for_plans(planned):
    with override_config(ISSUE_PLAN_REMIND_EVERY_DAYS=3):
        assert _reminded_days(planned, 10) == [0, 3, 6, 9]


def test_a_run_missed_on_the_date_reminds_on_the_next_one(planned):
    due = _due(planned)
    assert services.remind_due_plans(today=due + timedelta(days=10)) == 1
    assert services.remind_due_plans(today=due + timedelta(days=13)) == 0
    assert services.remind_due_plans(today=due + timedelta(days=14)) == 1


def test_a_plan_reminded_once_before_the_repeats_is_not_reminded_again_that_week(cast, planned):
    """The reminder sent before this rule (one per plan date) counts as its first week's."""
    due = _due(planned)
    notify(recipients=[cast.member], event_key=f"intake.plan-due:{planned.pk}:{due.isoformat()}", title="提醒")
    assert services.remind_due_plans(today=due + timedelta(days=3)) == 0
    assert services.remind_due_plans(today=due + timedelta(days=7)) == 1


def test_a_rescheduled_plan_is_reminded_from_its_new_date(cast, planned):
    new_due = timezone.localdate() + timedelta(days=40)
    perform(
        planned, "reschedule_plan", actor=cast.member, note="经费未到位", data={"plan_due_date": new_due.isoformat()}
    )
    runs = {n: services.remind_due_plans(today=new_due + timedelta(days=n)) for n in range(-5, 8)}
    assert [n for n, sent in runs.items() if sent] == [0, 7]


def test_a_plan_carried_out_is_no_longer_chased(cast, planned):
    due = _due(planned)
    assert services.remind_due_plans(today=due) == 1
    perform(planned, "complete_plan", actor=cast.member, note="新路灯已安装并通电。")
    assert _reminded_days(planned, 30) == []
