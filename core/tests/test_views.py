import json
import re

import pytest

pytestmark = pytest.mark.django_db

ASSET = re.compile(r'(?:src|href)="(https?:)?//', re.IGNORECASE)


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/office/", "/api/docs/"])
def test_pages_load_assets_only_from_this_site(client, cast, path):
    client.force_login(cast.clerk)
    html = client.get(path).content.decode()
    assert not ASSET.search(html), "no CDN: every script, style and font is served by us"


def test_home_sends_staff_to_the_dashboard_and_citizens_to_the_portal(client, cast):
    client.force_login(cast.clerk)
    assert client.get("/")["Location"] == "/office/"
    client.force_login(cast.citizen)
    assert client.get("/").status_code == 200


def test_a_signed_in_citizen_keeps_the_portal_with_their_appeals_messages_settings_and_log_out(client, cast):
    """A citizen has no work queue: the portal bar leads to their own pages and out, not to a staff
    dashboard, and their messages and settings keep the portal's bar."""
    client.force_login(cast.citizen)
    home = client.get("/").content.decode()
    for href in ('href="/appeals/track/"', 'href="/notifications/"', 'href="/accounts/preferences/"'):
        assert href in home
    assert 'action="/accounts/logout/"' in home
    assert 'href="/office/"' not in home
    assert client.get("/office/")["Location"] == "/"
    for path in ("/notifications/", "/accounts/preferences/"):
        page = client.get(path).content.decode()
        assert 'aria-label="公众导航"' in page and 'action="/accounts/logout/"' in page, path
    client.force_login(cast.clerk)
    assert 'aria-label="主导航"' in client.get("/notifications/").content.decode()


