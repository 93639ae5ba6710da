"""Reviewer 3's findings on community-affairs consultations (社区事务协商): a double submit records one
consultation, the office voids one recorded by mistake, the page and its meeting link both ways,
follow-up tasks reach the responsible department (told, reminded, overdue marked, reported by its
liaisons), completing a task is an audited step with a note (and reopened with a reason), the first
record follows the later forms' rules, and residents read the outcome on a public page."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from consultations.models import MeetingStatus
from core.exceptions import Refused
from core.models import StatusChange
from district.tests.factories import CommunityFactory, DepartmentFactory
from grassroots import services
from grassroots.models import CommunityConsultation
from insight.models import Item, Variant
from insight.selectors.duty import activity_counts
from intake.services import issue_retry_key
from notifications.models import Notification

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 15, 0, tzinfo=datetime.UTC)
HELD = "2026-12-03T19:30"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(NOW, tick=False)


def _form(community, member, **extra) -> dict:
    return {
        "community": community.pk,
        "matter": "村道路灯维修",
        "background": "村道路灯损坏多处",
        "starts_at": HELD,
        "members": [member.pk],
        "agreement_reached": "true",
        "agreement": "由社区报修，城管局排期维修",
        **extra,
    }


def _community_present(member) -> int:
    return activity_counts(2026, [member.pk]).get(member.pk, {}).get((Item.COMMUNITY, Variant.PRESENT), 0)


def _record(cast, *, tasks=(), members=(), actor=None) -> CommunityConsultation:
    return services.hold_community_consultation(
        community=CommunityFactory(),
        matter="小区停车位划分",
        background="车位不足，邻里纠纷",
        starts_at=timezone.make_aware(datetime.datetime(2026, 12, 1, 19, 30)),
        participants=[("社区书记", "presiding"), ("王阿姨", "resident")],
        positions=[("王阿姨", "反对占用绿地")],
        members=list(members),
        agreement_reached=True,
        agreement="划线增设车位，抽签分配",
        tasks=list(tasks),
        actor=actor or cast.member,
    )


# 1. A double submit records the consultation once (and its duty credit once); the office voids a mistake.


def test_sending_the_community_form_twice_records_one_consultation_and_one_duty_credit(client, cast):
    client.force_login(cast.member)
    page = client.get("/grassroots/community/new/").content.decode()
    assert 'name="idempotency_key"' in page
    data = _form(CommunityFactory(), cast.member.member, idempotency_key=issue_retry_key())
    first = client.post("/grassroots/community/new/", data)
    second = client.post("/grassroots/community/new/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert CommunityConsultation.objects.count() == 1
    assert _community_present(cast.member.member) == 1
    # Another form (a fresh key) is another consultation.
    client.post("/grassroots/community/new/", {**data, "idempotency_key": issue_retry_key(), "matter": "垃圾分类"})
    assert CommunityConsultation.objects.count() == 2


def test_a_retry_key_only_finds_its_senders_own_consultation(cast):
    from intake.services import retry_key_for

    raw = issue_retry_key()
    kwargs = {"community": CommunityFactory(), "matter": "m", "background": "b", "starts_at": timezone.now()}
    mine = services.hold_community_consultation(
        **kwargs,
        participants=[("书记", "presiding")],
        actor=cast.member,
        idempotency_key=retry_key_for(raw, caller=cast.member),
    )
    theirs = services.hold_community_consultation(
        **kwargs,
        participants=[("书记", "presiding")],
        actor=cast.clerk,
        idempotency_key=retry_key_for(raw, caller=cast.clerk),
    )
    assert mine.pk != theirs.pk


def test_the_office_voids_a_consultation_recorded_by_mistake_and_its_duty_credit_goes(client, cast):
    item = _record(cast, members=[cast.member.member])
    assert _community_present(cast.member.member) == 1
    client.force_login(cast.member)
    assert client.post(f"/grassroots/community/{item.pk}/void/", {"reason": "重复"}).status_code == 403
    client.force_login(cast.clerk)
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="void-form"' in page
    refused = client.post(f"/grassroots/community/{item.pk}/void/", {"reason": " "})
    assert refused.status_code == 400
    response = client.post(f"/grassroots/community/{item.pk}/void/", {"reason": "重复登记，保留第1号记录"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.voided_at is not None and item.void_reason == "重复登记，保留第1号记录"
    assert item.meeting.status == MeetingStatus.CANCELLED
    assert _community_present(cast.member.member) == 0
    step = StatusChange.objects.get(object_id=item.pk, action="void")
    assert step.actor == cast.clerk and step.note == "重复登记，保留第1号记录"
    page = client.get(item.get_absolute_url()).content.decode()
    assert (
        'data-testid="voided"' in page and "重复登记，保留第1号记录" in page and 'data-testid="void-form"' not in page
    )
    assert client.get(item.get_public_url()).status_code == 404
    with pytest.raises(Refused):
        services.void_community_consultation(consultation=item, reason="again", actor=cast.clerk)


# 5. The consultation's page and its meeting's page link to each other.


def test_the_consultation_page_and_its_meeting_page_link_to_each_other(client, cast):
    item = _record(cast, members=[cast.member.member])
    client.force_login(cast.member)
    page = client.get(item.get_absolute_url()).content.decode()
    assert f'href="{item.meeting.get_absolute_url()}"' in page
    meeting_page = client.get(item.meeting.get_absolute_url()).content.decode()
    assert 'data-testid="community-affair-link"' in meeting_page and f'href="{item.get_absolute_url()}"' in meeting_page


# 6. Follow-up tasks reach the responsible department.


def test_a_task_naming_a_department_tells_its_liaisons_who_see_and_report_it(client, cast):
    dept = cast.liaison.department
    item = _record(cast, tasks=[("划线施工", dept.short_name or dept.name, datetime.date(2026, 12, 31))])
    task = item.tasks.get()
    assert task.department == dept
    told = Notification.objects.filter(recipient=cast.liaison)
    assert told.count() == 1 and "划线施工" in told.get().title
    assert not Notification.objects.filter(recipient=cast.other_liaison).exists()
    client.force_login(cast.liaison)
    assert client.get("/grassroots/community/").status_code == 200
    assert item.matter in client.get("/grassroots/community/").content.decode()
    page = client.get(item.get_absolute_url())
    assert page.status_code == 200 and "划线施工" in page.content.decode()
    response = client.post(f"/grassroots/community/{item.pk}/tasks/{task.pk}/done/", {"note": "已完成划线120个车位"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_by == cast.liaison and task.done_note == "已完成划线120个车位"
    client.force_login(cast.other_liaison)
    assert client.get(item.get_absolute_url()).status_code == 404
    assert item.matter not in client.get("/grassroots/community/").content.decode()


def test_tasks_added_later_tell_the_department_too(cast):
    dept = DepartmentFactory(name="区城市管理局", short_name="区城管局")
    cast.other_liaison.department = dept
    cast.other_liaison.save()
    item = _record(cast)
    services.add_follow_up_tasks(consultation=item, tasks=[("清理占道", "区城管局", None)], actor=cast.member)
    assert item.tasks.get().department == dept
    assert Notification.objects.filter(recipient=cast.other_liaison).count() == 1


def test_an_overdue_task_is_marked_on_the_page_and_the_list(client, cast):
    item = _record(cast, tasks=[("回访", "社区居委会", datetime.date(2026, 12, 5)), ("验收", "社区居委会", None)])
    client.force_login(cast.member)
    page = client.get(item.get_absolute_url()).content.decode()
    assert page.count('data-testid="task-overdue"') == 1
    listing = client.get("/grassroots/community/").content.decode()
    assert 'data-testid="overdue-tasks"' in listing and "1项任务逾期" in listing


def test_task_reminders_before_on_and_after_the_date_once_each(cast, time_machine):
    dept = cast.liaison.department
    item = _record(cast, tasks=[("划线施工", dept.name, datetime.date(2026, 12, 10))])
    Notification.objects.all().delete()

    def run() -> int:
        out = StringIO()
        call_command("send_issue_plan_reminders", stdout=out)
        return Notification.objects.count()

    assert run() == 2  # 3 days before: the liaison and who recorded it
    assert run() == 2  # idempotent
    time_machine.move_to(NOW + datetime.timedelta(days=3), tick=False)
    assert run() == 4  # on the date
    time_machine.move_to(NOW + datetime.timedelta(days=5), tick=False)
    assert run() == 4  # overdue, within the date's window (ISSUE_PLAN_REMIND_EVERY_DAYS)
    time_machine.move_to(NOW + datetime.timedelta(days=11), tick=False)
    assert run() == 6  # overdue, the next window
    assert run() == 6
    titles = set(Notification.objects.filter(recipient=cast.liaison).values_list("title", flat=True))
    assert any("已逾期" in t for t in titles)
    # Done, or voided: no more reminders.
    services.void_community_consultation(consultation=item, reason="登记错误", actor=cast.clerk)
    time_machine.move_to(NOW + datetime.timedelta(days=30), tick=False)
    assert run() == 6


# 8. Who completes a task, with a note, an audited step; reopened with a reason.


@pytest.mark.parametrize(
    ("role", "may"),
    [("clerk", True), ("member", True), ("standing", True), ("other_member", False), ("chair", False)],
)
def test_who_may_mark_a_task_done(client, cast, role, may):
    item = _record(cast, members=[cast.standing.member], tasks=[("组织抽签", "社区居委会", None)])
    task = item.tasks.get()
    client.force_login(getattr(cast, role))
    page = client.get(item.get_absolute_url()).content.decode()
    assert (f"/tasks/{task.pk}/done/" in page) == may, role
    response = client.post(f"/grassroots/community/{item.pk}/tasks/{task.pk}/done/", {"note": "已抽签"})
    assert response.status_code == (302 if may else 403), role
    task.refresh_from_db()
    assert (task.done_at is not None) == may, role


def test_completing_a_task_needs_a_note_and_is_a_step_shown_with_who_and_when_then_reopened(client, cast):
    item = _record(cast, tasks=[("组织抽签", "社区居委会", None)])
    task = item.tasks.get()
    assert task.history.count() == 1 and task.history.get().history_user == cast.member
    client.force_login(cast.clerk)
    refused = client.post(f"/grassroots/community/{item.pk}/tasks/{task.pk}/done/", {"note": ""})
    assert refused.status_code == 400 and 'data-testid="task-errors"' in refused.content.decode()
    task.refresh_from_db()
    assert task.done_at is None
    client.post(f"/grassroots/community/{item.pk}/tasks/{task.pk}/done/", {"note": "12月5日已抽签分配"})
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="task-done"' in page and "12月5日已抽签分配" in page and cast.clerk.display in page
    steps = StatusChange.objects.filter(object_id=item.pk, content_type__model="communityconsultation")
    done = steps.get(action="complete_task")
    assert done.actor == cast.clerk and "12月5日已抽签分配" in done.note and done.data == {"task": task.pk}
    assert "后续任务完成" in page
    refused = client.post(f"/grassroots/community/{item.pk}/tasks/{task.pk}/reopen/", {"reason": ""})
    assert refused.status_code == 400
    client.post(f"/grassroots/community/{item.pk}/tasks/{task.pk}/reopen/", {"reason": "抽签结果有争议，重新抽签"})
    task.refresh_from_db()
    assert task.done_at is None and task.done_note == ""
    reopened = steps.get(action="reopen_task")
    assert reopened.actor == cast.clerk and "重新抽签" in reopened.note
    assert "后续任务重新打开" in client.get(item.get_absolute_url()).content.decode()


# 9. The first record follows the later forms' rules.


def test_the_first_record_refuses_early_task_dates_and_a_result_without_its_note_at_once(client, cast):
    client.force_login(cast.member)
    data = _form(
        CommunityFactory(),
        cast.member.member,
        agreement_reached="false",
        agreement="",
        tasks="整治早市；区城管局；2020-01-01\n回访；社区；2026-11-15",
        idempotency_key=issue_retry_key(),
    )
    response = client.post("/grassroots/community/new/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "完成时限不能早于协商日期（2026-12-03）" in html and "整治早市" in html
    assert "请填写结果说明" in html
    assert not CommunityConsultation.objects.exists()


def test_one_rule_for_the_first_record_and_the_later_forms(cast):
    with pytest.raises(Refused) as first:
        services.check_community_record(
            held_on=datetime.date(2026, 12, 1), agreement_reached=False, agreement="", tasks=[("a", "b", None)]
        )
    assert set(first.value.fields) == {"agreement"}
    item = _record(cast)
    with pytest.raises(Refused) as later:
        services.add_follow_up_tasks(
            consultation=item, tasks=[("回访", "社区", datetime.date(2026, 11, 15))], actor=cast.member
        )
    assert set(later.value.fields) == {"tasks"}


# 11. Residents read the outcome, with no names.


def test_residents_read_the_outcome_without_anybodys_name(client, cast):
    item = _record(
        cast, members=[cast.member.member], tasks=[("划线施工", "社区居委会", None), ("抽签", "社区居委会", None)]
    )
    services.complete_follow_up(task=item.tasks.get(description="抽签"), actor=cast.clerk, note="已抽签")
    portal = client.get("/grassroots/").content.decode()
    assert 'href="/grassroots/outcomes/"' in portal
    listing = client.get("/grassroots/outcomes/").content.decode()
    assert item.matter in listing and item.get_public_url() in listing and "已完成1/2项" in listing
    page = client.get(item.get_public_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert item.matter in html and "划线增设车位，抽签分配" in html and "划线施工" in html and "已完成" in html
    for private in ("王阿姨", "反对占用绿地", "社区书记", cast.member.member.name, "已抽签"):
        assert private not in html, private
