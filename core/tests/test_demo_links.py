"""Every link of the demo district opens for the person it is shown to.

Loads the demo, then, for each demo account (and a visitor without one), follows the links of every
page reachable from the home page (same site, GET; a few pages per view), and collects any answer
that is not a page: a 500 is a bug, and a 403 or 404 means a page offered a link its viewer may not
follow.
"""

import re
from collections import Counter, deque

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from accounts.models import User

ACCOUNTS = [
    "clerk", "research", "proposal", "info", "chair", "vicechair", "secgen", "member", "standing",
    "partyoffice", "govoffice", "partyleader", "liaison_edu", "liaison_hr", "expert", "citizen", "admin",
]  # fmt: skip
LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')
NOT_PAGES = ("/static/", "/media/", "/admin/", "/accounts/logout", "/i18n/")
PAGES_PER_VIEW = 2


def crawl(client: Client) -> tuple[int, list[tuple]]:
    """(pages opened, [(status, url, the page that linked it)]) from the home page on."""
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
            queue.appendleft(response["Location"])
            linked_from.setdefault(response["Location"], url)
            per_view[view, "?" in url] -= 1
            continue
        opened += 1
        if response.status_code >= 400:
            failures.append((response.status_code, url, linked_from.get(url)))
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            for href in LINK.findall(response.content.decode()):
                href = href.replace("&amp;", "&")
                if not href.startswith(NOT_PAGES) and href not in seen:
                    queue.append(href)
                    linked_from.setdefault(href, url)
    return opened, failures


@pytest.mark.django_db
def test_every_link_of_the_demo_opens_for_each_account(settings):
    settings.RATELIMIT_ENABLE = False
    call_command("load_demo")
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
