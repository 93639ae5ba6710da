"""The holiday calendar the office keeps, and the working-day deadlines that read it."""

import datetime as dt

import pytest

from core.exceptions import ActionForbidden, Refused
from district import services
from district.models import CalendarDay
from district.workdays import add_workdays, workdays_before

pytestmark = pytest.mark.django_db

D = dt.date


def national_day_2026(clerk):
    services.enter_calendar_days(
        first=D(2026, 10, 1), last=D(2026, 10, 7), is_workday=False, name="国庆节", actor=clerk
    )
    services.enter_calendar_days(first=D(2026, 10, 10), last=None, is_workday=True, name="国庆节调休", actor=clerk)


def test_without_entries_working_days_are_monday_to_friday():
    assert add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 1)
    assert workdays_before(D(2026, 10, 12), 1) == D(2026, 10, 9)


def test_holidays_are_skipped_and_make_up_weekend_days_count(cast):
    national_day_2026(cast.clerk)
    # After Wednesday 30 September the next working day is Thursday 8 October, then Friday 9, then Saturday 10.
    assert add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert workdays_before(D(2026, 10, 12), 1) == D(2026, 10, 10)
    assert workdays_before(D(2026, 10, 8), 1) == D(2026, 9, 30)


def test_a_count_that_crosses_the_new_year_reads_both_years(cast):
    services.enter_calendar_days(first=D(2027, 1, 1), last=None, is_workday=False, name="元旦", actor=cast.clerk)
    assert add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)  # Friday 1 January off, then the weekend
    assert workdays_before(D(2027, 1, 4), 1) == D(2026, 12, 31)


def test_entering_again_replaces_the_day_and_every_change_is_in_its_history(cast):
    national_day_2026(cast.clerk)
    services.enter_calendar_days(
        first=D(2026, 10, 7), last=None, is_workday=False, name="国庆节（更正）", actor=cast.clerk
    )
    day = CalendarDay.objects.get(date=D(2026, 10, 7))
    assert day.name == "国庆节（更正）"
    assert CalendarDay.objects.count() == 8
    assert [(h.history_type, h.history_user) for h in day.history.order_by("history_id")] == [
        ("+", cast.clerk),
        ("~", cast.clerk),
    ]
    services.remove_calendar_day(day=day, actor=cast.clerk)
    assert CalendarDay.history.filter(date=D(2026, 10, 7)).latest("history_id").history_type == "-"
    assert add_workdays(D(2026, 10, 6), 1) == D(2026, 10, 7)


def test_a_make_up_working_day_is_a_weekend_day(cast):
    with pytest.raises(Refused, match="2026-10-09本来就是工作日"):
        services.enter_calendar_days(
            first=D(2026, 10, 9), last=D(2026, 10, 10), is_workday=True, name="x", actor=cast.clerk
        )
    assert not CalendarDay.objects.exists()


def test_dates_out_of_order_or_too_many_are_refused(cast):
    with pytest.raises(Refused, match="结束日期不能早于开始日期"):
        services.enter_calendar_days(
            first=D(2026, 10, 7), last=D(2026, 10, 1), is_workday=False, name="x", actor=cast.clerk
        )
    with pytest.raises(Refused, match="一次最多录入31天"):
        services.enter_calendar_days(
            first=D(2026, 1, 1), last=D(2026, 2, 1), is_workday=False, name="x", actor=cast.clerk
        )


def test_only_the_office_clerks_keep_the_calendar(cast):
    with pytest.raises(ActionForbidden):
        services.enter_calendar_days(first=D(2026, 10, 1), last=None, is_workday=False, name="x", actor=cast.member)


def test_the_clerk_enters_a_line_of_the_notice_on_the_page(client, cast):
    client.force_login(cast.clerk)
    page = client.get("/district/calendar/?year=2027").content.decode()
    assert 'data-testid="calendar-empty"' in page  # the coming year's notice is not entered yet
    response = client.post(
        "/district/calendar/", {"first": "2027-10-01", "last": "2027-10-07", "kind": "holiday", "name": "国庆节"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")
    page = client.get(response["Location"]).content.decode()
    assert "2027年：放假7天（含周末），调休上班0天。" in page
    assert CalendarDay.objects.filter(date__year=2027, is_workday=False).count() == 7


def test_a_refused_entry_keeps_what_the_clerk_typed(client, cast):
    client.force_login(cast.clerk)
    response = client.post(
        "/district/calendar/", {"first": "2026-10-09", "last": "", "kind": "workday", "name": "国庆节调休"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "本来就是工作日" in page
    assert 'value="国庆节调休"' in page and 'value="2026-10-09"' in page


def test_the_clerk_removes_a_day(client, cast):
    national_day_2026(cast.clerk)
    day = CalendarDay.objects.get(date=D(2026, 10, 10))
    client.force_login(cast.clerk)
    response = client.post(f"/district/calendar/{day.pk}/remove/")
    assert response["Location"].endswith("?year=2026")
    assert not CalendarDay.objects.filter(pk=day.pk).exists()


@pytest.mark.parametrize("who", ["member", "liaison", "chair", "citizen"])
def test_others_cannot_open_or_change_the_calendar(client, cast, who):
    national_day_2026(cast.clerk)
    day = CalendarDay.objects.first()
    client.force_login(getattr(cast, who))
    assert client.get("/district/calendar/").status_code == 403
    assert client.post(f"/district/calendar/{day.pk}/remove/").status_code == 403
    assert CalendarDay.objects.filter(pk=day.pk).exists()
