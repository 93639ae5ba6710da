import pytest

from accounts.tests.factories import PASSWORD
from core.tests.browser import login
from opinions.tests.factories import draft
from topics.tests.factories import RoundFactory, SuggestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A title with no break opportunity: a pasted link, a serial number, a long English term.
LONG = "关于" + "https://example.org/" + "a" * 150


def _overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def test_a_long_unbroken_title_wraps_on_a_phone(phone_page, cast):
    report = draft(cast, title=LONG)
    suggestion = SuggestionFactory(round=RoundFactory(), suggester=cast.member, title=LONG[:120])
    login(phone_page, "member", PASSWORD)
    for url in (report.get_absolute_url(), "/opinions/", suggestion.get_absolute_url(), "/plan/suggestions/"):
        phone_page.goto(phone_page.base_url + url)
        assert LONG[:60] in phone_page.inner_text("main")
        assert _overflow(phone_page) <= 0, url
