"""Every link of the demo district opens for the person it is shown to, and no form of it answers
hostile input with a 500.

Loads the demo, then, for each demo account (and a visitor without one), follows the links of every
page reachable from the home page (same site, GET; a few pages per view), and collects any answer
that is not a page: a 500 is a bug, and a 403 or 404 means a page offered a link its viewer may not
follow. The second test submits each form found on those pages with hostile values.
"""

import re
from collections import Counter, deque
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]

ACCOUNTS = [
    "clerk", "research", "proposal", "info", "chair", "vicechair", "secgen", "member", "standing",
    "partyoffice", "govoffice", "partyleader", "liaison_edu", "liaison_hr", "expert", "citizen", "admin",
]  # fmt: skip
LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')
NOT_PAGES = ("/static/", "/media/", "/admin/", "/accounts/logout", "/i18n/")
PAGES_PER_VIEW = 2


def crawl(client: Client, on_page=None) -> tuple[int, list[tuple]]:
    """(pages opened, [(status, url, the page that linked it)]) from the home page on; on_page(url,
    html) is called with each page opened."""
    queue, seen, linked_from = deque(["/"]), set(), {}
    per_view: Counter = Counter()
    opened, failures = 0, []
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            view = resolve(url.split("?")[0]).view_name
        except Resolver404:
            failures.append(("no such page", url, linked_from.get(url)))
            continue
        if per_view[view, "?" in url] >= PAGES_PER_VIEW:
            continue
        per_view[view, "?" in url] += 1
        response = client.get(url)
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            target = response["Location"].split("#")[0]  # a fragment is the browser's, not the server's
            queue.appendleft(target)
            linked_from.setdefault(target, url)
            per_view[view, "?" in url] -= 1
            continue
        opened += 1
        if response.status_code >= 400:
            failures.append((response.status_code, url, linked_from.get(url)))
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            if on_page is not None:
                on_page(url, response.content.decode())
            for href in LINK.findall(response.content.decode()):
                href = href.replace("&amp;", "&")
                if not href.startswith(NOT_PAGES) and href not in seen:
                    queue.append(href)
                    linked_from.setdefault(href, url)
    return opened, failures


def test_every_link_of_the_demo_opens_for_each_account(settings):
    settings.RATELIMIT_ENABLE = False
    failures, opened = {}, {}
    for username in [*ACCOUNTS, None]:
        client = Client(raise_request_exception=False)
        if username:
            client.force_login(User.objects.get(username=username))
        opened[username], found = crawl(client)
        if found:
            failures[username] = found
    assert failures == {}
    assert min(opened.values()) >= 10 and opened["clerk"] >= 100  # the crawl did reach the pages


class _PostForms(HTMLParser):
    """The POST forms of a page: their action and the names of their fields (files left out)."""

    def __init__(self):
        super().__init__()
        self.forms, self._current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = None
            if (attrs.get("method") or "").lower() == "post":
                self._current = {"action": (attrs.get("action") or "").replace("&amp;", "&"), "fields": set()}
                self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "select", "textarea") and attrs.get("name"):
            if attrs.get("type") not in ("file", "submit"):
                self._current["fields"].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


HOSTILE = ["", "x", "99999999999999999999", "-1", "²", "2022-13-45T25:61", "<script>alert(1)</script>" * 400, "\x00"]
FUZZ_ACCOUNTS = ["clerk", "member", "liaison_edu", "research", "proposal", "info", "partyoffice", None]


def test_no_form_of_the_demo_answers_hostile_input_with_a_500(settings):
    """Each distinct form (view and field names, as the first account to meet it sees it) is posted
    once per hostile value, every field
    holding it: an empty form, a word where a choice or number is due, an id past any integer column,
    a digit Python calls a digit but int() refuses (²), an impossible date, 10,000 characters of
    markup, a NUL character."""
    settings.RATELIMIT_ENABLE = False
    errors, posted = [], set()
    for username in FUZZ_ACCOUNTS:
        client = Client(raise_request_exception=False)
        if username:
            client.force_login(User.objects.get(username=username))

        def submit_forms(url, html, client=client, username=username):
            parser = _PostForms()
            parser.feed(html)
            for form in parser.forms:
                action = form["action"] or url
                if not action.startswith("/") or action.startswith((*NOT_PAGES, "/accounts/")):
                    continue
                signature = (resolve(action.split("?")[0]).view_name, frozenset(form["fields"]))
                if signature in posted:
                    continue
                posted.add(signature)
                for value in HOSTILE:
                    data = {name: value for name in form["fields"] if name != "csrfmiddlewaretoken"}
                    status = client.post(action, data).status_code
                    if status >= 500:
                        errors.append((username, status, action, value[:30], url))

        crawl(client, on_page=submit_forms)
    assert errors == []
    assert len(posted) >= 60  # the crawl did reach the forms
