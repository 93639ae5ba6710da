"""Working days: Monday to Friday, except the holidays and make-up working days the office entered
(`district.CalendarDay`). Deadlines counted in working days (会议通知、材料送达、纪要报送) read them here."""

from datetime import date, timedelta

from district.models import CalendarDay


class WorkCalendar:
    """Reads the entered days one year at a time, once per year, for one computation."""

    def __init__(self) -> None:
        self._years: dict[int, dict[date, bool]] = {}

    def _days_of(self, year: int) -> dict[date, bool]:
        if year not in self._years:
            rows = CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday")
            self._years[year] = dict(rows)
        return self._years[year]

    def is_workday(self, day: date) -> bool:
        entered = self._days_of(day.year).get(day)
        return day.weekday() < 5 if entered is None else entered

    def step(self, start: date, days: int, direction: int) -> date:
        current = start
        while days > 0:
            current += timedelta(days=direction)
            if self.is_workday(current):
                days -= 1
        return current


def add_workdays(start: date, days: int) -> date:
    """The date `days` working days after start."""
    return WorkCalendar().step(start, int(days), 1)


def workdays_before(end: date, days: int) -> date:
    """The date `days` working days before end."""
    return WorkCalendar().step(end, int(days), -1)
