"""Fixes after the third review (拟题 → 确题 → 调研 → 协商 → 督办): where each topic has got to on the
overview, the collection round once the plan is past drafting, the plan's document number, the vote's
attendance form once voting began, and receipt reminders for plans of past years."""

import datetime as dt
import re

import pytest
from constance.test import override_config
from django.urls import reverse
from django.utils import timezone

from consultations.models import GroupStatus, MeetingStatus, ResearchGroup
from core.exceptions import Refused
from core.models import StatusChange
from core.workflow import perform, workflow_for
from notifications.models import Notification
from supervision.choices import TaskStatus
from supervision.models import ReportTemplate, SupervisionTask
from supervision.services.reports import compile_special_report
from supervision.services.tasks import Assignment, transfer_outcome_items
from supervision.tests.factories import MeetingFactory, OutcomeItemFactory
from topics.models import ConsultationPlan, DepartmentReceipt, PlanStatus, RoundStatus, TopicSuggestion
from topics.services import plan as plan_services
from topics.services import publication, suggestions, votes
from topics.services.reminders import send_plan_reminders
from topics.tests.factories import ItemFactory, PlanFactory, drive_to_vote, fmt, standing_present

pytestmark = pytest.mark.django_db

STEP = re.compile(r'data-step="(\w+)">([^<]+)<')


def _group(cast, item, status):
    return ResearchGroup.objects.create(
        subject=item, title=item.title, year=2040, lead=cast.vice_chair.member, created_by=cast.research, status=status
    )


def _supervised(cast, item, *, closed: int):
    """A minuted consultation on item, its two outcome items in an issued special report, transferred to
    教育局 (cast.liaison's department) with `closed` of the two tasks closed."""
    if not ReportTemplate.objects.exists():
        ReportTemplate.objects.create(
            name="默认", issuer="区政协办公室", recipients="区委、区政府", intro="$meeting", is_default=True
        )
    meeting = MeetingFactory(subject=item, status=MeetingStatus.MINUTED, created_by=cast.clerk)
    outcomes = [
        OutcomeItemFactory(meeting=meeting, recorded_by=cast.clerk, responsible_department=cast.liaison.department)
        for _ in range(2)
    ]
    report = compile_special_report(meeting=meeting, items=outcomes, actor=cast.research, lead=cast.member)
    for action, actor in (("submit", cast.research), ("sign", cast.secgen), ("issue", cast.research)):
        perform(report, action, actor=actor)
    due = timezone.localdate() + dt.timedelta(days=30)
    tasks = transfer_outcome_items(
        report=report,
        assignments=[Assignment(item=o, lead_department=cast.liaison.department, due_date=due) for o in outcomes],
        actor=cast.gov_office,
    )
    SupervisionTask.objects.filter(pk__in=[t.pk for t in tasks[:closed]]).update(status=TaskStatus.CLOSED)
    return meeting, report


def _topic_world(cast):
    """A published plan whose items stand at every step of the topic state machine."""
    plan = PlanFactory(year=2040, status=PlanStatus.PUBLISHED, created_by=cast.clerk)
    items = [ItemFactory(plan=plan, title=f"议题{n}") for n in range(7)]
    researching = _group(cast, items[1], GroupStatus.RESEARCHING)
    _group(cast, items[2], GroupStatus.CONCLUDED)
    later = timezone.now() + dt.timedelta(days=20)
    scheduled = MeetingFactory(subject=items[3], starts_at=later, ends_at=later, created_by=cast.clerk)
    MeetingFactory(
        research_group=_group(cast, items[4], GroupStatus.CONCLUDED), status=MeetingStatus.HELD, created_by=cast.clerk
    )
    _, report = _supervised(cast, items[5], closed=1)
    _supervised(cast, items[6], closed=2)
    return plan, items, {"group": researching, "meeting": scheduled, "report": report}


def _steps(client):
    return STEP.findall(client.get(reverse("topics:overview") + "?year=2040").content.decode())


