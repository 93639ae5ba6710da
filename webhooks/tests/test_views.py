import json
import re

import pytest

from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import deactivate_endpoint, register_endpoint, sign

pytestmark = pytest.mark.django_db

URL = "/webhooks/"


def test_clerk_registers_an_endpoint_and_sees_its_secret_once(client, cast):
    client.force_login(cast.clerk)
    response = client.post(
        URL, {"name": "12345热线", "url": "https://hotline.example.com/hook", "events": ["intake.appeal"]}
    )
    assert response.status_code == 200
    secret = re.search(r'data-testid="secret">([^<]+)<', response.content.decode()).group(1)
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.events, endpoint.created_by, endpoint.secret) == (["intake.appeal"], cast.clerk, secret)
    listing = client.get(URL).content.decode()
    assert "12345热线" in listing and secret not in listing and "群众诉求" in listing
    # The receiver verifies a delivery with the secret it was shown.
    body = json.dumps({"event": "status_changed"}).encode()
    assert sign(secret, "1700000000", body) == sign(endpoint.secret, "1700000000", body)


def test_invalid_endpoint_keeps_the_input(client, cast):
    client.force_login(cast.clerk)
    response = client.post(URL, {"name": "内部系统", "url": "ftp://x", "events": ["nope"]})
    assert response.status_code == 400
    assert 'value="内部系统"' in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_bad_address_is_reported_once(client, cast):
    from webhooks.forms import WebhookEndpointForm

    for url in ("ftp://x", "javascript:alert(1)"):
        form = WebhookEndpointForm({"name": "内部系统", "url": url, "events": ["intake.appeal"]})
        assert not form.is_valid() and len(form.errors["url"]) == 1, url
    form = WebhookEndpointForm({"name": "热线", "url": "hotline.example.com/hook", "events": ["intake.appeal"]})
    assert form.is_valid() and form.cleaned_data["url"] == "https://hotline.example.com/hook"


def test_deactivating_stops_sending_and_abandons_waiting_deliveries(client, cast):
    from django.utils import timezone

    endpoint, _secret = register_endpoint(
        name="旧系统", url="https://old.example.com/", events=["intake.appeal"], actor=None
    )
    waiting = WebhookDelivery.objects.create(
        endpoint=endpoint, event_id="e1", payload={}, next_attempt_at=timezone.now()
    )
    client.force_login(cast.clerk)
    assert "已停用" in client.post(f"{URL}{endpoint.pk}/deactivate/", follow=True).content.decode()
    endpoint.refresh_from_db()
    waiting.refresh_from_db()
    assert not endpoint.is_active and endpoint.deactivated_at is not None
    assert waiting.status == WebhookDelivery.Status.FAILED
    assert endpoint.history.first().history_user == cast.clerk
    from core.exceptions import Refused

    with pytest.raises(Refused):
        deactivate_endpoint(endpoint=endpoint, actor=cast.clerk)


@pytest.mark.parametrize("who", ["member", "liaison", "citizen"])
def test_only_clerks_manage_endpoints(client, cast, who):
    endpoint, _secret = register_endpoint(name="x", url="https://x.example.com/", events=["intake.appeal"], actor=None)
    client.force_login(getattr(cast, who))
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}{endpoint.pk}/deactivate/").status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.is_active
