"""A record's personal data shown in full once, on the page the viewer comes back to after asking.

The request to see it is a POST (audited by the service that answers it); the view then remembers
only *which* record was revealed, never the data itself, and redirects. The page's next GET takes
that mark, reads the data afresh and shows it once, so reloading the page neither asks the browser
to resend the form nor logs a second access; it shows the data masked again.
"""

_KEY = "revealed"


def remember_revealed(request, kind: str, pk: int) -> None:
    """Mark record `pk` of `kind` (a label such as "intake.appeal") as just revealed to this session."""
    request.session[_KEY] = f"{kind}:{pk}"


def take_revealed(request, kind: str) -> int | None:
    """The pk of the `kind` record revealed just before this request, once; None otherwise. A mark for
    another kind of record stays for its own page."""
    mark = request.session.get(_KEY, "")
    label, _sep, pk = mark.rpartition(":")
    if label != kind or not pk.isdigit():
        return None
    del request.session[_KEY]
    return int(pk)
