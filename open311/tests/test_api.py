"""Open311 GeoReport v2 exercised as a client would: JSON validated against the published schemas, XML parsed."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from core.workflow import perform
from district.tests.factories import DepartmentFactory
from intake.models import Appeal, AppealStatus, Channel, Outcome, Route
from intake.tests.factories import AppealCategoryFactory, AppealFactory
from open311.models import ServiceRequest
from open311.services import deactivate_client
from open311.tests.contract import assert_valid, xml_root
from open311.tests.factories import make_client

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


@pytest.fixture
def category():
    return AppealCategoryFactory(code="urban", name="城市管理", description="路灯、占道经营等", department=None)


@pytest.fixture
def client_app():
    return make_client(name="12345热线对接")


def _file(client, api_key, category, fmt="json", headers=None, **extra):
    data = {"api_key": api_key, "service_code": category.code, "description": "西柯街道路灯不亮\n已经一周了。"}
    data.update(extra)
    return client.post(f"{BASE}/requests.{fmt}", data, headers=headers)


def _errors(response, status):
    assert response.status_code == status
    body = response.json()
    assert isinstance(body, list) and body
    assert all(set(e) == {"code", "description"} and e["code"] == status and e["description"] for e in body)
    return [e["description"] for e in body]


def _xml_errors(response, status):
    assert response.status_code == status
    root = xml_root(response)
    assert root.tag == "errors"
    errors = root.findall("error")
    assert errors and all(e.findtext("code") == str(status) and e.findtext("description") for e in errors)
    return [e.findtext("description") for e in errors]


# Services.


def test_services_json_lists_active_categories_and_matches_the_schema(client, category):
    category.department = DepartmentFactory(name="城管局")
    category.save()
    AppealCategoryFactory(code="retired", name="旧类别", is_active=False)
    response = client.get(f"{BASE}/services.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    assert_valid(data, "services.json")
    assert data == [
        {
            "service_code": "urban",
            "service_name": "城市管理",
            "description": "路灯、占道经营等",
            "metadata": True,
            "type": "realtime",
            "keywords": None,
            "group": "城管局",
        }
    ]


def test_services_xml_uses_the_spec_element_names(client, category):
    root = xml_root(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    [service] = root.findall("service")
    assert [child.tag for child in service] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert service.findtext("service_code") == "urban"
    assert service.findtext("metadata") == "true"
    assert service.findtext("type") == "realtime"


def test_service_definition_lists_towns_and_communities_as_optional_attributes(client, category):
    from district.models import Community, Town

    town = Town.objects.create(name="西柯街道", kind=Town.Kind.STREET)
    Community.objects.create(town=town, name="丙洲社区")
    data = client.get(f"{BASE}/services/urban.json").json()
    assert_valid(data, "service-definition.json")
    assert data["service_code"] == "urban"
    town_attr, community_attr = data["attributes"]
    assert (town_attr["code"], town_attr["required"], town_attr["datatype"]) == ("town", False, "singlevaluelist")
    assert town_attr["values"] == [{"key": str(town.pk), "name": "西柯街道"}]
    assert community_attr["values"][0]["name"] == "西柯街道丙洲社区"

    root = xml_root(client.get(f"{BASE}/services/urban.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "urban"
    attrs = root.findall("attributes/attribute")
    assert [a.findtext("code") for a in attrs] == ["town", "community"]
    assert attrs[0].findtext("required") == "false"
    assert attrs[0].find("values/value").findtext("name") == "西柯街道"


def test_unknown_service_definition_is_a_404_in_both_formats(client, category):
    assert "nope" in _errors(client.get(f"{BASE}/services/nope.json"), 404)[0]
    _xml_errors(client.get(f"{BASE}/services/nope.xml"), 404)


def test_unknown_endpoint_and_wrong_method_answer_in_the_spec_format(client):
    _errors(client.get(f"{BASE}/tokens/abc.json"), 404)
    _xml_errors(client.get(f"{BASE}/whatever.xml"), 404)
    response = client.delete(f"{BASE}/services.json")
    _errors(response, 405)
    assert response["Allow"] == "GET"


def test_discovery_points_at_this_endpoint(client):
    data = client.get(f"{BASE}/discovery.json").json()
    [endpoint] = data["endpoints"]
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml_root(client.get(f"{BASE}/discovery.xml"))
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


# POST requests: api_key rules.


def test_post_without_api_key_is_a_403(client, category):
    response = client.post(f"{BASE}/requests.json", {"service_code": "urban", "description": "路灯不亮"})
    assert "api_key" in _errors(response, 403)[0]
    assert not Appeal.objects.exists()


def test_post_with_a_wrong_api_key_is_a_403_in_xml_too(client, category, client_app):
    _xml_errors(_file(client, "o311_not-a-key", category, fmt="xml"), 403)
    assert not Appeal.objects.exists()


def test_a_deactivated_client_key_is_refused(client, category, client_app):
    app, key = client_app
    deactivate_client(client=app, actor=None)
    _errors(_file(client, key, category), 403)
    _errors(client.get(f"{BASE}/requests.json", {"api_key": key}), 403)


# POST requests: filing an appeal.


def test_post_files_an_open311_appeal_with_contact_and_location(client, category, client_app):
    from district.models import Community, Town

    app, key = client_app
    town = Town.objects.create(name="西柯街道")
    community = Community.objects.create(town=town, name="丙洲社区")
    response = _file(
        client,
        key,
        category,
        lat="24.6912",
        long="118.1523",
        address_string="丙洲大道88号",
        first_name="先生",
        last_name="王",
        phone="13912345678",
        email="wang@example.com",
        media_url="https://img.example.com/lamp.jpg",
        **{"attribute[town]": str(town.pk), "attribute[community]": str(community.pk)},
    )
    assert response.status_code == 201
    [record] = response.json()
    assert set(record) == {"service_request_id", "service_notice", "account_id"}
    appeal = Appeal.objects.get()
    assert record["service_request_id"] == str(appeal.pk)
    assert appeal.tracking_code in record["service_notice"]
    assert (appeal.channel, appeal.category, appeal.status) == (Channel.OPEN311, category, AppealStatus.RECEIVED)
    assert appeal.title == "西柯街道路灯不亮"
    assert appeal.body.startswith("西柯街道路灯不亮\n已经一周了。")
    assert "24.6912, 118.1523" in appeal.body and "https://img.example.com/lamp.jpg" in appeal.body
    assert "12345热线对接" in appeal.body
    assert (appeal.town, appeal.community) == (town, community)
    assert (appeal.contact_name, appeal.contact_phone, appeal.address) == ("王先生", "13912345678", "丙洲大道88号")
    filed = ServiceRequest.objects.get(appeal=appeal)
    assert (filed.client, filed.lat, filed.long) == (app, 24.6912, 118.1523)


def test_post_xml_answers_with_service_requests_request(client, category, client_app):
    _app, key = client_app
    response = _file(client, key, category, fmt="xml")
    assert response.status_code == 201
    root = xml_root(response)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == str(Appeal.objects.get().pk)
    assert request.find("account_id") is not None and request.findtext("service_notice")


def test_post_accepts_a_json_body(client, category, client_app):
    _app, key = client_app
    body = {"api_key": key, "service_code": "urban", "description": "路口缺少红绿灯", "lat": 24.7, "long": 118.1}
    response = client.post(f"{BASE}/requests.json", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    assert ServiceRequest.objects.get().lat == 24.7


def test_a_json_body_names_its_attributes_in_a_nested_object(client, category, client_app):
    from district.models import Community, Town

    town = Town.objects.create(name="西柯街道", kind=Town.Kind.STREET)
    community = Community.objects.create(town=town, name="丙洲社区")
    _app, key = client_app
    body = {
        "api_key": key,
        "service_code": "urban",
        "description": "路灯不亮",
        "attribute": {"town": str(town.pk), "community": community.pk},
    }
    response = client.post(f"{BASE}/requests.json", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    assert (Appeal.objects.get().town, Appeal.objects.get().community) == (town, community)


def test_a_json_body_with_an_object_where_a_value_belongs_is_a_400_naming_the_field(client, category, client_app):
    _app, key = client_app
    body = {"api_key": key, "service_code": "urban", "description": {"text": "路灯不亮"}}
    response = client.post(f"{BASE}/requests.json", json.dumps(body), content_type="application/json")
    assert _errors(response, 400) == ["字段 description 的值须为文本或数字。"]
    body = {"api_key": key, "service_code": "urban", "description": "路灯不亮", "attribute": {"town": ["1", "2"]}}
    response = client.post(f"{BASE}/requests.json", json.dumps(body), content_type="application/json")
    assert _errors(response, 400) == ["字段 attribute.town 的值须为文本或数字。"]
    assert not Appeal.objects.exists()


def test_post_with_missing_and_bad_fields_lists_every_problem(client, category, client_app):
    _app, key = client_app
    response = client.post(
        f"{BASE}/requests.json",
        {"api_key": key, "service_code": "urban", "description": "  ", "lat": "24.7", "phone": "call me"},
    )
    problems = _errors(response, 400)
    assert any(p.startswith("description") for p in problems)
    assert any(p.startswith("phone") for p in problems)
    assert any("lat" in p and "long" in p for p in problems)
    assert not Appeal.objects.exists()


def test_post_with_an_unknown_service_code_is_a_400(client, category, client_app):
    _app, key = client_app
    problems = _xml_errors(_file(client, key, category, fmt="xml", service_code="potholes"), 400)
    assert problems[0].startswith("service_code")
    assert not Appeal.objects.exists()


def test_post_refuses_a_community_outside_the_chosen_town(client, category, client_app):
    from district.models import Community, Town

    _app, key = client_app
    town, other = Town.objects.create(name="西柯街道"), Town.objects.create(name="新民镇")
    community = Community.objects.create(town=other, name="柑岭村")
    response = _file(
        client, key, category, **{"attribute[town]": str(town.pk), "attribute[community]": str(community.pk)}
    )
    assert _errors(response, 400)[0].startswith("attribute[community]")


def test_post_refuses_a_description_longer_than_the_spec_allows(client, category, client_app):
    _app, key = client_app
    assert _errors(_file(client, key, category, description="长" * 4001), 400)[0].startswith("description")


def test_a_retry_with_the_same_idempotency_key_files_one_appeal(client, category, client_app):
    _app, key = client_app
    first = _file(client, key, category, headers={"Idempotency-Key": "retry-1"})
    again = _file(client, key, category, headers={"Idempotency-Key": "retry-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert Appeal.objects.count() == 1 and ServiceRequest.objects.count() == 1
    token_first = _file(client, key, category, request_token="form-42")
    token_again = _file(client, key, category, request_token="form-42")
    assert token_first.json() == token_again.json() and Appeal.objects.count() == 2


def test_two_clients_never_share_a_retry_key(client, category, client_app):
    _app, key = client_app
    _other, other_key = make_client(name="便民小程序")
    one = _file(client, key, category, headers={"Idempotency-Key": "same"})
    two = _file(client, other_key, category, headers={"Idempotency-Key": "same"})
    assert one.json()[0]["service_request_id"] != two.json()[0]["service_request_id"]


def test_calls_over_the_clients_rate_limit_get_a_429_with_retry_after(client, category):
    _app, key = make_client(name="限流测试", rate_limit="2/m")
    _other, other_key = make_client(name="另一个应用")
    assert _file(client, key, category).status_code == 201
    assert client.get(f"{BASE}/services.json", {"api_key": key}).status_code == 200
    response = _file(client, key, category)
    _errors(response, 429)
    assert int(response["Retry-After"]) >= 1
    assert Appeal.objects.count() == 1
    assert _file(client, other_key, category).status_code == 201


# GET requests.


def _appeal(category, *, days_ago=0, **extra):
    appeal = AppealFactory(category=category, **extra)
    if days_ago:
        Appeal.objects.filter(pk=appeal.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return appeal


def _ids(response):
    assert response.status_code == 200, response.content
    data = response.json()
    assert_valid(data, "requests.json")
    return {int(r["service_request_id"]) for r in data}


def test_get_requests_defaults_to_the_last_90_days(client, category):
    recent, old = _appeal(category, days_ago=10), _appeal(category, days_ago=120)
    AppealFactory(category=None)  # uncategorised appeals are no Open311 service request
    assert _ids(client.get(f"{BASE}/requests.json")) == {recent.pk}
    start = (timezone.localdate() - timedelta(days=150)).isoformat()
    end = (timezone.localdate() - timedelta(days=100)).isoformat()
    assert _ids(client.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end})) == {old.pk}


def test_get_requests_refuses_a_window_wider_than_90_days(client, category):
    params = {"start_date": "2024-01-01T00:00:00+08:00", "end_date": "2024-03-31T00:00:01+08:00"}
    assert "90" in _errors(client.get(f"{BASE}/requests.json", params), 400)[0]
    _xml_errors(client.get(f"{BASE}/requests.xml", params), 400)
    params["end_date"] = "2024-03-30T16:00:00Z"  # exactly 90 days later
    assert client.get(f"{BASE}/requests.json", params).status_code == 200


def test_get_requests_refuses_bad_dates_statuses_and_ids(client, category):
    assert _errors(client.get(f"{BASE}/requests.json", {"start_date": "yesterday"}), 400)[0].startswith("start_date")
    assert _errors(client.get(f"{BASE}/requests.json", {"status": "pending"}), 400)[0].startswith("status")
    assert _errors(client.get(f"{BASE}/requests.json", {"service_request_id": "1,x"}), 400)
    params = {"start_date": "2024-05-02", "end_date": "2024-05-01"}
    _errors(client.get(f"{BASE}/requests.json", params), 400)


def test_get_requests_filters_by_status_and_service_code(client, category, cast):
    other = AppealCategoryFactory(code="ecology", name="生态环保")
    open_one = _appeal(category)
    closed_one = _appeal(other, status=AppealStatus.CLOSED, closed_at=timezone.now(), outcome=Outcome.ON_THE_SPOT)
    assert _ids(client.get(f"{BASE}/requests.json", {"status": "open"})) == {open_one.pk}
    assert _ids(client.get(f"{BASE}/requests.json", {"status": "closed"})) == {closed_one.pk}
    assert _ids(client.get(f"{BASE}/requests.json", {"status": "open,closed"})) == {open_one.pk, closed_one.pk}
    assert _ids(client.get(f"{BASE}/requests.json", {"service_code": "ecology"})) == {closed_one.pk}
    assert _ids(client.get(f"{BASE}/requests.json", {"service_code": "ecology,urban"})) == {open_one.pk, closed_one.pk}


def test_service_request_id_overrides_the_other_filters(client, category):
    old, recent = _appeal(category, days_ago=400), _appeal(category)
    params = {"service_request_id": f"{old.pk},{recent.pk},999999", "status": "closed"}
    assert _ids(client.get(f"{BASE}/requests.json", params)) == {old.pk, recent.pk}


def test_get_requests_never_exposes_personal_data(client, category, client_app):
    _app, key = client_app
    _appeal(category, contact_name="王秀英", contact_phone="13900001111", address="同安区某路8号")
    _file(client, key, category, first_name="小明", last_name="李", phone="13722223333", address_string="丙洲大道1号")
    for url in (f"{BASE}/requests.json", f"{BASE}/requests.xml"):
        for params in ({}, {"api_key": key}):
            content = client.get(url, params).content.decode("utf-8")
            for secret in ("王秀英", "13900001111", "同安区某路8号", "李小明", "13722223333", "丙洲大道1号"):
                assert secret not in content
    assert "tracking_code" not in content
    assert all(a.tracking_code not in content for a in Appeal.objects.all())


def test_only_the_filing_client_sees_description_location_and_media(client, category, client_app):
    app, key = client_app
    _other, other_key = make_client(name="别的应用")
    created = _file(client, key, category, lat="24.69", long="118.15", media_url="https://img.example.com/a.jpg")
    pk = created.json()[0]["service_request_id"]
    [mine] = client.get(f"{BASE}/requests/{pk}.json", {"api_key": key}).json()
    [theirs] = client.get(f"{BASE}/requests/{pk}.json", {"api_key": other_key}).json()
    [public] = client.get(f"{BASE}/requests/{pk}.json").json()
    assert mine["description"].startswith("西柯街道路灯不亮")
    assert (mine["lat"], mine["long"], mine["media_url"]) == (24.69, 118.15, "https://img.example.com/a.jpg")
    for record in (theirs, public):
        assert (record["description"], record["lat"], record["long"], record["media_url"]) == (None, None, None, None)
        assert record["service_code"] == "urban" and record["status"] == "open"
    assert_valid([mine, theirs, public], "requests.json")


def test_request_detail_in_xml_and_unknown_ids(client, category):
    appeal = _appeal(category)
    root = xml_root(client.get(f"{BASE}/requests/{appeal.pk}.xml"))
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == str(appeal.pk)
    assert request.findtext("status") == "open"
    assert request.findtext("service_code") == "urban"
    assert request.find("description").text is None  # null is an empty element
    assert request.findtext("requested_datetime").endswith("+08:00")
    _errors(client.get(f"{BASE}/requests/999999.json"), 404)
    _xml_errors(client.get(f"{BASE}/requests/abc.xml"), 404)
    _errors(client.get(f"{BASE}/requests/{'9' * 40}.json"), 404)


def test_a_merged_appeal_follows_its_main_case(client, category, cast):
    main, duplicate = _appeal(category), _appeal(category)
    perform(duplicate, "merge", actor=cast.clerk, data={"into": main.pk})
    perform(main, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    perform(main, "answer", actor=cast.clerk, note="已安排维修")
    perform(main, "close", actor=cast.clerk, note="已修好", data={"outcome": Outcome.ON_THE_SPOT})
    [record] = client.get(f"{BASE}/requests/{duplicate.pk}.json").json()
    assert record["status"] == "closed"
    assert "合并" in record["status_notes"] and "当场解决" in record["status_notes"]
    assert record["agency_responsible"] == "政协办公室"
    assert _ids(client.get(f"{BASE}/requests.json", {"status": "closed"})) == {main.pk, duplicate.pk}


def test_a_request_filed_through_open311_is_handled_by_staff_and_its_status_shows_up(
    client, category, client_app, cast
):
    """The round trip: a client files, the office routes, a department answers and closes, the client follows."""
    department = DepartmentFactory(name="城管局")
    category.department = department
    category.save()
    _app, key = client_app
    pk = _file(client, key, category).json()[0]["service_request_id"]

    [filed] = client.get(f"{BASE}/requests/{pk}.json", {"api_key": key}).json()
    # Not routed nor referred yet: nobody handles it (the category's department is not a referral).
    assert (filed["status"], filed["agency_responsible"]) == ("open", None)
    assert filed["status_notes"] == "已受理"

    staff = client.__class__()
    staff.force_login(cast.clerk)
    office_page = staff.get(f"/appeals/office/?channel={Channel.OPEN311}")
    assert office_page.status_code == 200 and "西柯街道路灯不亮" in office_page.content.decode()
    appeal = Appeal.objects.get(pk=pk)
    assert staff.post(
        f"/workflow/intake.appeal/{appeal.pk}/", {"action": "route", "data_route": Route.OFFICE, "note": ""}
    ).status_code in (302, 303)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED
    perform(appeal, "answer", actor=cast.clerk, note="已通知城管局维修路灯。")
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    perform(
        appeal, "close", actor=cast.clerk, note="列入维修计划", data={"outcome": Outcome.PLAN, "plan_due_date": due}
    )

    [closed] = client.get(f"{BASE}/requests/{pk}.json", {"api_key": key}).json()
    assert closed["status"] == "closed"
    assert "制定计划限期解决" in closed["status_notes"] and "已通知城管局维修路灯。" in closed["status_notes"]
    assert closed["expected_datetime"].startswith(due)
    appeal.refresh_from_db()
    assert closed["updated_datetime"] == timezone.localtime(appeal.closed_at).isoformat(timespec="seconds")
    [public] = client.get(f"{BASE}/requests/{pk}.json").json()
    assert public["status"] == "closed" and "已通知" not in public["status_notes"]
    assert _ids(client.get(f"{BASE}/requests.json", {"status": "closed"})) == {int(pk)}
    root = xml_root(client.get(f"{BASE}/requests.xml", {"status": "closed"}))
    assert root.find("request").findtext("status") == "closed"


def test_get_requests_query_count_does_not_grow_with_rows(client, category, cast, django_assert_max_num_queries):
    department = DepartmentFactory(name="城管局")
    _app, key = make_client(name="计数")
    for i in range(3):
        appeal = _appeal(category, department=department if i % 2 else None)
        perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    with django_assert_max_num_queries(4) as few:
        assert len(client.get(f"{BASE}/requests.json", {"api_key": key}).json()) == 3
    for _i in range(12):
        dup = _appeal(category)
        perform(dup, "merge", actor=cast.clerk, data={"into": appeal.pk})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(f"{BASE}/requests.json", {"api_key": key}).json()) == 15


def test_non_ascii_digits_and_far_dates_are_structured_errors_not_500(client, category, client_app):
    # "²" and "١" pass str.isdigit() but int() refuses them; a far date overflows the 90-day window.
    _app, key = client_app
    for attribute in ("attribute[town]", "attribute[community]"):
        assert _errors(_file(client, key, category, **{attribute: "²"}), 400)[0].startswith(attribute)
    assert _errors(client.get(f"{BASE}/requests/².json"), 404)
    assert _errors(client.get(f"{BASE}/requests.json", {"service_request_id": "١"}), 400)[0].startswith(
        "service_request_id"
    )
    for params in (
        {"start_date": "9999-12-31T23:59:59-23:00"},
        {"start_date": "0001-01-01T00:00:00+14:00"},
        {"end_date": "0001-01-01"},
    ):
        problem = _errors(client.get(f"{BASE}/requests.json", params), 400)[0]
        assert problem.startswith(next(iter(params))), params
    assert not Appeal.objects.exists()


def test_a_bad_media_url_is_reported_once(client, category, client_app):
    _app, key = client_app
    problems = _errors(_file(client, key, category, media_url="javascript:alert(1)"), 400)
    assert [p for p in problems if p.startswith("media_url")] == [problems[0]] and len(problems) == 1


def test_an_appeal_withdrawn_by_its_citizen_is_closed_with_a_note(client, category, cast):
    withdrawn, open_one = _appeal(category, citizen=cast.citizen), _appeal(category)
    perform(withdrawn, "withdraw", actor=cast.citizen, note="已自行解决")
    assert _ids(client.get(f"{BASE}/requests.json", {"status": "closed"})) == {withdrawn.pk}
    assert _ids(client.get(f"{BASE}/requests.json", {"status": "open"})) == {open_one.pk}
    [record] = client.get(f"{BASE}/requests/{withdrawn.pk}.json").json()
    assert record["status"] == "closed" and "撤回" in record["status_notes"]
    assert "已自行解决" not in record["status_notes"]  # the citizen's reason is for the handlers


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_too_many_fields_are_refused_in_the_spec_format(client, category, client_app, settings, fmt):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    _app, key = client_app
    response = _file(client, key, category, fmt=fmt, **{f"f{i}": "1" for i in range(20)})
    errors = _errors(response, 400) if fmt == "json" else _xml_errors(response, 400)
    assert errors == ["请求中的字段过多（最多10个）。"]
    assert not Appeal.objects.exists()


def test_a_body_too_large_is_a_413_in_the_spec_format(client, category, client_app, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    _app, key = client_app
    body = {"api_key": key, "service_code": category.code, "description": "x" * (2 * 1024 * 1024)}
    response = client.post(f"{BASE}/requests.json", json.dumps(body), content_type="application/json")
    assert "请求内容过大" in _errors(response, 413)[0]
    assert not Appeal.objects.exists()
