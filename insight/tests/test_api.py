"""The API: statistics and duty records per role, scoring rules, and the grassroots and bulletin records."""

from datetime import date

import pytest

from district.tests.factories import TownFactory
from grassroots.tests.factories import DutyIssueFactory, ReceptionDayFactory, WorkstationFactory
from insight.tests.factories import AppealCategoryFactory, appeal, attend, meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeals(cast):
    cat, town = AppealCategoryFactory(name="养老"), TownFactory(name="大同街道")
    from core.workflow import perform
    from supervision.services import create_task

    referred = appeal(on=date(2022, 3, 1), category=cat, town=town, department=cast.liaison.department)
    task = create_task(source=referred, title=referred.title, actor=cast.clerk, lead_department=cast.liaison.department)
    perform(task, "assign", actor=cast.gov_office, data={"due_date": "2099-01-01"})  # transferred (交办)
    appeal(on=date(2022, 3, 2), category=cat, town=town)
    return {"cat": cat, "town": town}


def get(api_client, user, url):
    api_client.force_authenticate(user)
    return api_client.get(url)


def figure(body, key):
    return next(f for f in body["figures"] if f["key"] == key)


def test_stats_dashboard_for_the_office(api_client, cast, appeals):
    body = get(api_client, cast.clerk, "/api/v1/stats/dashboard/?year=2022").json()
    assert body["scope"] == "all" and body["period"]["start"] == "2022-01-01"
    rows = figure(body, "appeals_by_category")["rows"]
    assert rows == [
        {
            "label": "养老",
            "value": 2.0,
            "url": f"/appeals/office/?start=2022-01-01&end=2022-12-31&category={appeals['cat'].pk}",
        }
    ]
    assert body["heat"]["rows"][0]["total"] == 2


def test_stats_for_a_liaison_are_their_departments(api_client, cast, appeals):
    body = get(api_client, cast.liaison, "/api/v1/stats/dashboard/?year=2022").json()
    assert body["scope"] == "department"
    assert figure(body, "appeals_by_category")["rows"][0]["value"] == 1
    assert all(f["key"] not in ("plan_stages", "suggestion_status") for f in body["figures"])


def test_stats_give_no_list_url_to_a_caller_who_cannot_see_that_list(api_client, cast, appeals):
    """The party leader sees the district's figures but may not open the appeal list behind them."""
    body = get(api_client, cast.party_leader, "/api/v1/stats/dashboard/?year=2022").json()
    assert body["scope"] == "all"
    assert figure(body, "appeals_by_category")["rows"][0] == {"label": "养老", "value": 2.0, "url": ""}
    assert all(c["url"] == "" for row in body["heat"]["rows"] for c in row["cells"])
    one = get(api_client, cast.party_leader, "/api/v1/stats/figures/appeals_by_town/?year=2022").json()
    assert one["rows"][0]["url"] == ""


def test_stats_filters_and_errors(api_client, cast, appeals):
    url = f"/api/v1/stats/figures/appeals_by_town/?start=2022-03-02&end=2022-03-31&category={appeals['cat'].pk}"
    assert get(api_client, cast.clerk, url).json()["rows"][0]["value"] == 1
    bad = get(api_client, cast.clerk, "/api/v1/stats/dashboard/?start=2022-03-02")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    assert get(api_client, cast.clerk, "/api/v1/stats/dashboard/?town=999999").status_code == 400
    for query in ("start=0001-01-01&end=0001-12-31", "start=9999-01-01&end=9999-12-31"):
        far = get(api_client, cast.clerk, f"/api/v1/stats/dashboard/?{query}")
        assert far.status_code == 400 and set(far.json()["error"]["fields"]) == {"start", "end"}
    assert get(api_client, cast.clerk, "/api/v1/stats/figures/nothing/").status_code == 404
    assert get(api_client, cast.citizen, "/api/v1/stats/dashboard/").status_code == 404


def test_duty_records_ranking_and_own_record(api_client, cast):
    attend(meeting(cast.clerk, on=date(2022, 5, 1)), member=cast.member.member)
    body = get(api_client, cast.chair, "/api/v1/duty-records/?year=2022&page_size=2").json()
    assert body["count"] > 2 and len(body["results"]) == 2
    assert body["results"][0]["name"] == "member" and body["results"][0]["total"] == "2.0"
    mine = get(api_client, cast.member, "/api/v1/duty-records/?year=2022").json()
    assert [r["name"] for r in mine["results"]] == ["member"]
    detail = get(api_client, cast.member, f"/api/v1/duty-records/{cast.member.member.pk}/?year=2022").json()
    line = next(x for x in detail["lines"] if x["item"] == "meeting" and x["variant"] == "present")
    assert line == {**line, "count": 1, "points_each": "2.0", "cap": "10.0", "points": "2.0"}
    other = get(api_client, cast.member, f"/api/v1/duty-records/{cast.other_member.member.pk}/")
    assert other.status_code == 404


def test_scoring_rules_are_listed_with_filters_for_the_office(api_client, cast):
    body = get(api_client, cast.clerk, "/api/v1/scoring-rules/?item=opinion").json()
    assert {r["variant"] for r in body["results"]} == {"submitted", "adopted"}
    assert get(api_client, cast.member, "/api/v1/scoring-rules/").json()["count"] == 0


def test_grassroots_records_are_readable_with_filters(api_client, cast):
    ws = WorkstationFactory(name="同安民建政协委员工作室")
    day = ReceptionDayFactory(workstation=ws, date=date(2022, 10, 8))
    day.on_duty.add(cast.member.member)
    ReceptionDayFactory(workstation=ws, date=date(2022, 11, 12))
    DutyIssueFactory(title="燃气公司搬迁")
    body = get(api_client, cast.clerk, f"/api/v1/reception-days/?workstation={ws.pk}&date__lte=2022-10-31").json()
    assert body["count"] == 1 and body["results"][0]["on_duty"] == ["member"]
    assert get(api_client, cast.clerk, "/api/v1/workstations/").json()["results"][0]["name"] == "同安民建政协委员工作室"
    assert get(api_client, cast.member, "/api/v1/duty-issues/").json()["results"][0]["title"] == "燃气公司搬迁"
    assert get(api_client, cast.liaison, "/api/v1/duty-issues/").json()["count"] == 0
    assert get(api_client, cast.liaison, "/api/v1/bulletins/").json()["count"] == 0