def test_security_headers_are_set(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.fixture
def small_limits(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    return settings


def _token_header(user) -> dict:
    from accounts.models import ApiToken

    _token, key = ApiToken.issue(user=user, scope="write")
    return {"Authorization": f"Token {key}"}


def test_a_body_too_large_for_the_api_is_a_structured_413(client, cast, small_limits):
    body = json.dumps({"title": "t", "body": "x" * (3 * 1024 * 1024), "channel": "phone"})
    response = client.post("/api/v1/appeals/", body, content_type="application/json", headers=_token_header(cast.clerk))
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "too_large" and "请求内容过大" in error["message"] and "2 MB" in error["message"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_too_many_fields_for_the_api_is_a_structured_400(client, cast, small_limits, method):
    fields = {f"f{i}": "1" for i in range(20)}
    response = getattr(client, method)("/api/v1/appeals/", fields, headers=_token_header(cast.clerk))
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error == {"code": "too_many_fields", "message": "请求中的字段过多（最多10个）。", "fields": {}}


def test_too_many_fields_on_a_web_page_is_still_a_page(client, small_limits):
    response = client.post("/appeals/", {f"f{i}": "1" for i in range(20)})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")


def test_the_site_icon_is_linked_and_favicon_ico_leads_to_it(client):
    html = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert icon.endswith(".svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == icon


def test_a_long_queue_on_the_dashboard_leads_to_its_list(client, cast):
    """The dashboard shows eight items of a queue; a longer one ends in a link to the whole list."""
    from intake.tests.factories import AppealFactory

    client.force_login(cast.clerk)
    AppealFactory.create_batch(3)
    assert 'data-testid="queue-more"' not in client.get("/office/").content.decode()
    AppealFactory.create_batch(7)
    html = client.get("/office/").content.decode()
    link = re.search(r'<a href="([^"]+)" data-testid="queue-more">([^<]+)</a>', html)
    assert link.group(1) == "/appeals/office/?waiting=on" and "10" in link.group(2)
    # The list opens on the same queue as the card counts, not on every appeal.
    from intake.models import AppealStatus

    AppealFactory.create_batch(4, status=AppealStatus.CLOSED)
    assert client.get("/appeals/office/").context["page"].paginator.count == 14
    listed = client.get(link.group(1).replace("&amp;", "&"))
    assert listed.status_code == 200 and listed.context["page"].paginator.count == 10
    assert 'data-testid="waiting-filter"' in listed.content.decode()
    # Its export holds the same queue and says so.
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(client.get("/insight/export/appeals.xlsx", {"waiting": "on"}).content)).active
    assert "待我处理" in sheet["A1"].value


def test_a_missing_page_keeps_the_readers_own_navigation(client, cast):
    """Staff who follow a stale link keep their office menus; citizens and the public the portal's."""
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    assert 'data-testid="user-menu"' not in response.content.decode()
    client.force_login(cast.clerk)
    html = client.get("/plan/items/999999/edit/").content.decode()
    assert "页面不存在" in html
    assert 'data-testid="user-menu"' in html and 'data-testid="inbox-link"' in html
    client.force_login(cast.citizen)
    html = client.get("/no/such/page/").content.decode()
    assert "页面不存在" in html and 'data-testid="inbox-link"' not in html


def test_workflow_form_with_unknown_kind_is_404(client, cast):
    client.force_login(cast.clerk)
    assert client.post("/workflow/nope.nothing/1/", {"action": "x"}).status_code == 404


@pytest.mark.parametrize("next_url", ["x", "https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_a_workflow_form_whose_next_is_not_a_page_here_goes_back_to_the_record(client, cast, next_url):
    """`next` comes from the browser: a bare word (a view name to `redirect()`: a 500) or another
    site is replaced by the record's own page, with the refusal shown there."""
    from core.tests.testapp.models import Memo

    memo = Memo.objects.create(title="计划", owner=cast.member)
    client.force_login(cast.member)
    response = client.post(f"/workflow/{memo._meta.label_lower}/{memo.pk}/", {"action": "x", "next": next_url})
    assert response.status_code == 302 and response["Location"] == memo.get_absolute_url()
    kept = client.post(f"/workflow/{memo._meta.label_lower}/{memo.pk}/", {"action": "x", "next": "/office/?tab=2"})
    assert kept["Location"] == "/office/?tab=2"


def test_a_multiple_choice_beyond_the_integer_range_is_an_invalid_choice_not_a_500():
    """SQLite cannot bind 99999999999999999999; such an id matches nothing on either database."""
    from django import forms

    from district.models import Department
    from district.tests.factories import DepartmentFactory

    dept = DepartmentFactory()

    class Choose(forms.Form):
        departments = forms.ModelMultipleChoiceField(Department.objects.all())

    form = Choose({"departments": ["99999999999999999999", str(dept.pk)]})
    assert not form.is_valid() and "departments" in form.errors
    assert list(Department.objects.filter(pk__in=[-(2**70), dept.pk, 2**70])) == [dept]
    assert Choose({"departments": [str(dept.pk)]}).is_valid()


def test_an_overlong_workflow_note_is_explained_and_kept(client, cast):
    """A 6,000-character reason typed into the workflow panel comes back with why it was refused."""
    from django.urls import reverse

    from opinions.tests.factories import received

    report = received(cast)
    client.force_login(cast.info)
    response = client.post(
        reverse("core:transition", args=["opinions.opinionreport", report.pk]),
        {"action": "not_adopt", "note": "理由" * 3000, "next": report.get_absolute_url()},
        follow=True,
    )
    body = response.content.decode()
    assert "提交的数据有误。" in body and "5000" in body
    assert 'id="note-not_adopt" name="note" required>' + "理由" * 3000 + "</textarea>" in body
    assert body.count("理由" * 3000) == 1  # in that action's box only


def test_a_note_for_an_action_the_page_no_longer_offers_is_shown_on_its_own(client, cast):
    """A colleague moved the record on meanwhile: the refused action's box is gone, what was typed is not."""
    from django.urls import reverse

    from opinions.tests.factories import received

    report = received(cast)
    client.force_login(cast.info)
    response = client.post(
        reverse("core:transition", args=["opinions.opinionreport", report.pk]),
        {"action": "return", "note": "退回修改：请补充数据来源", "next": report.get_absolute_url()},
        follow=True,
    )
    body = response.content.decode()
    assert 'data-testid="unsaved-elsewhere"' in body and "退回修改：请补充数据来源" in body
    assert "退回修改：请补充数据来源</textarea>" not in body


def test_as_int_reads_only_ascii_digits():
    """ "²" and "١" pass str.isdigit(); int() refuses the first and reads the second: neither is an id here."""
    from core.http import as_int

    assert [as_int(v) for v in ("12", " 7 ", "²", "١", "-1", "x", "", None, 3)] == [
        12,
        7,
        None,
        None,
        None,
        None,
        None,
        None,
        3,
    ]


def test_only_staff_accounts_find_the_admin_in_their_menu(client, cast):
    cast.admin.is_staff = True
    cast.admin.save(update_fields=["is_staff"])
    client.force_login(cast.admin)
    assert 'data-testid="admin-link"' in client.get("/office/").content.decode()
    client.force_login(cast.clerk)
    assert 'data-testid="admin-link"' not in client.get("/office/").content.decode()
