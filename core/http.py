"""Small HTTP helpers shared by the apps' views."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def client_address(request) -> str:
    """The address of the client that sent the request, for every per-address limit (django-ratelimit's
    "ip" key through RATELIMIT_IP_META_KEY, django-axes through AXES_CLIENT_IP_CALLABLE, the DRF
    throttles, accounts.login_limits).

    REMOTE_ADDR, unless the request came from one of TRUSTED_PROXIES (a reverse proxy such as nginx,
    which appends the address it was connected from to X-Forwarded-For): then the nearest address in
    X-Forwarded-For, read from the right, that is not itself a trusted proxy. Whatever a client writes
    into the header itself stays to the left of what the proxy appended, so it is never read; and with
    no trusted proxy configured (the default, a server reached directly) the header is ignored."""
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = _networks(tuple(settings.TRUSTED_PROXIES))
    if not proxies or not _among(remote, proxies):
        return remote
    address = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        try:
            ip = ipaddress.ip_address(hop.strip())
        except ValueError:
            break  # not an address (a client's own junk): the last proxy passed on whatever it got
        address = str(ip)
        if not _among(ip, proxies):
            break
    return address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _among(address, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    except ValueError:
        return False
    return any(ip in network for network in networks)


def local_url(request, candidate: str | None, fallback: str) -> str:
    """candidate when it is a path on this site (what a `next` parameter may send a browser to), else
    fallback: never another site, and never a bare word that `redirect()` would look up as a view."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return fallback


def page_path(request) -> str:
    """Where a form on this page should send the browser back to (its `next`): the page's own path
    when it was opened with GET; "" when it was rendered in answer to a POST (a refused form shown
    again at the form's own, POST-only, URL), so that the receiving view falls back to the record's
    page instead of sending the browser to a URL that answers 405."""
    return request.get_full_path() if request.method in ("GET", "HEAD") else ""


def as_int(value) -> int | None:
    """The whole number a query or form value spells in ASCII digits, else None.

    str.isdigit() alone is not enough: it accepts "²" and "١٢", which int() refuses or reads.
    """
    raw = str(value if value is not None else "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


def refused_request(exception) -> tuple[int, str, str]:
    """(status, code, message) for a request Django refused before a view could read it: a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS (or files than
    DATA_UPLOAD_MAX_NUMBER_FILES), or another SuspiciousOperation."""
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024) or 1
        message = _("请求内容过大（附件以外的内容不能超过%(mb)s MB），请精简后重试。") % {"mb": limit}
        return 413, "too_large", message
    if isinstance(exception, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return 400, "too_many_fields", _("请求中的字段过多（最多%(n)s个）。") % {"n": limit}
    if isinstance(exception, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return 400, "too_many_files", _("一次上传的文件过多（最多%(n)s个）。") % {"n": limit}
    return 400, "bad_request", _("请求无效，无法处理。")
