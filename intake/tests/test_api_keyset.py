"""The appeal API list pages by cursor (no offset, no total count): fast at any depth."""

import pytest

from intake.models import Appeal
from intake.tests.factories import AppealFactory


@pytest.mark.django_db
def test_walking_the_appeal_list_by_cursor_returns_every_appeal_once_newest_first(api_client, cast):
    AppealFactory.create_batch(7)
    api_client.force_authenticate(cast.clerk)
    url, seen = "/api/v1/appeals/?page_size=3", []
    while url:
        page = api_client.get(url).json()
        assert "count" not in page
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == list(Appeal.objects.order_by("-created_at", "-id").values_list("pk", flat=True))


@pytest.mark.django_db
def test_filters_still_apply_with_the_cursor(api_client, cast):
    AppealFactory.create_batch(2, status="routed")
    AppealFactory(status="received")
    api_client.force_authenticate(cast.clerk)
    page = api_client.get("/api/v1/appeals/", {"status": "routed"}).json()
    assert {row["status"] for row in page["results"]} == {"routed"} and len(page["results"]) == 2
