"""An appeal's audited timeline on the office page and in the API: every step for whoever opens the appeal
as staff; the notes for its handlers and the CPPCC leaders, and those told to the citizen for whoever
took the appeal down for the citizen (`intake.workflow`, reads_notes and addressee). The other offices,
which read appeals masked, see the steps."""

import pytest
from django.urls import reverse

from core.workflow import perform
from intake.models import Outcome, Route
from intake.tests.factories import AppealFactory

pytestmark = pytest.mark.django_db

REOPENED = "回访时群众反映路灯仍未修复，重新办理"


@pytest.fixture
def reopened(cast):
    """An appeal a member took down by phone, answered and closed by the office, then reopened."""
    appeal = AppealFactory(recorded_by=cast.member)
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    perform(appeal, "answer", actor=cast.clerk, note="已联系供电所")
    perform(appeal, "close", actor=cast.clerk, note="已修复", data={"outcome": Outcome.ON_THE_SPOT})
    return perform(appeal, "reopen", actor=cast.clerk, note=REOPENED)


def _page(client, user, appeal) -> str:
    client.force_login(user)
    response = client.get(reverse("intake:office-detail", args=[appeal.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _api(api_client, user, appeal) -> list[dict]:
    api_client.force_authenticate(user)
    response = api_client.get(f"/api/v1/appeals/{appeal.pk}/history/")
    assert response.status_code == 200
    return [e for e in response.json() if e["kind"] == "transition"]


@pytest.mark.parametrize("role", ["research", "info"])
def test_an_office_that_does_not_handle_appeals_sees_the_steps_not_the_notes(client, api_client, cast, reopened, role):
    user = getattr(cast, role)
    assert REOPENED not in _page(client, user, reopened)
    events = _api(api_client, user, reopened)
    assert [e["action"] for e in events] == ["route", "answer", "close", "reopen"]
    assert all(e["note"] == "" for e in events)


@pytest.mark.parametrize("role", ["clerk", "chair", "member"])
def test_the_handlers_the_leaders_and_who_recorded_it_read_the_notes(client, api_client, cast, reopened, role):
    user = getattr(cast, role)
    assert REOPENED in _page(client, user, reopened)
    assert REOPENED in {e["note"] for e in _api(api_client, user, reopened)}
