"""Deadlines shared by the workflows that send work back to a department."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _


def rehandling_deadline(current: date | None, days: int) -> date:
    """The later of the current deadline and today + days: re-handling never shortens a deadline,
    so a department that replied early is not left with less time than it had."""
    fresh = timezone.localdate() + timedelta(days=int(days))
    return max(current, fresh) if current else fresh


def record_rehandling_deadline(change, *, old: date | None, new: date, days: int) -> None:
    """Say in the audited action (and so in the notice sent with it) which deadline now applies."""
    if old is not None and new == old:
        line = _("重新办理期限：%(due)s（原期限晚于今日起%(days)s天，保留原期限）。")
    else:
        line = _("重新办理期限：%(due)s（今日起%(days)s天）。")
    line = line % {"due": new.isoformat(), "days": int(days)}
    change.note = f"{change.note}\n{line}" if change.note else line
    change.save(update_fields=["note"])
