"""API: /api/v1/reports/ with the shared transitions/history endpoints."""

import pytest

from opinions.tests.factories import draft, received

pytestmark = pytest.mark.django_db
BASE = "/api/v1/reports/"


def test_member_writes_and_submits_a_report(api_client, cast):
    api_client.force_authenticate(cast.member)
    created = api_client.post(BASE, {"title": "关于燃气公司搬迁", "body": "建议尽快搬迁"}, format="json").json()
    assert created["status"] == "draft" and created["member"] == "member"
    done = api_client.post(f"{BASE}{created['id']}/transitions/", {"action": "submit"}, format="json")
    assert done.json()["status"] == "submitted"


def test_sign_off_by_a_member_is_a_structured_403_and_drafts_are_404_to_others(api_client, cast):
    report = received(cast)
    api_client.force_authenticate(cast.other_member)
    assert api_client.get(f"{BASE}{report.pk}/").status_code == 404
    api_client.force_authenticate(cast.info)
    assert {a["action"] for a in api_client.get(f"{BASE}{report.pk}/transitions/").json()} == {"forward", "not_adopt"}
    api_client.force_authenticate(cast.member)
    refused = api_client.post(f"{BASE}{report.pk}/transitions/", {"action": "sign_off"}, format="json")
    assert refused.status_code == 403
    api_client.force_authenticate(cast.secgen)
    assert api_client.post(f"{BASE}{report.pk}/transitions/", {"action": "sign_off"}, format="json").status_code == 200
    hidden = draft(cast, author=cast.other_member)
    assert api_client.get(f"{BASE}{hidden.pk}/").status_code == 404


def test_information_office_edits_with_the_version(api_client, cast):
    report = received(cast)
    api_client.force_authenticate(cast.info)
    ok = api_client.patch(f"{BASE}{report.pk}/", {"version": 1, "title": "编辑后", "body": "正文"}, format="json")
    assert ok.json()["title"] == "编辑后" and ok.json()["version"] == 2
    # A PATCH changes what it names: the title alone keeps the body.
    body = ok.json()["body"]
    title_only = api_client.patch(f"{BASE}{report.pk}/", {"version": 2, "title": "只改标题"}, format="json")
    assert title_only.status_code == 200
    assert (title_only.json()["title"], title_only.json()["body"]) == ("只改标题", body)
    no_version = api_client.patch(f"{BASE}{report.pk}/", {"title": "x"}, format="json")
    assert no_version.status_code == 400 and "version" in no_version.json()["error"]["fields"]


def test_a_filter_value_that_is_not_one_is_a_400_naming_it(api_client, cast):
    received(cast)
    api_client.force_authenticate(cast.info)
    assert len(api_client.get(BASE, {"status": "received"}).json()["results"]) == 1
    for params, field in (({"status": "zzz"}, "status"), ({"year": "abc"}, "year"), ({"year": "20222"}, "year")):
        response = api_client.get(BASE, params)
        assert response.status_code == 400 and field in response.json()["error"]["fields"], params


def test_an_instruction_or_report_up_value_that_is_not_text_is_a_400_naming_it(api_client, cast):
    from opinions.models import Instruction
    from opinions.tests.factories import published
    from supervision.models import SupervisionTask

    report = published(cast)
    api_client.force_authenticate(cast.info)
    url = f"{BASE}{report.pk}/transitions/"
    bad = {"leader": {"a": 1}, "text": ["x"], "level": "district"}
    response = api_client.post(url, {"action": "record_instruction", "data": bad}, format="json")
    assert response.status_code == 400 and response.json()["error"]["fields"]["leader"] == ["请填写批示领导。"]
    bad_text = {"leader": "张书记", "text": ["x"], "level": "district"}
    response = api_client.post(url, {"action": "record_instruction", "data": bad_text}, format="json")
    assert response.status_code == 400 and response.json()["error"]["fields"]["text"] == ["请填写批示内容。"]
    assert not Instruction.objects.exists() and not SupervisionTask.objects.exists()
    response = api_client.post(url, {"action": "report_up", "data": {"to": ["区委"]}}, format="json")
    assert response.status_code == 400 and "to" in response.json()["error"]["fields"]
    report.refresh_from_db()
    assert (report.status, report.reported_to) == ("adopted_local", "")


def test_the_information_office_enters_a_paper_report_for_a_member_and_a_group(api_client, cast):
    member = cast.other_member.member
    api_client.force_authenticate(cast.info)
    created = api_client.post(
        BASE,
        {"title": "纸质信息", "body": "正文", "member_id": member.pk, "provider": f"sector:{member.sector_id}"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["member"], created.json()["provider"]) == (member.name, str(member.sector))
    group = api_client.post(
        BASE, {"title": "界别信息", "body": "正文", "provider": f"sector:{member.sector_id}"}, format="json"
    )
    assert group.status_code == 201 and (group.json()["member"], group.json()["provider"]) == ("", str(member.sector))
    # Naming nobody, it would be nobody's: refused by name.
    refused = api_client.post(BASE, {"title": "无人署名", "body": "正文"}, format="json")
    assert refused.status_code == 400 and "member" in refused.json()["error"]["fields"]
    # A member writes their own reports only.
    api_client.force_authenticate(cast.member)
    forbidden = api_client.post(BASE, {"title": "代写", "body": "正文", "member_id": member.pk}, format="json")
    assert forbidden.status_code == 403
    not_theirs = api_client.post(BASE, {"title": "x", "body": "y", "provider": "workstation:1"}, format="json")
    assert not_theirs.status_code == 400 and "provider" in not_theirs.json()["error"]["fields"]


def test_a_nul_character_is_refused_with_a_message_that_says_so(api_client, cast):
    api_client.force_authenticate(cast.member)
    response = api_client.post(BASE, {"title": "标题\x00", "body": "正文"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["title"] == ["不能包含不可见的控制字符（如 NUL），请删除后重试。"]


def test_the_api_refuses_an_upper_adoption_at_the_district_cppccs_own_level(api_client, cast):
    """Review 6 #6: the API keeps the same rule as the page: 区政协编发 is no upper adoption."""
    from core.workflow import perform
    from opinions.tests.factories import published

    report = published(cast)
    perform(report, "report_up", actor=cast.info, data={"to": "市政协"})
    api = api_client
    api.force_authenticate(cast.info)
    url = f"{BASE}{report.pk}/transitions/"
    refused = api.post(url, {"action": "record_adoption", "data": {"level": "district_cppcc"}}, format="json")
    assert refused.status_code == 400
    assert "不是上级采用" in refused.json()["error"]["fields"]["level"][0]
    done = api.post(url, {"action": "record_adoption", "data": {"level": "city"}}, format="json")
    assert done.status_code == 200
    report.refresh_from_db()
    assert report.status == "adopted_upper"
    assert list(report.adoptions.values_list("level__code", flat=True)) == ["district_cppcc", "city"]
