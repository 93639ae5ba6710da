"""Whose figures a viewer sees: everything, their own department's, or their own."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.http import Http404
from django.utils import timezone

from accounts.predicates import has_role, is_cppcc_leader, is_dept_liaison, is_member, is_office
from accounts.roles import Role
from intake.predicates import member_id_of

# The CPPCC office, its leaders, and the party/government side that supervises: every figure.
sees_everything = is_office | is_cppcc_leader | has_role(Role.PARTY_OFFICE, Role.GOV_OFFICE, Role.PARTY_LEADER)

ALL, DEPARTMENT, MEMBER = "all", "department", "member"


@dataclass(frozen=True)
class Scope:
    kind: str
    department_id: int | None = None
    member_id: int | None = None

    @property
    def is_all(self) -> bool:
        return self.kind == ALL


def scope_for(viewer) -> Scope | None:
    """The widest scope of figures viewer may see, or None (no dashboard for them)."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    if sees_everything(viewer):
        return Scope(ALL)
    if is_dept_liaison(viewer) and viewer.department_id:
        return Scope(DEPARTMENT, department_id=viewer.department_id)
    if is_member(viewer) and member_id_of(viewer) is not None:
        return Scope(MEMBER, member_id=member_id_of(viewer))
    return None


def require_scope(viewer) -> Scope:
    scope = scope_for(viewer)
    if scope is None:
        raise Http404
    return scope


@dataclass(frozen=True)
class Period:
    """A closed date range [start, end]; `year` is the year annual records (proposals, plans) use."""

    start: date
    end: date
    town: object = None  # district.Town
    category: object = None  # intake.AppealCategory

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def is_whole_year(self) -> bool:
        return self.start == date(self.year, 1, 1) and self.end == date(self.year, 12, 31)

    @property
    def start_dt(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_dt(self) -> datetime:
        """The first instant after the period (an exclusive bound)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @classmethod
    def for_year(cls, year: int, **filters) -> "Period":
        return cls(start=date(year, 1, 1), end=date(year, 12, 31), **filters)

    def query(self) -> dict:
        """The period and filters as list-page query parameters."""
        out = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.town is not None:
            out["town"] = self.town.pk
        if self.category is not None:
            out["category"] = self.category.pk
        return out
