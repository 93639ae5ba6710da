"""Deadlines shared by the workflows that send work back to a department."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from core.exceptions import Refused
from core.i18n import recorded


def rehandling_deadline(current: date | None, days: int) -> date:
    """The later of the current deadline and today + days: re-handling never shortens a deadline,
    so a department that replied early is not left with less time than it had."""
    fresh = timezone.localdate() + timedelta(days=int(days))
    return max(current, fresh) if current else fresh


def reminder_window(due: date, today: date, every: int) -> date:
    """The first day of the reminder window `today` falls in, for something due on `due` and chased every
    `every` days while overdue (a plan's reminders, duty groups' and appeals' alike): `due` itself, then
    every `every` days after it. A reminder keyed by its window is sent once per window."""
    every = max(1, int(every))
    return due + timedelta(days=((today - due).days // every) * every)


def reminder_key(base: str, due: date, today: date, every: int) -> str:
    """The idempotency key (notifications' event_key) of the reminder for something due on `due`, chased
    every `every` days while overdue: `base:due` in the first window (the key of the one reminder per date
    sent before the repeats existed, so it is not sent again), `base:due:window` in each later one.
    A rescheduled date starts a fresh series."""
    key = f"{base}:{due.isoformat()}"
    window = reminder_window(due, today, every)
    return f"{key}:{window.isoformat()}" if window > due else key


def record_rehandling_deadline(change, *, old: date | None, new: date, days: int) -> None:
    """Say in the audited action (and so in the notice sent with it) which deadline now applies."""
    if old is not None and new == old:
        line = gettext_lazy("重新办理期限：%(due)s（原期限晚于今日起%(days)s天，保留原期限）。")
    else:
        line = gettext_lazy("重新办理期限：%(due)s（今日起%(days)s天）。")
    add_deadline_line(change, line, {"due": new.isoformat(), "days": int(days)})


def add_deadline_line(change, message: Promise, params: dict) -> None:
    """Say in the audited step (and so on the timeline and in the notice sent with it) which dates it
    concerns: a lazy message and its values, worded in the record's language (core.i18n)."""
    line = recorded(message, params)
    change.note = f"{change.note}\n{line}" if change.note else line
    change.save(update_fields=["note"])


@dataclass(frozen=True)
class ExtensionWording:
    """How one workflow words its refusals of an extension (延期) date: each keeps its own messages."""

    field: str  # the form/API field a refused date is shown at
    not_later: Promise  # %(d)s: the current deadline
    not_future: Promise
    past_limit: Promise  # %(n)s: the district's maximum days; %(d)s: the latest date allowed
    past_due: Promise  # %(d)s: the deadline that has passed


def _refuse_date(message: str, wording: ExtensionWording) -> None:
    raise Refused(message, fields={wording.field: [message]})


def check_extension_in_time(current: date | None, *, allowed: bool, wording: ExtensionWording) -> None:
    """Once the deadline has passed, an extension may be asked only if the district allows it."""
    if current and timezone.localdate() > current and not allowed:
        raise Refused(wording.past_due % {"d": current.isoformat()})


def check_extension_left(current: date | None, latest: date, *, max_days: int, message: str) -> None:
    """A later date is still left to grant: the latest an extension may give lies after today and after
    the current deadline. `message` (%(n)s: the district's maximum days, %(d)s: the latest date) says so."""
    if latest <= timezone.localdate() or (current is not None and latest <= current):
        raise Refused(message % {"n": int(max_days), "d": latest.isoformat()})


def check_extension_future(due: date, *, wording: ExtensionWording) -> None:
    """An extended deadline lies after today."""
    if due <= timezone.localdate():
        _refuse_date(str(wording.not_future), wording)


def check_extension_due(
    due: date,
    *,
    current: date | None,
    latest: date,
    max_days: int,
    wording: ExtensionWording,
    future: bool = True,
) -> None:
    """An extended deadline is later than the current one, (with `future`) than today, and not past `latest`."""
    if current and due <= current:
        _refuse_date(wording.not_later % {"d": current.isoformat()}, wording)
    if future:
        check_extension_future(due, wording=wording)
    if due > latest:
        _refuse_date(wording.past_limit % {"n": int(max_days), "d": latest.isoformat()}, wording)
