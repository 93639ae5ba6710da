"""Reviewer 1's findings on Open311: `agency_responsible` names who handles the request; a lat out of
range is reported once, in the right words; a missing description and a bad phone say what to do."""

import pytest

from core.workflow import perform
from district.tests.factories import DepartmentFactory
from intake.models import Appeal, Route
from intake.tests.factories import AppealCategoryFactory, AppealFactory
from open311.tests.factories import make_client

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


@pytest.fixture
def category():
    return AppealCategoryFactory(code="urban", name="城市管理", department=DepartmentFactory(name="城管局"))


def _agency(client, appeal):
    [record] = client.get(f"{BASE}/requests/{appeal.pk}.json").json()
    return record["agency_responsible"]


# #4: the handling body, not the category's default department.


def test_agency_responsible_is_who_handles_the_request(client, category, cast):
    from grassroots.tests.factories import WorkstationFactory
    from intake.services import refer_to_department

    appeal = AppealFactory(category=category, department=category.department)
    assert _agency(client, appeal) is None  # not routed yet: nobody handles it
    ws = WorkstationFactory(name="同安民建政协委员工作室")
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.WORKSTATION, "workstation": ws.pk})
    assert _agency(client, appeal) == "同安民建政协委员工作室"
    office = AppealFactory(category=category, department=category.department)
    perform(office, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    assert _agency(client, office) == "政协办公室"
    # Referred to a department: only once the government office transferred it (交办).
    task = refer_to_department(appeal=office, department=cast.liaison.department, actor=cast.clerk)
    assert _agency(client, office) == "政协办公室"
    perform(task, "assign", actor=cast.gov_office, data={"due_date": "2099-01-01"})
    assert _agency(client, office) == cast.liaison.department.name
    # A merged request names its main case's handler.
    dup = AppealFactory(category=category)
    perform(dup, "merge", actor=cast.clerk, data={"into": office.pk})
    assert _agency(client, dup) == cast.liaison.department.name


def test_agency_in_a_list_costs_no_query_per_row(client, category, cast, django_assert_max_num_queries):
    from intake.services import refer_to_department

    _app, key = make_client(name="计数")
    appeals = [AppealFactory(category=category) for _ in range(2)]
    for appeal in appeals:
        perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    with django_assert_max_num_queries(4) as few:
        client.get(f"{BASE}/requests.json", {"api_key": key})
    for _ in range(6):
        appeal = AppealFactory(category=category)
        perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
        task = refer_to_department(appeal=appeal, department=cast.liaison.department, actor=cast.clerk)
        perform(task, "assign", actor=cast.gov_office, data={"due_date": "2099-01-01"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        records = client.get(f"{BASE}/requests.json", {"api_key": key}).json()
    assert len(records) == 8
    assert sorted(r["agency_responsible"] for r in records) == sorted(
        ["政协办公室"] * 2 + [cast.liaison.department.name] * 6
    )


# #11: the POST's messages.


@pytest.fixture
def key():
    return make_client(name="12345热线对接")[1]


def _post(client, key, **fields):
    data = {"api_key": key, "service_code": "urban", "description": "路灯不亮", **fields}
    data = {name: value for name, value in data.items() if value is not None}
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == 400, response.content
    return [error["description"] for error in response.json()]


def test_a_lat_out_of_range_is_reported_once_not_as_missing(client, category, key):
    problems = _post(client, key, lat="999", long="118")
    assert len(problems) == 1 and problems[0].startswith("lat: ")
    assert not any("须同时提供" in p for p in problems)
    assert _post(client, key, lat="24.7") == ["lat 和 long 须同时提供。"]
    assert not Appeal.objects.exists()


def test_a_missing_description_and_a_bad_phone_get_the_public_forms_words(client, category, key):
    for description in (None, "  "):
        assert _post(client, key, description=description) == [
            "description: 请填写诉求内容：发生了什么、在哪里、希望如何解决。"
        ]
    assert _post(client, key, phone="call me") == ["phone: 请填写有效的电话号码（数字，7至20位）。"]
