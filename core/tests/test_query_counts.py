"""No N+1 on the main pages: a page's query count does not grow with the number of rows it lists.

For each app's main list (HTML and API) and one detail page, as the role that works with it, the
test renders the page with 2 rows, adds 18 more, renders it again and compares the query counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def _appeals(cast, n):
    from district.tests.factories import CommunityFactory
    from intake.models import Route
    from intake.tests.factories import AppealCategoryFactory, AppealFactory

    category = AppealCategoryFactory()
    out = []
    for _ in range(n):
        community = CommunityFactory()
        out.append(
            AppealFactory(
                category=category, town=community.town, community=community, route=Route.OFFICE, status="routed"
            )
        )
    return out


def _proposals(cast, n):
    from proposals.tests.factories import submitted

    return [submitted(cast) for _ in range(n)]


def _reports(cast, n):
    from core.workflow import perform
    from opinions.tests.factories import draft

    return [perform(draft(cast), "submit", actor=cast.member) for _ in range(n)]


def _tasks(cast, n):
    from supervision.services.tasks import create_task
    from supervision.tests.factories import OutcomeItemFactory

    out = []
    for _ in range(n):
        item = OutcomeItemFactory(responsible_department=cast.liaison.department)
        out.append(
            create_task(
                source=item, title=item.recommendation, actor=cast.clerk, lead_department=cast.liaison.department
            )
        )
    return out


def _members(cast, n):
    from district.tests.factories import MemberFactory

    return [MemberFactory() for _ in range(n)]


def _notifications(cast, n):
    from notifications.models import Notification
    from notifications.services import notify

    start = Notification.objects.count()
    for i in range(start, start + n):
        notify(recipients=[cast.member], event_key=f"query-count:{i}", title=f"通知{i}")
    return list(Notification.objects.filter(recipient=cast.member))


def _suggestions(cast, n):
    from topics.tests.factories import RoundFactory, SuggestionFactory

    rnd = RoundFactory()
    return [SuggestionFactory(round=rnd, suggester=cast.member) for _ in range(n)]


def _meetings(cast, n):
    from consultations.tests.factories import MeetingFactory

    return [MeetingFactory(created_by=cast.clerk) for _ in range(n)]


@dataclass
class Page:
    name: str
    role: str
    make: Callable
    url: Callable  # (rows) -> url
    few: int = 2  # rows in the first rendering (the dashboard shows up to 8 per queue, then counts)


PAGES = [
    Page("appeal list", "clerk", _appeals, lambda rows: "/appeals/office/"),
    Page("appeal API list", "clerk", _appeals, lambda rows: "/api/v1/appeals/"),
    Page("appeal detail", "clerk", _appeals, lambda rows: f"/appeals/office/{rows[0].pk}/"),
    Page("proposal list", "proposal", _proposals, lambda rows: "/proposals/"),
    Page("proposal API list", "proposal", _proposals, lambda rows: "/api/v1/proposals/"),
    Page("proposal detail", "proposal", _proposals, lambda rows: f"/proposals/{rows[0].pk}/"),
    Page("opinion list", "info", _reports, lambda rows: "/opinions/"),
    Page("opinion API list", "info", _reports, lambda rows: "/api/v1/reports/"),
    Page("opinion detail", "info", _reports, lambda rows: f"/opinions/{rows[0].pk}/"),
    Page("supervision list", "clerk", _tasks, lambda rows: "/supervision/"),
    Page("supervision list (liaison)", "liaison", _tasks, lambda rows: "/supervision/"),
    Page("supervision API list", "clerk", _tasks, lambda rows: "/api/v1/supervision-tasks/"),
    Page("supervision detail", "clerk", _tasks, lambda rows: f"/supervision/tasks/{rows[0].pk}/"),
    Page("member list", "clerk", _members, lambda rows: "/district/members/"),
    Page("member API list", "clerk", _members, lambda rows: "/api/v1/members/"),
    Page("notification inbox", "member", _notifications, lambda rows: "/notifications/"),
    Page("topic suggestions", "clerk", _suggestions, lambda rows: "/plan/suggestions/"),
    Page("meeting calendar", "clerk", _meetings, lambda rows: "/consultations/meetings/"),
    Page("meeting API list", "clerk", _meetings, lambda rows: "/api/v1/meetings/"),
    Page("dashboard", "clerk", _appeals, lambda rows: "/office/", few=9),
]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_query_count_does_not_grow_with_rows(client, cast, page):
    user = getattr(cast, page.role)
    client.force_login(user)
    rows = page.make(cast, page.few)
    url = page.url(rows)
    client.get(url)  # warm caches (content types, constance) as a running server has them
    few = _count(client, url)
    rows += page.make(cast, 18)
    many = _count(client, url)
    assert many <= few, f"{page.name}: {few} queries with {page.few} rows, {many} with {page.few + 18}"
    assert few <= 40, f"{page.name}: {few} queries"
