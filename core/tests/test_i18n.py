"""Every user-facing Chinese string goes through gettext; English translations exist."""

import io
import re
import tokenize
from datetime import date
from html.parser import HTMLParser
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
    wrapped_at: set[int] = set()  # indexes of string tokens that are (the start of) a wrapped argument
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.STRING:
            continue
        prev = [
            (j, t)
            for j, t in enumerate(tokens[max(0, i - 8) : i], start=max(0, i - 8))
            if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)
        ]
        # _("first line" "second line"): adjacent literals are one string, wrapped like the first.
        if prev and prev[-1][1].type == tokenize.STRING and prev[-1][0] in wrapped_at:
            wrapped_at.add(i)
            continue
        prev = [t for _j, t in prev]
        wrapped = len(prev) >= 2 and prev[-1].string == "(" and prev[-2].string in WRAPPERS
        # pgettext("context", "text"): the text is the argument after the context.
        wrapped |= (
            len(prev) >= 4
            and prev[-1].string == ","
            and prev[-2].type == tokenize.STRING
            and prev[-3].string == "("
            and prev[-4].string in CONTEXT_WRAPPERS
        )
        if wrapped:
            wrapped_at.add(i)
        if not CJK.search(tok.string):
            continue
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


@pytest.mark.django_db
def test_the_language_switcher_names_each_language_in_itself(client):
    """Whoever lands on the English pages by mistake finds 简体中文 in the footer, and the other way round."""
    for language in ("en", "zh-hans"):
        client.cookies["django_language"] = language
        html = client.get("/").content.decode()
        assert '<option value="zh-hans" lang="zh-hans"' in html and ">简体中文</option>" in html, language
        assert ">English</option>" in html, language


class _VisibleText(HTMLParser):
    """The text a reader sees (and hears: alt, title, aria-label, placeholder), without scripts and
    without what is marked as Chinese on purpose (lang="zh-…", e.g. 简体中文 in the language switcher)."""

    ATTRS = ("alt", "title", "aria-label", "placeholder")

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._chinese: list[str] = []  # open elements marked lang="zh-…"

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if (dict(attrs).get("lang") or "").startswith("zh"):
            self._chinese.append(tag)
            return
        self.parts += [v for k, v in attrs if k in self.ATTRS and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        if self._chinese and self._chinese[-1] == tag:
            self._chinese.pop()

    def handle_data(self, data):
        if not self._skip and not self._chinese:
            self.parts.append(data)


def _data_corpus() -> str:
    """Every text value the database holds, apart from JSON snapshots: what a page may quote in
    Chinese whatever the reader's language. Plus the Chinese the English catalogue keeps on purpose
    (a search example, the keyword to send on WeChat)."""
    from django.apps import apps
    from django.db import models

    po = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    values = [e.msgstr for e in po if CJK.search(e.msgstr)]
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        if fields:
            for row in model._default_manager.values_list(*fields):
                values += [str(v) for v in row if v and CJK.search(str(v))]
    return "\n".join(values)


@pytest.mark.django_db
def test_key_pages_in_english_show_chinese_only_where_they_quote_data(client, cast):
    """Rendered in English, the pages say in Chinese only what they quote from the records (names,
    titles, text people wrote). Catches labels hard-coded where the source checks above cannot see
    them, and labels frozen into a stored snapshot in the language of whoever took it."""
    from django.utils import translation

    from district.tests.factories import CommitteeFactory
    from insight.tests.factories import appeal
    from topics.services.plan import cut_version
    from topics.tests.factories import plan_with_items

    CommitteeFactory(short_name="同安区政协")
    with translation.override("zh-hans"):
        plan = plan_with_items(cast, departments=[cast.liaison.department])
        cut_version(plan=plan, actor=cast.clerk)
        item = plan.items.order_by("order").first()
        item.quarter = 3
        item.save()
        cut_version(plan=plan, actor=cast.clerk)
    plan.refresh_from_db()
    appeal(on=date.today(), department=cast.liaison.department)
    pages = {
        None: ["/", "/appeals/", "/appeals/track/", "/plan/public/"],
        cast.clerk: [
            "/office/",
            "/plan/",
            plan.get_absolute_url(),
            f"/plan/versions/{plan.current_version_id}/",
            f"/plan/plans/{plan.pk}/diff/?a=1&b=2",
            "/insight/",
            "/insight/duty/",
            "/proposals/",
            "/appeals/office/",
            "/supervision/",
            "/notifications/",
            "/analytics/search/",
        ],
        cast.liaison: ["/office/", "/insight/", "/appeals/office/"],
        cast.member: ["/office/", "/insight/", "/insight/duty/me/"],
    }
    corpus = _data_corpus()
    problems = []
    for user, urls in pages.items():
        client.logout()
        if user:
            client.force_login(user)
        client.cookies["django_language"] = "en"
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            parser = _VisibleText()
            parser.feed(response.content.decode())
            for run in set(re.findall(r"[\u4e00-\u9fff]+", " ".join(parser.parts))):
                if run not in corpus:
                    problems.append(f"{url} ({user or 'anonymous'}): {run}")
    assert problems == [], "Chinese in English pages that is not data:\n" + "\n".join(sorted(problems)[:40])
