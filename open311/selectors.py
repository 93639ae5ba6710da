"""Reads for Open311: services, service requests (without personal data), client applications."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, DateTimeField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core.i18n import join_clauses
from district.models import Community, Town
from intake.models import Appeal, AppealCategory, AppealStatus, PlanState
from open311.models import ClientApplication

MAX_WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
DESCRIPTION_MAX = 4000  # request.json caps description at 4000 characters


def active_services() -> QuerySet[AppealCategory]:
    """The appeal categories offered as Open311 services."""
    return AppealCategory.objects.filter(is_active=True).select_related("department").order_by("order", "id")


def service_by_code(code: str) -> AppealCategory | None:
    return active_services().filter(code=code).first()


def service_record(category: AppealCategory) -> dict:
    """One entry of services.json. The service name is the category's name as the district keeps it
    (not its English name): these endpoints take no locale parameter, so every client reads the same
    service list whatever Accept-Language it sends."""
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,
        "type": "realtime",
        "keywords": None,
        "group": category.department.name if category.department_id else None,
    }


def service_definition(category: AppealCategory) -> dict:
    """services/{code}.json: two optional attributes locating the matter in the district."""
    towns = list(Town.objects.order_by("order", "id"))
    communities = list(Community.objects.select_related("town").order_by("town__order", "town_id", "name"))
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": "town",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("填写镇街编号（key）或名称"),
                "order": 1,
                "description": _("问题发生在哪个镇街"),
                "values": [{"key": str(t.pk), "name": t.name} for t in towns],
            },
            {
                "variable": True,
                "code": "community",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("填写社区/村编号（key）或名称；所选社区/村须属于所选镇街"),
                "order": 2,
                "description": _("问题发生在哪个社区或村"),
                "values": [{"key": str(c.pk), "name": str(c)} for c in communities],
            },
        ],
    }


def active_client(api_key: str) -> ClientApplication | None:
    """The active client application holding this key, or None."""
    if not api_key:
        return None
    return ClientApplication.objects.filter(key_hash=ClientApplication.hash_key(api_key), is_active=True).first()


def client_applications() -> QuerySet[ClientApplication]:
    """Every registered client application, active ones first, for the office page."""
    return ClientApplication.objects.select_related("created_by").order_by("-is_active", "name")


# Service requests.

OPEN_STATES = (AppealStatus.RECEIVED, AppealStatus.ROUTED, AppealStatus.ANSWERED)
# Open311 knows only open and closed: an appeal its citizen withdrew is closed (status_notes says so).
CLOSED_STATES = (AppealStatus.CLOSED, AppealStatus.WITHDRAWN)


def _referred_department_name() -> Subquery:
    """The department the case was last referred to (转交部门办理: a supervision task opened from it,
    transferred by the government office, 交办), by name; null when it never was. A column of the
    requests' own query (no query per row)."""
    from supervision.choices import TaskStatus
    from supervision.models import SupervisionTask

    tasks = (
        SupervisionTask.objects.filter(
            source_type=ContentType.objects.get_for_model(Appeal),
            source_id=OuterRef("case_id"),
            lead_department__isnull=False,
        )
        .exclude(status=TaskStatus.CREATED)
        .order_by("-created_at", "-id")
    )
    return Subquery(tasks.values("lead_department__name")[:1], output_field=CharField())


# The steps on a closed case's plan (制定计划限期解决) that change what a request says after its closing:
# carried out (计划已落实: status_notes) or its date moved (expected_datetime).
PLAN_STEPS = ("complete_plan", "reschedule_plan")


def _last_plan_step() -> Subquery:
    """When the case's plan was last recorded carried out or moved (`PLAN_STEPS`), or null; a column of
    the requests' own query (no query per row)."""
    from core.models import StatusChange

    steps = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Appeal), object_id=OuterRef("case_id"), action__in=PLAN_STEPS
    ).order_by("-created_at", "-id")
    return Subquery(steps.values("created_at")[:1], output_field=DateTimeField())


def _requests() -> QuerySet[Appeal]:
    """Categorised appeals with the handling state of their case (the main case when merged), the
    department it was referred to, if any (`referred_department`), and when its plan was last followed
    up (`plan_changed_at`)."""
    merged = {"status": AppealStatus.MERGED, "merged_into__isnull": False}
    return (
        Appeal.objects.filter(category__isnull=False)
        .select_related(
            "category",
            "department",
            "town",
            "community",
            "workstation",
            "duty_group",
            "open311",
            "merged_into__department",
            "merged_into__workstation",
            "merged_into__duty_group",
        )
        .annotate(
            case_status=Case(
                When(**merged, then=F("merged_into__status")), default=F("status"), output_field=CharField()
            ),
            case_id=Case(When(**merged, then=F("merged_into_id")), default=F("pk"), output_field=IntegerField()),
        )
        .annotate(referred_department=_referred_department_name(), plan_changed_at=_last_plan_step())
    )


@dataclass
class RequestQuery:
    """Validated filters of GET requests (see forms.RequestQueryForm)."""

    ids: list[int] | None = None
    service_codes: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[str] | None = None


class WindowTooWide(ValueError):
    pass