def test_overview_shows_each_topics_real_step(client, cast):
    _, _, records = _topic_world(cast)
    client.force_login(cast.clerk)
    assert _steps(client) == [
        ("in_plan", "已列入计划"),
        ("researching", "调研中"),
        ("ready", "调研完成，待协商"),
        ("scheduled", f"已安排协商（{timezone.localtime(records['meeting'].starts_at):%Y-%m-%d}）"),
        ("consulted", "已协商"),
        ("supervising", "督办中（1/2 办结）"),
        ("closed", "已办结"),
    ]
    page = client.get(reverse("topics:overview") + "?year=2040").content.decode()
    for obj in records.values():
        assert f'href="{obj.get_absolute_url()}"' in page


def test_topics_of_a_plan_not_yet_adopted_show_the_plans_stage(client, cast):
    plan = PlanFactory(year=2040, status=PlanStatus.JOINT, created_by=cast.clerk)
    ItemFactory(plan=plan)
    client.force_login(cast.clerk)
    assert _steps(client) == [("plan", "三办联席会修改")]


def test_overview_links_only_what_the_viewer_may_open(client, cast):
    _, _, records = _topic_world(cast)
    client.force_login(cast.liaison)  # 教育局 handles the tasks; not in any group or meeting
    page = client.get(reverse("topics:overview") + "?year=2040").content.decode()
    assert "督办中（1/2 办结）" in page
    assert f'href="{records["group"].get_absolute_url()}"' not in page
    assert f'href="{records["meeting"].get_absolute_url()}"' not in page
    # The special report transferred to its department is the department's to read (supervision.selectors),
    # with its tasks: the step links to it.
    assert f'href="{records["report"].get_absolute_url()}">专报件与督办任务<' in page


def test_overview_queries_do_not_grow_with_topics(client, cast, django_assert_max_num_queries):
    plan, _, _ = _topic_world(cast)
    client.force_login(cast.clerk)
    with django_assert_max_num_queries(100) as few:
        client.get(reverse("topics:overview") + "?year=2040")
    for n in range(3):
        item = ItemFactory(plan=plan, title=f"新增议题{n}")
        _group(cast, item, GroupStatus.RESEARCHING)
        _supervised(cast, ItemFactory(plan=plan), closed=n % 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(_steps(client)) == 13


# ---- the collection round once the year's plan has gone for approval ------------------------------


def _round_and_plan(cast):
    rnd = suggestions.open_round(
        year=2040, title="2040年度协商议题征集", deadline=timezone.localdate() + dt.timedelta(days=21), actor=cast.clerk
    )
    plan = plan_services.create_plan(year=2040, title="2040年度政治协商计划", actor=cast.clerk, round=rnd)
    plan_services.add_item(plan=plan, actor=cast.clerk, title="落实教育“双减”政策", format=fmt("standing"), quarter=2)
    return rnd, plan


def test_submitting_the_plan_closes_its_round_on_the_record(cast):
    rnd, plan = _round_and_plan(cast)
    draft = suggestions.create_suggestion(round=rnd, title="加强校外托管机构", background="背景", suggester=cast.member)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED
    close = StatusChange.objects.get(object_id=rnd.pk, content_type__model="collectionround", action="close")
    assert close.actor == cast.clerk and "已提交审定" in close.note
    refused = "2040年度协商计划已提交审定（现为“待主席会议审议”），“2040年度协商议题征集”不再接收议题建议"
    with pytest.raises(Refused, match=refused):
        suggestions.create_suggestion(round=rnd, title="另一条建议", background="背景", suggester=cast.other_member)
    with pytest.raises(Refused, match="不再接收议题建议"):
        perform(draft, "submit", actor=cast.member)
    # Nor can the office reopen it for a plan that suggestions can no longer enter.
    assert "reopen" not in [a.name for a in workflow_for(rnd).available(rnd, cast.clerk)]
    with pytest.raises(Refused, match="不再接收议题建议"):
        perform(rnd, "reopen", actor=cast.clerk, note="补充征集")


def test_a_round_left_open_beside_a_published_plan_is_treated_as_closed(client, cast):
    rnd, plan = _round_and_plan(cast)
    ConsultationPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.PUBLISHED)  # data from before the fix
    client.force_login(cast.member)
    overview = client.get(reverse("topics:overview") + "?year=2040").content.decode()
    assert reverse("topics:suggestion_create") not in overview
    page = client.get(rnd.get_absolute_url()).content.decode()
    assert 'data-testid="round-plan-past-drafting"' in page and reverse("topics:suggestion_create") not in page
    response = client.post(
        reverse("topics:suggestion_create"), {"round": rnd.pk, "title": "加强校外托管机构监管", "background": "背景"}
    )
    assert response.status_code == 200 and not TopicSuggestion.objects.filter(title="加强校外托管机构监管").exists()
    with pytest.raises(Refused, match="现为“已印发”"):
        suggestions.create_suggestion(round=rnd, title="又一条", background="背景", suggester=cast.member)


