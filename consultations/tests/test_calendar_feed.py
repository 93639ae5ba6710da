"""A person subscribes their phone's or Outlook's calendar to their meetings (日历订阅): a secret address,
shown once, read without a session; a new address or stopping the feed kills the old one at once."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from icalendar import Calendar

from consultations import services
from consultations.models import CalendarFeed

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/consultations/meetings/subscribe/"
FEED = "/consultations/meetings/feed/"


def soon(hours: int = 24) -> datetime:
    return datetime.now(tz=ZoneInfo("Asia/Shanghai")).replace(microsecond=0) + timedelta(hours=hours)


def issue(client, user) -> str:
    """The user makes an address on the page; returns it as the page showed it."""
    client.force_login(user)
    response = client.post(SUBSCRIBE, {"op": "issue"})
    assert response.status_code == 200
    url = re.search(r'data-testid="feed-url">([^<]+)<', response.content.decode()).group(1)
    assert url.startswith(f"http://testserver{FEED}") and url.endswith(".ics")
    return url.removeprefix("http://testserver")


def titles(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/calendar")
    return [str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]


@pytest.fixture
def chairs_meeting(cast):
    return services.create_meeting(
        kind="chairs", title="主席会议（订阅测试）", starts_at=soon(), ends_at=soon(26), actor=cast.clerk
    )


def test_a_calendar_app_reads_the_owners_meetings_with_the_address_alone(client, cast, chairs_meeting):
    clerks_feed = issue(client, cast.clerk)
    liaisons_feed = issue(Client(), cast.liaison)
    app = Client()  # the calendar app: no session, no cookie
    response = app.get(clerks_feed)
    assert titles(response) == ["主席会议（订阅测试）"]
    assert response["Cache-Control"] == "private, no-store"
    # The liaison was not invited to the chairs' meeting: their feed does not carry it.
    assert "主席会议（订阅测试）" not in titles(app.get(liaisons_feed))
    # The page says when a calendar last fetched it.
    assert CalendarFeed.objects.get(user=cast.clerk).last_used_at is not None


def test_the_address_is_shown_once_and_offered_as_webcal(client, cast):
    client.force_login(cast.member)
    page = client.post(SUBSCRIBE, {"op": "issue"}).content.decode()
    url = re.search(r'data-testid="feed-url">([^<]+)<', page).group(1)
    key = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert f'href="webcal://testserver{FEED}{key}.ics"' in page
    again = client.get(SUBSCRIBE).content.decode()
    assert key not in again and f"<code>{key[:8]}…</code>" in again
    # Only a digest is kept.
    feed = CalendarFeed.objects.get(user=cast.member)
    assert feed.key_hash == CalendarFeed.hash(key) and key not in feed.key_hash


def test_a_new_address_kills_the_old_and_stopping_kills_it_too_each_audited(client, cast, chairs_meeting):
    first = issue(client, cast.clerk)
    second = issue(client, cast.clerk)
    app = Client()
    assert app.get(first).status_code == 404
    assert titles(app.get(second)) == ["主席会议（订阅测试）"]
    response = client.post(SUBSCRIBE, {"op": "stop"}, follow=True)
    assert "日历订阅已停止，原订阅地址立即失效。" in response.content.decode()
    assert app.get(second).status_code == 404
    history = CalendarFeed.history.filter(user_id=cast.clerk.pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert {h.history_user for h in history} == {cast.clerk}
    assert "您还没有日历订阅地址。" in client.get(SUBSCRIBE).content.decode()


def test_an_address_stops_with_its_account(client, cast):
    url = issue(client, cast.member)
    assert Client().get(url).status_code == 200
    cast.member.is_active = False
    cast.member.save(update_fields=["is_active"])
    assert Client().get(url).status_code == 404


def test_a_staff_address_made_without_two_factor_stops_once_it_is_enforced(client, cast, settings):
    settings.ENFORCE_STAFF_2FA = False
    url = issue(client, cast.clerk)
    settings.ENFORCE_STAFF_2FA = True
    assert Client().get(url).status_code == 404
    # A new one needs the second factor first.
    response = client.get(SUBSCRIBE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_verify"))


@pytest.mark.parametrize("key", ["x", "a" * 300, "不存在的地址", "..%2F..%2Fetc"])
def test_a_wrong_address_is_not_found(key):
    assert Client().get(f"{FEED}{key}.ics").status_code == 404


def test_the_feed_is_named_in_the_owners_language(client, cast):
    cast.member.language = "en"
    cast.member.save(update_fields=["language"])
    url = issue(client, cast.member)
    with translation.override("en"):
        expected = gettext("协商会议日程")
    assert expected != "协商会议日程"
    assert str(Calendar.from_ical(Client().get(url).content)["x-wr-calname"]) == expected


def test_the_page_needs_a_login_and_a_known_operation(client, cast):
    assert client.get(SUBSCRIBE).status_code == 302
    client.force_login(cast.member)
    assert client.post(SUBSCRIBE, {"op": "delete-everything"}).status_code == 400
    assert not CalendarFeed.objects.exists()


def test_guessing_addresses_is_rate_limited_but_a_live_feed_is_always_served(client, cast, settings, time_machine):
    url = issue(client, cast.member)
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    # The clock stands still: 61 requests that straddled the end of a minute's window would be counted in two.
    time_machine.move_to(datetime.now(tz=ZoneInfo("Asia/Shanghai")), tick=False)
    app = Client()  # one address for the guesser and the calendar service alike
    codes = [app.get(f"{FEED}guess{i}.ics").status_code for i in range(61)]
    assert codes[:60] == [404] * 60 and codes[60] == 429
    assert [app.get(url).status_code for _ in range(3)] == [200] * 3
    cache.clear()


def test_the_calendar_page_links_to_the_subscription(client, cast):
    client.force_login(cast.member)
    assert f'href="{SUBSCRIBE}"' in client.get(reverse("consultations:calendar")).content.decode()


def test_the_feeds_query_count_does_not_grow_with_its_meetings(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = issue(client, cast.clerk)
    Client().get(url)  # the first fetch also notes when it was synced

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            Client().get(url)
        return len(ctx.captured_queries)

    def meet(n: int) -> None:
        services.create_meeting(kind="chairs", title=f"会议{n}", starts_at=soon(), ends_at=soon(26), actor=cast.clerk)

    for n in range(2):
        meet(n)
    few = count()
    for n in range(2, 7):
        meet(n)
    assert count() == few
    assert len(titles(Client().get(url))) == 7
