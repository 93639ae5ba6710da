"""Every user-facing Chinese string goes through gettext; English translations exist."""

import io
import re
import tokenize
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
CJK_OR_COLON = re.compile(r"[\u4e00-\u9fff：]")  # a full-width colon between a label and a value, too
SKIP_PARTS = {"tests", "migrations", "node_modules", ".venv", "var", "data", "benchmarks"}
SKIP_NAMES = {"demo.py", "conftest.py"}
WRAPPERS = {"_", "gettext", "gettext_lazy", "ngettext", "pgettext", "pgettext_lazy", "ngettext_lazy"}
CONTEXT_WRAPPERS = {"pgettext", "pgettext_lazy"}


def python_files():
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if SKIP_PARTS & set(rel.parts) or path.name in SKIP_NAMES:
            continue
        yield path


def is_docstring(tokens, i) -> bool:
    """A string that is a statement on its own (docstrings): developer text, not user-facing."""
    before = tokens[i - 1].type if i else tokenize.NEWLINE
    after = tokens[i + 1].type if i + 1 < len(tokens) else tokenize.NEWLINE
    starts = (tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)
    return before in starts and after in (tokenize.NEWLINE, tokenize.ENDMARKER)


def unwrapped_cjk(path: Path) -> list[str]:
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))
    found = []
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.STRING or not CJK.search(tok.string):
            continue
        prev = [t for t in tokens[max(0, i - 8) : i] if t.type not in (tokenize.NL, tokenize.NEWLINE)]
        wrapped = len(prev) >= 2 and prev[-1].string == "(" and prev[-2].string in WRAPPERS
        # pgettext("context", "text"): the text is the argument after the context.
        wrapped |= (
            len(prev) >= 4
            and prev[-1].string == ","
            and prev[-2].type == tokenize.STRING
            and prev[-3].string == "("
            and prev[-4].string in CONTEXT_WRAPPERS
        )
        if not wrapped and not is_docstring(tokens, i):
            found.append(f"{path.relative_to(ROOT)}:{tok.start[0]}: {tok.string[:40]}")
    return found


def test_no_unwrapped_chinese_literals_in_code():
    problems = [p for path in python_files() for p in unwrapped_cjk(path)]
    assert problems == [], "wrap user-facing text in gettext:\n" + "\n".join(problems[:50])


TRANSLATED_IN_TEMPLATE = [
    re.compile(r"{%\s*(blocktrans|blocktranslate)\b.*?{%\s*end(blocktrans|blocktranslate)\s*%}", re.S),
    re.compile(r"{%\s*(trans|translate)\s+(\"[^\"]*\"|'[^']*').*?%}"),
    re.compile(r"_\((\"[^\"]*\"|'[^']*')\)"),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
]
# The server-error page is plain HTML (no template engine may be working) and says everything twice.
STATIC_BILINGUAL = {Path("templates/500.html")}


def test_no_unwrapped_chinese_in_templates_or_scripts():
    problems = []
    for path in [*ROOT.glob("templates/**/*.*"), *ROOT.glob("*/templates/**/*.*"), *ROOT.glob("static/js/*.js")]:
        rel = path.relative_to(ROOT)
        if SKIP_PARTS & (set(rel.parts[:-1]) - {"templates"}) or rel in STATIC_BILINGUAL:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in TRANSLATED_IN_TEMPLATE:
            text = pattern.sub("", text)
        problems += [f"{rel}: {line.strip()[:60]}" for line in text.splitlines() if CJK_OR_COLON.search(line)]
    assert problems == [], "wrap user-facing text in {% translate %}:\n" + "\n".join(problems[:50])


def test_english_catalogue_translates_every_message():
    po = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po if not e.obsolete and not e.translated() and CJK.search(e.msgid)]
    assert missing == [], f"{len(missing)} untranslated, e.g. {missing[:10]}"


@pytest.mark.django_db
def test_english_is_served_when_chosen(client):
    client.cookies["django_language"] = "en"
    html = client.get("/accounts/login/").content.decode()
    assert "Log in" in html or "Sign in" in html