# ---- the plan's document number ------------------------------------------------------------------


def test_the_suggested_document_number_carries_the_year_of_issue(client, cast):
    plan = drive_to_vote(cast, year=2040)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    votes.close_vote(vote=vote, actor=cast.clerk)
    client.force_login(cast.party_office)
    suggested = client.get(reverse("topics:publish", args=[plan.pk])).context["form"].initial["doc_number"]
    assert f"〔{timezone.localdate().year}〕" in suggested and "〔2040〕" not in suggested
    assert publication.doc_number_for(plan, 58, issued_on=dt.date(2039, 12, 7)).endswith("〔2039〕58号")


# ---- the vote's attendance once voting has started -------------------------------------------------


def test_attendance_is_read_only_once_a_ballot_is_cast(client, cast):
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method="online")
    standing_present(vote, cast.chair.member, cast.vice_chair.member, cast.standing.member)
    client.force_login(cast.clerk)
    page = client.get(vote.get_absolute_url()).content.decode()
    assert f'name="m_{cast.chair.member.pk}"' in page and 'data-testid="save-attendance"' in page
    votes.cast_ballot(vote=vote, actor=cast.standing, choice="for")
    page = client.get(vote.get_absolute_url()).content.decode()
    assert f'name="m_{cast.chair.member.pk}"' not in page and 'name="r_' not in page
    assert 'data-testid="save-attendance"' not in page
    assert "表决已经开始，出席情况不能再修改。" in page


def test_attendance_is_read_only_once_the_tally_is_recorded(client, cast):
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    client.force_login(cast.clerk)
    page = client.get(vote.get_absolute_url()).content.decode()
    assert f'name="m_{cast.chair.member.pk}"' not in page and 'data-testid="save-attendance"' not in page


# ---- receipt reminders stop for plans of past years ---------------------------------------------


def _published_with_pending_receipt(cast, year):
    plan = PlanFactory(year=year, status=PlanStatus.PUBLISHED, created_by=cast.clerk)
    DepartmentReceipt.objects.create(plan=plan, department=cast.liaison.department)
    return plan


def test_receipt_reminders_stop_once_the_plans_year_is_over(cast):
    later = timezone.localdate() + dt.timedelta(days=10)
    _published_with_pending_receipt(cast, later.year - 1)
    assert send_plan_reminders(today=later) == 0
    assert not Notification.objects.filter(recipient=cast.liaison).exists()
    current = _published_with_pending_receipt(cast, later.year)
    assert send_plan_reminders(today=later) == 1
    assert Notification.objects.get(recipient=cast.liaison).object_id == current.pk


def test_the_district_may_keep_chasing_receipts_after_the_year_ends(cast):
    later = timezone.localdate() + dt.timedelta(days=10)
    _published_with_pending_receipt(cast, later.year - 1)
    with override_config(PLAN_RECEIPT_REMIND_GRACE_DAYS=400):
        assert send_plan_reminders(today=later) == 1
