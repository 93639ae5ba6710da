"""A notification's text kept unworded (message ids and parameters), worded when it is read.

Callers pass translatable text as `gettext_lazy("…%(name)s…")` with its parameters in a separate dict
(a lazy message's `%` would word it at once, in the acting user's language). A plain `str` is text
someone typed (a note, an agenda) and is shown as it is. A parameter may itself be translatable: a
lazy message, or a `Phrase` when it has parameters of its own (第%(n)s稿).

Stored form (Notification.message, JSON):
    {"title": TEXT, "body": TEXT, "params": {name: VALUE}}
    TEXT  = "literal text" | {"msgid": "…"}
    VALUE = "literal" | number | {"msgid": "…", "params": {name: VALUE}}
"""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.functional import Promise


@dataclass(frozen=True)
class Phrase:
    """A translatable parameter with parameters of its own."""

    message: Promise | str
    params: dict = field(default_factory=dict)


def _msgid(message: Promise) -> str:
    # Evaluated with translation deactivated, a lazy gettext message is its msgid (public API only).
    with translation.override(None):
        return str(message)


def pack_text(text) -> str | dict:
    """A title or body: a lazy message becomes its msgid; anything else is kept as typed."""
    if isinstance(text, Promise):
        return {"msgid": _msgid(text)}
    return str(text or "")


def pack_value(value):
    if isinstance(value, Phrase):
        packed = pack_text(value.message)
        if isinstance(packed, str):
            return packed
        return {**packed, "params": pack_params(value.params)}
    if isinstance(value, Promise):
        return {"msgid": _msgid(value), "params": {}}
    if isinstance(value, bool | int | float) or value is None:
        return value
    return str(value)  # a title, a name, a date: data, kept as it reads now


def pack_params(params: dict | None) -> dict:
    return {str(k): pack_value(v) for k, v in (params or {}).items()}


def _format(msgid: str, params: dict) -> str:
    values = {k: word_value(v) for k, v in params.items()}
    translated = translation.gettext(msgid)
    if not values:
        return translated
    for pattern in (translated, msgid):  # a faulty translation falls back to the original wording
        try:
            return pattern % values
        except (KeyError, ValueError, TypeError):
            continue
    return msgid


def word_value(value):
    if isinstance(value, dict) and "msgid" in value:
        return _format(value["msgid"], value.get("params") or {})
    return value


def word_text(text, params: dict) -> str:
    """Word a stored title or body in the active language."""
    if isinstance(text, dict) and "msgid" in text:
        return _format(text["msgid"], params or {})
    return text or ""