def date_window(start: datetime | None, end: datetime | None, *, now: datetime | None = None):
    """The requested window, defaulting to the last 90 days; refuses one wider than 90 days."""
    now = now or timezone.now()
    if start and end:
        if end < start:
            raise WindowTooWide(_("end_date 不能早于 start_date。"))
        if end - start > MAX_WINDOW:
            raise WindowTooWide(_("start_date 与 end_date 的间隔不能超过90天。"))
        return start, end
    if start:
        return start, start + MAX_WINDOW
    if end:
        return end - MAX_WINDOW, end
    return now - MAX_WINDOW, now


def find_requests(query: RequestQuery) -> list[Appeal]:
    """GET requests: by id (overriding every other filter) or by service, window and open/closed."""
    qs = _requests()
    if query.ids is not None:
        return list(qs.filter(pk__in=query.ids).order_by("-created_at", "-id")[:MAX_RESULTS])
    start, end = date_window(query.start, query.end)
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    if query.service_codes:
        qs = qs.filter(category__code__in=query.service_codes)
    if query.statuses and set(query.statuses) != {"open", "closed"}:
        closed = Q(case_status__in=CLOSED_STATES)
        qs = qs.filter(closed if query.statuses == ["closed"] else ~closed)
    return list(qs.order_by("-created_at", "-id")[:MAX_RESULTS])


def get_request(pk: int) -> Appeal | None:
    return _requests().filter(pk=pk).first()


def _case(appeal: Appeal) -> Appeal:
    return appeal.merged_into if appeal.status == AppealStatus.MERGED and appeal.merged_into_id else appeal


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _agency(appeal: Appeal, case: Appeal) -> str | None:
    """Who handles the request: the department the case was referred to (a transferred referral
    task, `_requests`' `referred_department`), else the workstation, duty group or 政协办公室 it was
    routed to, else nobody yet. The department its category names (`Appeal.department`) is not a
    referral."""
    referred = getattr(appeal, "referred_department", None)
    if referred:
        return referred
    return case.handler_label or None


def _status_notes(appeal: Appeal, case: Appeal, *, own: bool) -> str:
    if case.status == AppealStatus.WITHDRAWN:
        return _("已撤回：诉求人撤回了该诉求，不再办理。")
    notes = str(case.get_status_display())
    if appeal.status == AppealStatus.MERGED:
        notes = _("与反映相同问题的诉求合并办理，当前：%(status)s") % {"status": notes}
    if case.status == AppealStatus.CLOSED and case.outcome:
        notes += _("（%(outcome)s）") % {"outcome": case.get_outcome_display()}
    # The plan carried out, as the tracking page says it (its date; what was done is the citizen's).
    done = case.plan_state == PlanState.DONE
    if done:
        done_on = timezone.localdate(case.plan_done_at).isoformat()
        notes = join_clauses([notes, _("计划已落实（%(d)s）") % {"d": done_on}])
    # What the handler wrote to the citizen goes only to the application that filed the appeal.
    if own and case.answer:
        notes += _("。答复：%(answer)s") % {"answer": case.answer}
    if own and done and case.plan_done_note:
        notes += _("。落实情况：%(note)s") % {"note": case.plan_done_note}
    return notes


def _updated(appeal: Appeal, case: Appeal, *, closed: bool) -> datetime:
    """The last change a client can see: for a closed case, its closing or a later step on its plan (carried
    out, or its date moved: `plan_changed_at`); else the last save of the request or its case."""
    if not (closed and case.closed_at):
        return max(appeal.updated_at, case.updated_at)
    steps = (case.closed_at, getattr(appeal, "plan_changed_at", None), case.plan_done_at)
    return max(at for at in steps if at is not None)


def _expected(case: Appeal) -> str | None:
    if not case.plan_due_date:
        return None
    return _iso(timezone.make_aware(datetime.combine(case.plan_due_date, time(23, 59, 59))))


def filed_description(body: str) -> str:
    """The description as the client filed it: `services._body` appends one block (location, picture,
    source application) after a blank line, for the handler's view of the appeal, not for the client."""
    description, sep, _added = body.rpartition("\n\n")
    return description if sep else body


def _address(appeal: Appeal) -> str | None:
    if appeal.community_id:
        return str(appeal.community)
    return appeal.town.name if appeal.town_id else None


def request_record(appeal: Appeal, *, client: ClientApplication | None = None) -> dict:
    """One entry of requests.json. No personal data; the filer's own details only for the filing client."""
    case = _case(appeal)
    filed = getattr(appeal, "open311", None)
    own = client is not None and filed is not None and filed.client_id == client.pk
    closed = case.status in CLOSED_STATES
    return {
        "service_request_id": str(appeal.pk),
        "status": "closed" if closed else "open",
        "status_notes": _status_notes(appeal, case, own=own),
        "service_name": appeal.category.name,
        "service_code": appeal.category.code,
        "description": filed_description(appeal.body)[:DESCRIPTION_MAX] if own else None,
        "agency_responsible": _agency(appeal, case),
        "service_notice": None,
        "requested_datetime": _iso(appeal.created_at),
        "updated_datetime": _iso(_updated(appeal, case, closed=closed)),
        "expected_datetime": _expected(case),
        "address": _address(appeal),
        "address_id": None,
        "zipcode": None,
        "lat": filed.lat if own else None,
        "long": filed.long if own else None,
        "media_url": (filed.media_url or None) if own else None,
    }
