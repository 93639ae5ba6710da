"""Reviewer round 1 (grassroots): the group page's proposal count and ticks, open issues whatever the year,
members credited for contacts, plans followed up, community consultations concluded later, and every bad
line of the community form explained at once."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.exceptions import Refused
from core.models import StatusChange
from core.workflow import perform
from district.tests.factories import CommunityFactory, DepartmentFactory, MemberFactory
from grassroots import selectors, services
from grassroots.models import CommunityConsultation, Contact, IssueStatus
from grassroots.tests.factories import DutyGroupFactory, DutyIssueFactory, ReceptionDayFactory, WorkstationFactory
from insight.selectors.duty import activity_counts
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(cast):
    group = DutyGroupFactory()
    group.members.add(cast.member.member)
    return group


def _ticks(page: str) -> int:
    return page.count('data-testid="proposal-tick"')


def _count(page: str) -> int:
    return int(re.search(r'data-testid="proposal-count">(\d+)<', page).group(1))


# 1. The 形成提案 count and the ticks follow one rule: the proposal linked in the year shown.


def test_the_proposal_count_and_the_ticks_agree_for_every_year(client, cast, group):
    done = {"status": IssueStatus.RESOLVED, "outcome": "on_the_spot"}
    early = DutyIssueFactory(group=group, title="早的问题", collected_on=datetime.date(2022, 3, 1), **done)
    late = DutyIssueFactory(group=group, title="晚提案的问题", collected_on=datetime.date(2022, 4, 1), **done)
    services.link_proposal(issue=early, title="关于甲的建议", submitted_on=datetime.date(2022, 6, 1), actor=cast.member)
    services.link_proposal(issue=late, title="关于乙的建议", submitted_on=datetime.date(2023, 2, 1), actor=cast.member)
    client.force_login(cast.member)
    for year, expected in ((2022, 1), (2023, 1), (2024, 0)):
        page = client.get(f"/grassroots/groups/{group.pk}/", {"year": year}).content.decode()
        assert _count(page) == _ticks(page) == expected, year
    # 2023 lists the issue of 2022 whose proposal went in that year, ticked; 2022 shows when it went in.
    page_2023 = client.get(f"/grassroots/groups/{group.pk}/", {"year": 2023}).content.decode()
    assert "晚提案的问题" in page_2023 and "早的问题" not in page_2023
    page_2022 = client.get(f"/grassroots/groups/{group.pk}/", {"year": 2022}).content.decode()
    assert "2023-02-01提交" in page_2022


# 9. Open issues are listed whatever their year; only finished ones follow the year.


def test_open_issues_of_earlier_years_are_listed_on_the_default_year(client, cast, group):
    DutyIssueFactory(
        group=group, title="二〇二二年调查中", collected_on=datetime.date(2022, 5, 1), status="investigating"
    )
    DutyIssueFactory(
        group=group,
        title="二〇二二年已办结",
        collected_on=datetime.date(2022, 5, 2),
        status="resolved",
        outcome="on_the_spot",
    )
    client.force_login(cast.member)
    page = client.get(f"/grassroots/groups/{group.pk}/").content.decode()
    open_part = page.split('data-testid="open-issues"')[1].split('data-testid="issues-title"')[0]
    assert "二〇二二年调查中" in open_part and "二〇二二年已办结" not in page
    assert re.search(r'data-testid="issues-count">0<', page)  # the counters follow the year shown


# 5. A contact credits the members who received or visited.


def test_a_clerk_recorded_visit_credits_the_members_ticked(client, cast):
    ws = WorkstationFactory()
    hong, chen = MemberFactory(), MemberFactory()
    ws.members.set([hong, chen, cast.member.member])
    client.force_login(cast.clerk)
    page = client.get(f"/grassroots/office/workstations/{ws.pk}/").content.decode()
    assert f'name="members" value="{hong.pk}"' in page
    response = client.post(
        f"/grassroots/office/workstations/{ws.pk}/contacts/",
        {
            "kind": "visit_out",
            "date": "2022-12-05",
            "service": "family_visit",
            "people_count": 4,
            "summary": "洪志强、陈宏委员走访困难家庭",
            "members": [hong.pk, chen.pk],
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert set(contact.members.all()) == {hong, chen}
    counts = activity_counts(2022, [hong.pk, chen.pk])
    assert all(counts[m.pk][("reception", "contact")] == 1 for m in (hong, chen))


def test_a_clerk_recording_a_visit_without_naming_members_is_asked_who_went(client, cast):
    ws = WorkstationFactory()
    ws.members.set([MemberFactory()])
    client.force_login(cast.clerk)
    data = {"kind": "visit_out", "date": "2022-12-05", "service": "policy", "people_count": 1, "summary": "走访"}
    response = client.post(f"/grassroots/office/workstations/{ws.pk}/contacts/", data)
    assert response.status_code == 400 and "请勾选接待或走访的委员" in response.content.decode()
    assert not Contact.objects.exists()


def test_a_reception_without_members_named_credits_the_days_members_on_duty(cast):
    ws = WorkstationFactory()
    a, b = MemberFactory(), MemberFactory()
    ws.members.set([a, b])
    day = ReceptionDayFactory(workstation=ws, date=datetime.date(2022, 10, 8))
    day.on_duty.set([a, b])
    contact = services.log_contact(
        workstation=ws,
        kind="reception",
        on=day.date,
        service="policy",
        summary="来访",
        reception_day=day,
        actor=cast.clerk,
    )
    assert set(contact.members.all()) == {a, b}


def test_the_contact_form_ticks_todays_members_on_duty(client, cast):
    ws = WorkstationFactory()
    a, b = MemberFactory(), MemberFactory()
    ws.members.set([a, b, cast.member.member])
    ReceptionDayFactory(workstation=ws, date=timezone.localdate()).on_duty.set([a])
    client.force_login(cast.member)
    page = client.get(f"/grassroots/office/workstations/{ws.pk}/").content.decode()
    assert re.search(rf'name="members" value="{a.pk}"[^>]*checked', page)
    assert not re.search(rf'name="members" value="{cast.member.member.pk}"[^>]*checked', page)


# 7. A plan is followed up until carried out, rescheduled with a reason, listed and reminded when due.


def _planned(cast, group, due: datetime.date):
    issue = DutyIssueFactory(group=group, title="园区公交线路不足", status=IssueStatus.INVESTIGATING)
    with pytest.raises(Refused):  # 办结 does not take a plan: it is not done yet
        perform(
            issue, "resolve", actor=cast.member, note="增开班车", data={"outcome": "plan", "plan_due_date": "2099-1-1"}
        )
    return perform(issue, "plan", actor=cast.member, note="增开班车", data={"plan_due_date": due.isoformat()})


def test_a_plan_stays_open_until_it_is_recorded_carried_out(cast, group):
    issue = _planned(cast, group, timezone.localdate() + datetime.timedelta(days=30))
    assert issue.status == IssueStatus.FOLLOW_UP and issue.outcome == "plan"
    with pytest.raises(Refused):  # the same date again is no reschedule
        perform(issue, "reschedule_plan", actor=cast.member, note="再议", data={"plan_due_date": issue.plan_due_date})
    new_date = timezone.localdate() + datetime.timedelta(days=90)
    perform(issue, "reschedule_plan", actor=cast.member, note="车辆采购延后", data={"plan_due_date": new_date})
    assert issue.status == IssueStatus.FOLLOW_UP and issue.plan_due_date == new_date
    step = StatusChange.objects.get(action="reschedule_plan")
    assert step.note == "车辆采购延后" and step.data["previous_plan_due_date"]
    perform(issue, "complete_plan", actor=cast.member, note="新线路已开通")
    assert issue.status == IssueStatus.RESOLVED and issue.outcome == "plan"
    assert list(StatusChange.objects.filter(object_id=issue.pk).values_list("action", flat=True)) == [
        "plan",
        "reschedule_plan",
        "complete_plan",
    ]


def test_a_micro_consultation_with_a_plan_leaves_the_issue_to_follow_up(cast, group):
    issue = DutyIssueFactory(group=group)
    services.log_micro_consultation(
        issue=issue,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        department=DepartmentFactory(),
        dept_head_name="林局长",
        residents=["居民甲"],
        summary="协商",
        outcome="plan",
        plan_due_date=datetime.date(2099, 3, 31),
        outcome_note="年底前增开线路",
        members=[cast.member.member],
        actor=cast.member,
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.FOLLOW_UP and issue.plan_due_date == datetime.date(2099, 3, 31)


def test_overdue_plans_are_listed_on_the_workbench_and_group_page_and_reminded_once(client, cast, group, time_machine):
    time_machine.move_to(datetime.datetime(2024, 1, 10, 9, tzinfo=datetime.UTC))
    issue = _planned(cast, group, datetime.date(2024, 2, 1))
    assert not selectors.issue_inbox(cast.member).filter(pk=issue.pk).exists()  # not due yet
    assert services.remind_due_plans() == 0
    time_machine.move_to(datetime.datetime(2024, 3, 1, 9, tzinfo=datetime.UTC))
    assert selectors.issue_inbox(cast.member).filter(pk=issue.pk).exists()
    client.force_login(cast.member)
    page = client.get(f"/grassroots/groups/{group.pk}/").content.decode()
    assert "计划2024-02-01到期，已逾期" in page
    assert "园区公交线路不足" in client.get("/office/").content.decode()
    call_command("send_issue_plan_reminders", stdout=open("/dev/null", "w"))
    call_command("send_issue_plan_reminders", stdout=open("/dev/null", "w"))
    reminders = Notification.objects.filter(recipient=cast.member, event_key__startswith="issue-plan-due:")
    assert reminders.count() == 1 and "已逾期" in reminders.get().title
    # Rescheduled: a new date, reminded again when that one comes.
    perform(issue, "reschedule_plan", actor=cast.clerk, note="经费未到位", data={"plan_due_date": "2024-06-30"})
    assert services.remind_due_plans() == 0
    time_machine.move_to(datetime.datetime(2024, 6, 30, 9, tzinfo=datetime.UTC))
    assert services.remind_due_plans() == 1


# 6. A community consultation recorded 尚未结束 is concluded later, and gets tasks added.


def _ongoing(cast) -> CommunityConsultation:
    return services.hold_community_consultation(
        community=CommunityFactory(),
        matter="加装电梯费用分摊",
        background="意见不一",
        starts_at=timezone.make_aware(datetime.datetime(2023, 5, 6, 14, 30)),
        participants=[("社区书记", "presiding")],
        agreement_reached=None,
        actor=cast.member,
    )


def test_an_ongoing_consultation_is_concluded_later_and_gets_tasks_added(client, cast):
    item = _ongoing(cast)
    client.force_login(cast.member)
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="conclude-form"' in page and "尚未结束" in page
    response = client.post(f"/grassroots/community/{item.pk}/conclude/", {"agreement_reached": "true", "agreement": ""})
    assert response.status_code == 400
    response = client.post(
        f"/grassroots/community/{item.pk}/conclude/", {"agreement_reached": "true", "agreement": "按楼层系数分摊"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.agreement_reached is True and item.agreement == "按楼层系数分摊"
    response = client.post(
        f"/grassroots/community/{item.pk}/tasks/", {"tasks": "申请补助；居委会；2023-06-30\n办理审批；住建局"}
    )
    assert response.status_code == 302
    assert set(item.tasks.values_list("description", flat=True)) == {"申请补助", "办理审批"}
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="conclude-form"' not in page
    assert "登记协商结果" in page and "按楼层系数分摊" in page and "新增后续任务" in page
    steps = StatusChange.objects.filter(object_id=item.pk, action__in=["conclude", "add_tasks"])
    assert set(steps.values_list("action", "actor")) == {("conclude", cast.member.pk), ("add_tasks", cast.member.pk)}
    with pytest.raises(Refused):  # concluded once
        services.conclude_community_consultation(
            consultation=item, agreement_reached=False, agreement="再议", actor=cast.clerk
        )


# Reviewer 3 (#8): the office, who recorded it (`member`) and the members who took part; not any member.
@pytest.mark.parametrize(
    ("role", "may"), [("clerk", True), ("member", True), ("chair", False), ("other_member", False), ("citizen", False)]
)
def test_who_may_conclude_a_consultation(client, cast, role, may):
    item = _ongoing(cast)
    client.force_login(getattr(cast, role))
    response = client.post(
        f"/grassroots/community/{item.pk}/conclude/", {"agreement_reached": "false", "agreement": "双方分歧较大"}
    )
    item.refresh_from_db()
    assert (item.agreement_reached is False) == may, role
    assert response.status_code in ((302,) if may else (403, 404)), role


# 12. The community consultation form explains every bad line at once.


def test_the_community_form_explains_every_bad_line_at_once(client, cast):
    client.force_login(cast.member)
    response = client.post(
        "/grassroots/community/new/",
        {
            "community": CommunityFactory().pk,
            "matter": "事项",
            "background": "背景",
            "starts_at": "2023-05-06T14:30",
            "agreement_reached": "unknown",
            "positions": "没有冒号\n一楼住户：不同意\n也没有冒号",
            "tasks": "申请补助；居委会；明天\n坏行\n审批；住建局；2023-06-30",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "明天" in html and "“坏行”" in html and "“没有冒号”" in html and "“也没有冒号”" in html
