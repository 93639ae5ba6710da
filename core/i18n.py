"""The language of the record.

What the platform stores as text of its own making — an official document number, a task's title, a
line added to an audited note, a default heading — is part of the record every reader shares and the
documents print. It is written in the district's language (settings.LANGUAGE_CODE), whatever
language the acting user reads the site in; only what is shown to that user (a refusal, a flash
message) follows their language.
"""

from collections.abc import Iterable

from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext


def record_language():
    """Context manager: compose stored text inside it (`with record_language(): title = _("…") % …`)."""
    return translation.override(settings.LANGUAGE_CODE)


def recorded(message, params: dict | None = None) -> str:
    """A translatable message (lazy, e.g. gettext_lazy) worded in the record's language."""
    with record_language():
        return str(message) % params if params is not None else str(message)


def reads_english() -> bool:
    """Whether the active language (the reader's, or the record's inside `record_language()`) is English."""
    return (translation.get_language() or "").split("-")[0] == "en"


def in_reader_language(name: str, name_en: str | None) -> str:
    """A configured row's name as the reader reads it: its English name for an English reader when the
    office has filled one in, else the district's own (Chinese) name — always that one inside
    `record_language()`, so documents and stored text keep the district's wording."""
    return name_en if name_en and reads_english() else name


# Punctuation between pieces of text, in the active language: Chinese runs sentences together and
# lists names with 、 and clauses with ；; English needs ", ", "; " and a space between sentences.
# Used for what is shown to the reader (inside `record_language()` they give the district's own).


def join_list(items: Iterable) -> str:
    """Names or short items as a list: 甲、乙 / "A, B"."""
    return pgettext("list separator", "、").join(str(i) for i in items)


def join_clauses(items: Iterable) -> str:
    """Messages or clauses one after the other: 甲；乙 / "A; B"."""
    return pgettext("clause separator", "；").join(str(i) for i in items)


def join_sentences(*sentences) -> str:
    """Whole sentences one after the other: 甲。乙。 / "A. B." (a space between them in English)."""
    out = ""
    for sentence in sentences:
        sentence = str(sentence)
        out = pgettext("two sentences", "%(first)s%(second)s") % {"first": out, "second": sentence} if out else sentence
    return out


def parenthesised(text, note) -> str:
    """A text with a note in brackets: 张三（副主席）/ "Zhang San (Vice-chair)"."""
    opening, closing = pgettext("opening bracket", "（"), pgettext("closing bracket", "）")
    return f"{text}{opening}{note}{closing}"
