"""Small HTTP helpers shared by the apps' views."""

from django.utils.http import url_has_allowed_host_and_scheme


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
