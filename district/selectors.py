from django.contrib.admin.models import LogEntry
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


def district_rules() -> dict:
    """The district rules in force: the stored value of each, else its default."""
    from constance.utils import get_values

    return get_values()


def rule_changes(limit: int = 20) -> QuerySet[LogEntry]:
    """The latest changes of the district rules (this page's and the admin's), newest first, with who made them."""
    from core.services import district_rules_content_type

    return (
        LogEntry.objects.filter(content_type=district_rules_content_type(), object_id="Config")
        .select_related("user")
        .order_by("-action_time", "-id")[:limit]
    )
