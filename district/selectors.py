from django.db.models import QuerySet

from accounts.predicates import can_see_contacts
from district.models import CalendarDay, Department, Member


def members_list(*, term=None, sector=None, party=None, q: str = "") -> QuerySet[Member]:
    """Active members with their sector, party and committee loaded."""
    qs = Member.objects.filter(is_active=True).select_related("sector", "party", "body", "term", "town")
    if term:
        qs = qs.filter(term=term)
    if sector:
        qs = qs.filter(sector=sector)
    if party:
        qs = qs.filter(party=party)
    if q:
        qs = qs.filter(name__contains=q)
    return qs.order_by("sector__order", "id")


def may_see_contact(viewer, member: Member) -> bool:
    """Full contact data: the office and leaders, or the member themself."""
    if not viewer.is_authenticated:
        return False
    return can_see_contacts(viewer) or member.user_id == viewer.pk


def departments_list() -> QuerySet[Department]:
    """Active departments in display order."""
    return Department.objects.filter(is_active=True).order_by("order", "id")


def calendar_days(year: int) -> QuerySet[CalendarDay]:
    """The holidays and make-up working days entered for a year, in date order."""
    return CalendarDay.objects.filter(date__year=year).order_by("date")


def calendar_years(around: int) -> list[int]:
    """The years with days entered, with the year around and the next one (the coming year's notice)."""
    entered = {d.year for d in CalendarDay.objects.dates("date", "year")}
    return sorted(entered | {around, around + 1})
