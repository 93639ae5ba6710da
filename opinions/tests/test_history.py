"""A report's audited timeline (page and API): every step for whoever may open the report; the notes for
the information office, the leaders who sign reports off and the unit it was forwarded to, and those
told to the member who reported it (`opinions.workflow`, reads_notes and addressee). The rest of the
office sees the steps."""

import pytest
from django.urls import reverse

from core.workflow import perform
from opinions.tests.factories import draft

pytestmark = pytest.mark.django_db

RETURNED = "请补充具体的政策建议后再报送"


@pytest.fixture
def returned(cast):
    """A report the information office returned with its reason, then received once resubmitted."""
    report = draft(cast)
    perform(report, "submit", actor=cast.member)
    perform(report, "return", actor=cast.info, note=RETURNED)
    perform(report, "submit", actor=cast.member)
    return perform(report, "receive", actor=cast.info)


def _page(client, user, report) -> str:
    client.force_login(user)
    response = client.get(reverse("opinions:detail", args=[report.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _api(api_client, user, report) -> list[dict]:
    api_client.force_authenticate(user)
    response = api_client.get(f"/api/v1/reports/{report.pk}/history/")
    assert response.status_code == 200
    return [e for e in response.json() if e["kind"] == "transition"]


@pytest.mark.parametrize("role", ["clerk", "research", "proposal"])
def test_the_rest_of_the_office_sees_the_steps_not_the_notes(client, api_client, cast, returned, role):
    user = getattr(cast, role)
    assert RETURNED not in _page(client, user, returned)
    events = _api(api_client, user, returned)
    assert [e["action"] for e in events] == ["submit", "return", "submit", "receive"]
    assert all(e["note"] == "" for e in events)


@pytest.mark.parametrize("role", ["info", "secgen", "member"])
def test_the_information_office_the_signers_and_the_reporter_read_the_reason(client, api_client, cast, returned, role):
    user = getattr(cast, role)
    assert RETURNED in _page(client, user, returned)
    assert RETURNED in {e["note"] for e in _api(api_client, user, returned)}
