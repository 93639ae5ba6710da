"""The language of the record.

What the platform stores as text of its own making — an official document number, a task's title, a
line added to an audited note, a default heading — is part of the record every reader shares and the
documents print. It is written in the district's language (settings.LANGUAGE_CODE), whatever
language the acting user reads the site in; only what is shown to that user (a refusal, a flash
message) follows their language.
"""

from django.conf import settings
from django.utils import translation


def record_language():
    """Context manager: compose stored text inside it (`with record_language(): title = _("…") % …`)."""
    return translation.override(settings.LANGUAGE_CODE)


def recorded(message, params: dict | None = None) -> str:
    """A translatable message (lazy, e.g. gettext_lazy) worded in the record's language."""
    with record_language():
        return str(message) % params if params is not None else str(message)
