"""The client's address behind a reverse proxy (core.http.client_address): read from X-Forwarded-For only
when the request comes from a configured trusted proxy, so that nginx's visitors are counted one by one
and nobody can choose their own address by sending the header to a server reached directly."""

import datetime

import pytest
import time_machine
from django.test import RequestFactory

from core.http import client_address

NGINX = "127.0.0.1"


def _request(remote="127.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_from_the_trusted_proxy_the_address_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXIES = [NGINX]
    assert client_address(_request(NGINX, "198.51.100.1")) == "198.51.100.1"
    # What the client wrote into the header itself stays to the left of what nginx appended.
    assert client_address(_request(NGINX, "10.9.9.9, 198.51.100.1")) == "198.51.100.1"
    assert client_address(_request(NGINX, "not-an-address, 198.51.100.1")) == "198.51.100.1"
    # Nothing forwarded: the proxy's own request.
    assert client_address(_request(NGINX)) == NGINX


def test_a_request_not_from_the_proxy_cannot_choose_its_address(settings):
    settings.TRUSTED_PROXIES = [NGINX]
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_a_chain_of_trusted_proxies_is_walked_back_to_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.1.0/28", NGINX]
    # client → load balancer 10.0.1.2 → nginx on 127.0.0.1 (each appends the address it was reached from)
    assert client_address(_request(NGINX, "6.6.6.6, 198.51.100.1, 10.0.1.2")) == "198.51.100.1"
    assert client_address(_request(NGINX, "2001:db8::1, 10.0.1.2")) == "2001:db8::1"


def test_a_bad_trusted_proxies_setting_stops_the_start(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from core.env import env_networks

    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1, nginx.local")
    with pytest.raises(ImproperlyConfigured, match="nginx.local"):
        env_networks("TRUSTED_PROXIES")
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8, ::1")
    assert env_networks("TRUSTED_PROXIES") == ["127.0.0.1", "10.0.0.0/8", "::1"]


# ---- the limits that count per address, behind nginx -----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("proxied", [True, False])
def test_the_tracking_pages_limit_counts_each_visitor_behind_the_proxy(client, settings, proxied):
    """One stranger looking up 30 wrong codes through nginx must not lock every citizen out of their own
    appeal; without the proxy configured, a new X-Forwarded-For on each request escapes nothing."""
    from intake.tests.factories import AppealFactory

    settings.TRUSTED_PROXIES = [NGINX] if proxied else []
    appeal = AppealFactory()
    # The limit counts per fixed minute: the clock stands still so that the requests cannot straddle two.
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC), tick=False):
        for n in range(30):
            client.get(f"/appeals/track/?code=AAAA-AA{n:02d}", HTTP_X_FORWARDED_FOR="203.0.113.9")
        stranger = client.get("/appeals/track/?code=AAAA-AAZZ", HTTP_X_FORWARDED_FOR="203.0.113.9")
        assert stranger.status_code == 429
        citizen = client.get(f"/appeals/track/{appeal.tracking_code}/", HTTP_X_FORWARDED_FOR="198.51.100.77")
    if proxied:
        assert citizen.status_code == 200 and appeal.title in citizen.content.decode()
    else:
        assert citizen.status_code == 404 and "太频繁" in citizen.content.decode()


def test_the_apis_anonymous_throttle_counts_the_client_not_what_it_writes_in_the_header(settings):
    from rest_framework.throttling import AnonRateThrottle

    from core.api.throttling import AnonRateThrottle as ClientAnonRateThrottle

    settings.TRUSTED_PROXIES = []
    throttle = ClientAnonRateThrottle()
    request = _request("203.0.113.7", "1.2.3.4")
    # DRF's own reading takes the header as it comes: a new bucket whenever the client changes it.
    assert AnonRateThrottle().get_ident(request) == "1.2.3.4"
    assert throttle.get_ident(request) == "203.0.113.7"
    settings.TRUSTED_PROXIES = [NGINX]
    assert throttle.get_ident(_request(NGINX, "1.2.3.4, 198.51.100.1")) == "198.51.100.1"
