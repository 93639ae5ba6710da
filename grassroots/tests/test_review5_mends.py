"""Reviewer 5's findings on the duty groups and workstations: a plan carried out shows what was done and
when beside the plan (issue page, group list, API), and a contact refused for want of members says why
beside the members field."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.workflow import perform
from district.tests.factories import MemberFactory
from grassroots.models import Contact, IssueStatus
from grassroots.tests.factories import DutyGroupFactory, DutyIssueFactory, WorkstationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(cast):
    group = DutyGroupFactory()
    group.members.add(cast.member.member)
    return group


def _carried_out(cast, group, title: str, note: str):
    issue = DutyIssueFactory(group=group, title=title, status=IssueStatus.INVESTIGATING)
    due = timezone.localdate() + datetime.timedelta(days=200)
    perform(issue, "plan", actor=cast.member, note="制定搬迁计划。", data={"plan_due_date": due.isoformat()})
    perform(issue, "complete_plan", actor=cast.member, note=note)
    return issue, due


# ---- #2: 计划已落实（date）：note beside the original plan


def test_a_plan_carried_out_shows_when_and_what_was_done_on_the_issue_page(client, cast, group):
    issue, due = _carried_out(cast, group, "区燃气公司储配站搬迁", "储配站已于本月完成搬迁。")
    client.force_login(cast.member)
    page = client.get(f"/grassroots/issues/{issue.pk}/").content.decode()
    today = timezone.localdate().isoformat()
    assert f"计划已落实（{today}）：储配站已于本月完成搬迁。" in page
    assert f"（{due.isoformat()}）：制定搬迁计划。" in page  # the original plan stays beside it


def test_the_group_list_shows_plans_carried_out_with_one_query_for_the_listed_issues(client, cast, group):
    _carried_out(cast, group, "储配站搬迁", "储配站已搬迁。")
    open_plan = DutyIssueFactory(group=group, status=IssueStatus.INVESTIGATING)
    perform(open_plan, "plan", actor=cast.member, note="计划", data={"plan_due_date": "2099-01-01"})
    client.force_login(cast.member)
    url = f"/grassroots/groups/{group.pk}/"
    page = client.get(url).content.decode()
    today = timezone.localdate().isoformat()
    assert page.count('data-testid="plan-completed"') == 1  # the plan still being carried out shows none
    assert f"计划已落实（{today}）：储配站已搬迁。" in page
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(3):
        _carried_out(cast, group, f"问题{n}", f"已落实{n}")
    with CaptureQueriesContext(connection) as four:
        page = client.get(url).content.decode()
    assert page.count('data-testid="plan-completed"') == 4
    assert len(four) == len(one)


def test_the_api_gives_the_plan_carried_out(api_client, cast, group):
    issue, _due = _carried_out(cast, group, "储配站搬迁", "储配站已搬迁。")
    api_client.force_authenticate(cast.member)
    row = api_client.get(f"/api/v1/duty-issues/{issue.pk}/").json()
    assert row["plan_completed_on"] == timezone.localdate().isoformat()
    assert row["plan_completion_note"] == "储配站已搬迁。"
    other = DutyIssueFactory(group=group)
    row = api_client.get(f"/api/v1/duty-issues/{other.pk}/").json()
    assert row["plan_completed_on"] is None and row["plan_completion_note"] is None


# ---- #7: the refusal without members is said beside the members field, not as a bare 必填


def test_a_reception_without_members_on_a_day_without_roster_says_why_beside_the_members(client, cast):
    ws = WorkstationFactory()
    ws.members.set([MemberFactory()])
    client.force_login(cast.clerk)
    data = {"kind": "reception", "date": "2022-12-03", "service": "policy", "people_count": 1, "summary": "接待"}
    response = client.post(f"/grassroots/office/workstations/{ws.pk}/contacts/", data)
    assert response.status_code == 400 and not Contact.objects.exists()
    errors = response.context["contact_form"].errors
    assert errors["members"] == ["请勾选接待或走访的委员（记录计入他们的履职记录），或先为当天的接待日排班。"]
    assert "必填" not in response.content.decode()
