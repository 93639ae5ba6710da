"""The English catalogue punctuates English as English: no Chinese (full-width) punctuation in a translation."""

import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
# Chinese punctuation and the full-width forms of ASCII (U+FF01–U+FF5E), the ideographic space and the CJK
# symbols block (、。〈〉《》「」『』【】〔〕…), plus the curly quotes Chinese text quotes with: an English
# translation uses ASCII quotes and apostrophes. Dashes (—), the middle dot (·) and × stay: English uses them.
FULL_WIDTH = re.compile("[\u3000-\u303f\uff01-\uff5e\u201c\u201d\u2018\u2019]")
# Chinese punctuation an English translation keeps on purpose, by message: it quotes what the reader types.
DELIBERATE = {
    # The enumeration comma (顿号) members' names may be separated with, named by the character itself.
    "联名提案填写，委员姓名之间用顿号或逗号分隔；联名人须为在任政协委员，并在线确认。": "、",
}


def _translations(entry) -> list[str]:
    return [entry.msgstr, *entry.msgstr_plural.values()]


def test_english_translations_use_english_punctuation():
    problems = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        allowed = DELIBERATE.get(entry.msgid, "")
        for text in _translations(entry):
            found = sorted({c for c in FULL_WIDTH.findall(text) if c not in allowed})
            if found:
                problems.append(f"{''.join(found)}  {entry.msgid!r} -> {text!r}")
    assert problems == [], f"{len(problems)} English translations with Chinese punctuation:\n" + "\n".join(problems)


def test_the_allow_list_names_messages_the_catalogue_still_has():
    """A deliberate exception that no longer matches a message is a stale entry to remove."""
    msgids = {entry.msgid for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete}
    assert set(DELIBERATE) <= msgids
