"""The date checks shared by proposals' and supervision tasks' extension requests (延期申请), and the
reminder windows and keys shared by the plan reminders of appeals and duty groups' issues."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from core.deadlines import (
    check_extension_due,
    check_extension_future,
    check_extension_in_time,
    reminder_key,
    reminder_window,
)
from core.exceptions import Refused
from proposals.services.handling import EXTENSION_WORDING as PROPOSAL_WORDING
from supervision.services.extension import EXTENSION_WORDING as TASK_WORDING

TODAY = dt.date(2026, 6, 10)
CURRENT = dt.date(2026, 6, 30)
LATEST = dt.date(2026, 9, 28)  # CURRENT + 90 days
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def today():
    moment = dt.datetime.combine(TODAY, dt.time(9, 0), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(moment, tick=False):
        yield


def check(due, *, current=CURRENT, wording=TASK_WORDING, future=True):
    check_extension_due(due, current=current, latest=LATEST, max_days=90, wording=wording, future=future)


def test_a_date_equal_to_the_current_deadline_is_refused_at_the_date_field():
    with pytest.raises(Refused) as err:
        check(CURRENT)
    assert err.value.message == "延期后的办理期限须晚于原办理期限2026-06-30。"
    assert err.value.fields == {"due_date": [err.value.message]}


def test_the_day_after_the_current_deadline_and_the_last_allowed_day_are_accepted():
    check(CURRENT + DAY)
    check(LATEST)


def test_one_day_past_the_limit_is_refused_naming_the_limit_and_the_latest_date():
    with pytest.raises(Refused) as err:
        check(LATEST + DAY)
    assert err.value.message == "延期后的办理期限不能晚于原办理期限后90天（2026-09-28）。"


def test_each_workflow_keeps_its_own_wording_and_field():
    with pytest.raises(Refused) as err:
        check(CURRENT, wording=PROPOSAL_WORDING)
    assert err.value.message == "新的答复期限须晚于原期限2026-06-30。"
    assert list(err.value.fields) == ["due"]
    with pytest.raises(Refused) as err:
        check(LATEST + DAY, wording=PROPOSAL_WORDING)
    assert err.value.message == "延期后的答复期限不能晚于交办后90天（2026-09-28）。"


def test_today_is_refused_after_a_passed_deadline_unless_the_caller_checks_it_itself():
    passed = TODAY - 5 * DAY
    with pytest.raises(Refused, match="^延期后的办理期限须晚于今天。$"):
        check(TODAY, current=passed)
    check(TODAY, current=passed, future=False)
    with pytest.raises(Refused, match="^延期后的答复期限须晚于今天。$"):
        check_extension_future(TODAY, wording=PROPOSAL_WORDING)
    check_extension_future(TODAY + DAY, wording=PROPOSAL_WORDING)


def test_the_current_deadline_is_checked_before_today():
    with pytest.raises(Refused, match="须晚于原办理期限2026-06-30"):
        check(TODAY - DAY)


def test_asking_after_the_deadline_is_refused_unless_the_district_allows_it():
    with pytest.raises(Refused) as err:
        check_extension_in_time(TODAY - DAY, allowed=False, wording=PROPOSAL_WORDING)
    assert err.value.message == "答复期限2026-06-09已过，不能再申请延期；请尽快答复，如有困难请与提案委员会联系。"
    assert err.value.fields == {}
    check_extension_in_time(TODAY - DAY, allowed=True, wording=PROPOSAL_WORDING)


def test_asking_on_the_deadline_itself_or_without_one_is_in_time():
    check_extension_in_time(TODAY, allowed=False, wording=TASK_WORDING)
    check_extension_in_time(None, allowed=False, wording=TASK_WORDING)


def test_a_reminder_key_is_the_same_within_a_window_and_new_in_each_later_one():
    due = dt.date(2026, 6, 1)

    def key(today, every=7):
        return reminder_key("plan-due:5", due, today, every)

    # On the date and until the first repeat: the key sent before the repeats existed, so no second one.
    assert key(due) == key(due + 6 * DAY) == "plan-due:5:2026-06-01"
    # Then one new key per window of `every` days, the same on each day of it (a re-run sends nothing).
    assert key(due + 7 * DAY) == key(due + 13 * DAY) == "plan-due:5:2026-06-01:2026-06-08"
    assert key(due + 14 * DAY) == "plan-due:5:2026-06-01:2026-06-15"
    assert reminder_window(due, due + 13 * DAY, 7) == due + 7 * DAY
    # Every day when the district sets 1 (or less).
    assert key(due + DAY, every=1) == "plan-due:5:2026-06-01:2026-06-02"
    assert key(due + DAY, every=0) == key(due + DAY, every=1)
    # A rescheduled date starts a fresh series, whatever was sent for the old one.
    assert reminder_key("plan-due:5", due + 20 * DAY, due + 20 * DAY, 7) == "plan-due:5:2026-06-21"
