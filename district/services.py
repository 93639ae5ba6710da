"""Writes of the district area: the office keeps the holiday calendar that working-day deadlines read."""

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.predicates import is_clerk
from core.exceptions import ActionForbidden, Refused
from district.models import CalendarDay

# A holiday notice's longest run is the Spring Festival's 8–9 days; a month is plenty for one entry.
MAX_SPAN_DAYS = 31


def _check_clerk(actor) -> None:
    if not is_clerk(actor):
        raise ActionForbidden(_("只有政协办公室工作人员可以维护节假日安排。"))


@transaction.atomic
def enter_calendar_days(*, first: date, last: date | None, is_workday: bool, name: str, actor) -> list[CalendarDay]:
    """Enter the days first..last as holidays (放假) or make-up working days (调休上班); a day already
    entered is replaced. Returns the days written."""
    _check_clerk(actor)
    last = last or first
    if last < first:
        raise Refused(_("结束日期不能早于开始日期。"), fields={"last": [_("结束日期不能早于开始日期。")]})
    if (last - first).days + 1 > MAX_SPAN_DAYS:
        message = _("一次最多录入%(n)s天。") % {"n": MAX_SPAN_DAYS}
        raise Refused(message, fields={"last": [message]})
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    if is_workday:
        weekdays = [d for d in days if d.weekday() < 5]
        if weekdays:
            message = _("%(d)s本来就是工作日，调休上班只需登记周六、周日。") % {"d": weekdays[0].isoformat()}
            raise Refused(message, fields={"first": [message]})
    existing = {row.date: row for row in CalendarDay.objects.select_for_update().filter(date__range=(first, last))}
    written = []
    for day in days:
        row = existing.get(day) or CalendarDay(date=day)
        row.is_workday, row.name = is_workday, name.strip()
        row.full_clean(validate_unique=False)
        row._history_user = actor
        row.save()
        written.append(row)
    return written


@transaction.atomic
def remove_calendar_day(*, day: CalendarDay, actor) -> None:
    """Remove an entered day: it counts again as its weekday says (the removal stays in its history)."""
    _check_clerk(actor)
    day._history_user = actor
    day.delete()
