"""The English of messages added since the catalogue was last translated, for tests that read them.

`pending_english()` puts each (context, msgid) → English below into the English catalogue for the
duration of a test, unless the catalogue already has it (then the catalogue's own is used), so that
a test can assert the English a reader sees before `locale/` is regenerated.
"""

from contextlib import contextmanager

from django.utils.translation import trans_real

PENDING = {
    ("list separator", "、"): ", ",
    ("clause separator", "；"): "; ",
    ("two sentences", "%(first)s%(second)s"): "%(first)s %(second)s",
    ("opening bracket", "（"): " (",
    ("closing bracket", "）"): ")",
    ("appeal or issue", "类别"): "Category",
    ("appeal or issue", "地点"): "Location",
}


@contextmanager
def pending_english(entries: dict | None = None):
    catalogue = trans_real.translation("en")._catalog
    added = []
    for (context, msgid), english in (entries or PENDING).items():
        key = f"{context}\x04{msgid}" if context else msgid
        if catalogue.get(key) is None:
            catalogue._catalogs[0][key] = english
            added.append(key)
    try:
        yield
    finally:
        for key in added:
            catalogue._catalogs[0].pop(key, None)
