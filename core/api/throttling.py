"""DRF's throttles, counting anonymous callers by core.http.client_address: DRF's own reading of
X-Forwarded-For trusts whatever a client writes there (a new address per request, a new bucket)."""

from rest_framework import throttling

from core.http import client_address


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass
