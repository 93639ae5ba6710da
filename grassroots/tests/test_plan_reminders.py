"""A duty group's plan (制定计划限期解决) left overdue is reminded on its date, then once every
ISSUE_PLAN_REMIND_EVERY_DAYS days (district rule, default 7): chased, but not every day for months."""

import datetime as dt

import pytest
from constance.test import override_config

from core.workflow import perform
from grassroots import services
from grassroots.models import IssueStatus
from grassroots.tests.factories import DutyGroupFactory, DutyIssueFactory
from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db
DUE = dt.date(2024, 2, 1)


@pytest.fixture
def planned(cast, time_machine):
    time_machine.move_to(dt.datetime(2024, 1, 10, 9, tzinfo=dt.UTC))
    group = DutyGroupFactory()
    group.members.add(cast.member.member)
    issue = DutyIssueFactory(group=group, title="园区公交线路不足", status=IssueStatus.INVESTIGATING)
    return perform(issue, "plan", actor=cast.clerk, note="增开班车", data={"plan_due_date": DUE.isoformat()})


def _reminded_days(days: int) -> list[int]:
    """The days after the plan's date (0 = the date) on which a daily run sent something."""
    return [n for n in range(days) if services.remind_due_plans(today=DUE + dt.timedelta(days=n))]


def test_an_overdue_plan_is_reminded_on_its_date_then_once_a_week(cast, planned):
    assert services.remind_due_plans(today=DUE - dt.timedelta(days=1)) == 0
    assert _reminded_days(60) == [0, 7, 14, 21, 28, 35, 42, 49, 56]
    titles = list(
        Notification.objects.filter(recipient=cast.member, event_key__startswith="issue-plan-due:")
        .order_by("id")
        .values_list("title", flat=True)
    )
    assert len(titles) == 9 and "今天到期" in titles[0] and all("已逾期" in t for t in titles[1:])


def test_the_interval_is_the_districts_rule(planned):
    with override_config(ISSUE_PLAN_REMIND_EVERY_DAYS=3):
        assert _reminded_days(10) == [0, 3, 6, 9]


def test_a_run_missed_on_the_date_reminds_on_the_next_one(planned):
    assert services.remind_due_plans(today=DUE + dt.timedelta(days=10)) == 1
    assert services.remind_due_plans(today=DUE + dt.timedelta(days=13)) == 0
    assert services.remind_due_plans(today=DUE + dt.timedelta(days=14)) == 1


def test_a_plan_reminded_once_before_the_repeats_is_not_reminded_again_that_week(cast, planned):
    """The reminder sent before this rule (one per plan date) counts as its first week's."""
    notify(recipients=[cast.member], event_key=f"issue-plan-due:{planned.pk}:{DUE.isoformat()}", title="提醒")
    assert services.remind_due_plans(today=DUE + dt.timedelta(days=3)) == 0
    assert services.remind_due_plans(today=DUE + dt.timedelta(days=7)) == 1


def test_a_rescheduled_plan_is_reminded_from_its_new_date(cast, planned, time_machine):
    assert _reminded_days(8) == [0, 7]
    time_machine.move_to(dt.datetime(2024, 2, 10, 9, tzinfo=dt.UTC))
    perform(planned, "reschedule_plan", actor=cast.clerk, note="经费未到位", data={"plan_due_date": "2024-03-01"})
    new_due = dt.date(2024, 3, 1)
    runs = {n: services.remind_due_plans(today=new_due + dt.timedelta(days=n)) for n in range(-5, 8)}
    assert [n for n, sent in runs.items() if sent] == [0, 7]
