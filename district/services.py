"""Writes of the district area: the office keeps the holiday calendar that working-day deadlines read,
and the district rules (django-constance) every area works by."""

from datetime import date, timedelta

from constance import config
from constance.utils import get_values
from django.db import transaction
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _

from accounts.predicates import is_clerk
from core.config import check_rules
from core.exceptions import ActionForbidden, Refused
from core.services import log_rule_changes
from district.models import CalendarDay
from district.predicates import edits_district_rules

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


@transaction.atomic
def change_district_rules(*, values: dict, reason: str, actor) -> list[str]:
    """Save the rules the office changed, recorded with their old and new values and the reason; nothing
    is saved when the rules would disagree with each other. Returns the names of the rules changed."""
    if not edits_district_rules(actor):
        raise ActionForbidden(_("只有政协办公室工作人员可以修改本区规则。"))
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("请填写修改理由。"), fields={"reason": [_("请填写修改理由。")]})
    before = get_values()
    unknown = set(values) - set(before)
    if unknown:
        raise Refused(_("没有这项规则：%(names)s。") % {"names": "、".join(sorted(unknown))})
    values = {k: normalize_newlines(v) if isinstance(v, str) else v for k, v in values.items()}
    problems = check_rules({**before, **values})
    if problems:
        raise Refused(_("有几项规则彼此不一致，没有保存：请按各项旁的提示修改。"), fields=problems)
    changes = [(name, before[name], value) for name, value in values.items() if value != before[name]]
    for name, _before, value in changes:
        setattr(config, name, value)
    if changes:
        log_rule_changes(user=actor, changes=changes, reason=reason)
    return [name for name, _before, _value in changes]
