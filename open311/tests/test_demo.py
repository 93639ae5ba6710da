import pytest
from django.core.management import call_command

from intake.models import Appeal, Channel
from open311.demo import DEMO_API_KEY
from open311.models import ClientApplication
from open311.tests.contract import assert_valid

pytestmark = pytest.mark.django_db


def test_demo_client_follows_its_requests_through_open311_and_loads_once(client):
    call_command("load_demo")
    call_command("load_demo")
    assert Appeal.objects.filter(channel=Channel.OPEN311).count() == 4
    assert ClientApplication.objects.filter(is_active=False).count() == 1
    response = client.get("/open311/v2/requests.json", {"api_key": DEMO_API_KEY})
    assert response.status_code == 200
    data = response.json()
    assert_valid(data, "requests.json")
    assert sorted(r["status"] for r in data) == ["closed", "open", "open", "open"]
    assert all(r["description"].startswith("（演示）") for r in data)
    services = client.get("/open311/v2/services.json").json()
    assert_valid(services, "services.json")
    assert len(services) >= 10
