"""The limit on failed password checks per network address (password spraying).

Besides the lock-out of one account after repeated failures (axes, per account and address), one address
may fail only LOGIN_FAILURES_PER_ADDRESS times, whatever the accounts it tried and wherever it tried
them: the login page, the API's token exchange and the admin's login all count into the same bucket and
all refuse once it is used up. Trying one common password on many accounts is slowed to a crawl, while an
office sharing one address is not locked out by a few typos.
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import _SIMPLE_KEYS, get_usage

from core.http import client_address

GROUP = "accounts.login-failed"
MESSAGE = _("该网络地址登录失败次数过多，请稍后再试。")


def _address(group, request) -> str:
    """django-ratelimit's "ip" key, the client's address (core.http.client_address: behind a trusted proxy,
    from its X-Forwarded-For) with IPv6 grouped by its network; or one shared bucket for a request that
    names no address (a test client; a real server always sets REMOTE_ADDR) rather than a 500."""
    return _SIMPLE_KEYS["ip"](request) if client_address(request) else "unknown"


def _usage(request, *, count: bool):
    return get_usage(request, group=GROUP, key=_address, rate=settings.LOGIN_FAILURES_PER_ADDRESS, increment=count)


def address_exhausted(request) -> bool:
    """Whether the request's address has used up its failures (a look, not a count: only failures count)."""
    usage = _usage(request, count=False)
    return bool(usage) and usage["count"] >= usage["limit"]


def seconds_left(request) -> int:
    """Seconds until the request's address may fail again (the rest of the current window), at least 1."""
    usage = _usage(request, count=False)
    return max(int(usage["time_left"]), 1) if usage else 1


def count_failure(request) -> None:
    """Count one failed password check against the request's address."""
    _usage(request, count=True)


def guard_admin_login(login_view):
    """Wrap the admin site's login view (config/urls.py): refused with 429 once the address has used up its
    failures, and each failed sign-in there counted. axes still sees every attempt (the view is unchanged)."""

    @wraps(login_view)
    def view(request, *args, **kwargs):
        if request.method == "POST" and address_exhausted(request):
            return render(request, "429.html", {"message": MESSAGE}, status=429)
        response = login_view(request, *args, **kwargs)
        if request.method == "POST" and response.status_code != 302:
            form = (getattr(response, "context_data", None) or {}).get("form")
            # A password that matched but an account not allowed in the admin is no guess that failed.
            if form is None or getattr(form, "user_cache", None) is None:
                count_failure(request)
        return response

    return view
