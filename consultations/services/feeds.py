"""Writes on a person's calendar feed (日历订阅): make its secret address (again), or stop it."""

from django.db import transaction
from django.utils import timezone

from consultations.models import CalendarFeed


@transaction.atomic
def issue_calendar_feed(*, user, second_factor: bool) -> tuple[CalendarFeed, str]:
    """A new secret address for the user's calendar; returns the feed and its key, shown this once.
    An address made before stops working at once (one feed per person). `second_factor`: the session
    that asked had passed two-factor."""
    key = CalendarFeed.new_key()
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first() or CalendarFeed(user=user)
    feed.set_key(key)
    feed.created_at = timezone.now()
    feed.last_used_at = None
    feed.second_factor = second_factor
    feed._history_user = user
    feed.save()
    return feed, key


@transaction.atomic
def stop_calendar_feed(*, user) -> bool:
    """Stop the user's calendar feed: its address no longer answers. False when there was none."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return False
    feed._history_user = user
    feed.delete()
    return True


def note_feed_use(feed: CalendarFeed) -> None:
    """When a calendar last fetched the feed (shown on the page), written at most every five minutes."""
    now = timezone.now()
    if feed.last_used_at is None or (now - feed.last_used_at).total_seconds() > 300:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
