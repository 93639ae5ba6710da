"""A task's audited timeline (page and API): every step for whoever may open the task; its notes for the
offices that transfer and supervise it and for the lead department (`supervision.workflow`, reads_notes).
The co-department and the rater see the steps without the notes passed between the others."""

import pytest
from django.urls import reverse

from core.workflow import perform
from supervision.tests.test_api import auth

pytestmark = pytest.mark.django_db

REASON = "该事项主要由人社局负责，申请改派"
KEPT = "维持原交办：教育局牵头，人社局配合"


@pytest.fixture
def disputed(task, cast):
    """The lead department disputed the transfer (申请改派) and the government office kept it."""
    perform(task, "request_reassign", actor=cast.liaison, note=REASON)
    perform(task, "keep_assignment", actor=cast.gov_office, note=KEPT)
    return task


def _page(client, user, task) -> str:
    client.force_login(user)
    response = client.get(reverse("supervision:task", args=[task.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _api(api_client, user, task) -> list[dict]:
    response = auth(api_client, user, scope="read").get(f"/api/v1/supervision-tasks/{task.pk}/history/")
    assert response.status_code == 200
    return [e for e in response.json() if e["kind"] == "transition"]


@pytest.mark.parametrize("role", ["other_liaison", "member"])
def test_the_co_department_and_the_rater_see_the_steps_not_the_notes(client, api_client, cast, disputed, role):
    user = getattr(cast, role)
    html = _page(client, user, disputed)
    assert "维持原交办" in html and REASON not in html and KEPT not in html
    events = _api(api_client, user, disputed)
    assert {"request_reassign", "keep_assignment"} <= {e["action"] for e in events}
    assert all(e["note"] == "" for e in events)


@pytest.mark.parametrize("role", ["liaison", "gov_office", "party_office", "clerk"])
def test_the_lead_department_and_the_offices_read_the_notes(client, api_client, cast, disputed, role):
    user = getattr(cast, role)
    html = _page(client, user, disputed)
    assert REASON in html and KEPT in html
    notes = {e["note"] for e in _api(api_client, user, disputed)}
    assert {REASON, KEPT} <= notes
