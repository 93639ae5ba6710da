import pytest
from django.core.management import call_command

from intake.models import Appeal, Channel
from open311.demo import DEMO_API_KEY
from open311.models import ClientApplication
from open311.tests.contract import assert_valid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def test_demo_client_follows_its_requests_through_open311_and_loads_once(client):
    call_command("load_demo")
    assert Appeal.objects.filter(channel=Channel.OPEN311).count() == 4
    assert ClientApplication.objects.filter(is_active=False).count() == 1
    response = client.get("/open311/v2/requests.json", {"api_key": DEMO_API_KEY})
    assert response.status_code == 200
    data = response.json()
    assert_valid(data, "requests.json")
    # The list has every channel's recent public requests (the demo's letters too); the client's own four:
    own_ids = {str(pk) for pk in Appeal.objects.filter(channel=Channel.OPEN311).values_list("pk", flat=True)}
    own = [r for r in data if r["service_request_id"] in own_ids]
    assert sorted(r["status"] for r in own) == ["closed", "open", "open", "open"]
    assert all(r["description"].startswith("（演示）") for r in own)
    services = client.get("/open311/v2/services.json").json()
    assert_valid(services, "services.json")
    assert len(services) >= 10
