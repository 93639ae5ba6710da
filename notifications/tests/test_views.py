"""The inbox: opening one notification marks it read and follows its link; nobody opens another's."""

import pytest

from notifications.services import notify

pytestmark = pytest.mark.django_db


def _one(user, key, url=""):
    (n,) = notify(recipients=[user], event_key=key, title=f"待办{key}", url=url)
    return n


def test_opening_a_notification_marks_only_it_read_and_follows_its_link(client, cast):
    first, second = _one(cast.member, "a", "/proposals/"), _one(cast.member, "b", "/supervision/")
    client.force_login(cast.member)
    html = client.get("/notifications/").content.decode()
    assert f'href="/notifications/{first.pk}/"' in html
    response = client.get(f"/notifications/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == "/proposals/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_a_notification_without_a_safe_link_opens_the_inbox(client, cast):
    offsite, empty = _one(cast.member, "a", "https://evil.example/"), _one(cast.member, "b")
    client.force_login(cast.member)
    for n in (offsite, empty):
        assert client.get(f"/notifications/{n.pk}/")["Location"] == "/notifications/"


def test_nobody_opens_or_marks_another_users_notification(client, api_client, cast):
    theirs = _one(cast.clerk, "a", "/proposals/")
    client.force_login(cast.member)
    assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
    api_client.force_authenticate(cast.member)
    assert api_client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_api_marks_one_notification_read(api_client, cast):
    mine, other = _one(cast.member, "a"), _one(cast.member, "b")
    api_client.force_authenticate(cast.member)
    response = api_client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"]
    other.refresh_from_db()
    assert other.read_at is None
