"""Reviewer 3's walk of a citizen's matter: a duty group's work on an issue taken up from an appeal is on the
appeal (its audit record, its page, the citizen's 办理过程), the two plans are one, a reopened appeal can be
consulted on again, and the members on duty hear of their reception day's bookings."""

import datetime as dt
import io

import pytest
from constance.test import override_config
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from core.exceptions import Refused
from core.models import StatusChange
from core.workflow import perform, workflow_for
from district.models import Department
from district.tests.factories import DepartmentFactory
from grassroots import selectors, services
from grassroots.models import Appointment, DutyIssue, IssueStatus
from grassroots.tests.factories import DutyGroupFactory, ReceptionDayFactory, WorkstationFactory
from intake import selectors as intake_selectors
from intake import services as intake_services
from intake.models import Appeal, AppealStatus, Outcome, PlanState, Route
from intake.tests.factories import AppealFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _steps(obj, action: str):
    ct = ContentType.objects.get_for_model(obj)
    return StatusChange.objects.filter(content_type=ct, object_id=obj.pk, action=action)


@pytest.fixture
def group(cast):
    group = DutyGroupFactory(name="经贸界别委员履职小组")
    group.members.add(cast.member.member)
    return group


@pytest.fixture
def appeal(cast, group):
    """The citizen's appeal, routed to the group, taken up by it as a duty issue."""
    appeal = AppealFactory(title="后埔社区燃气储配站安全隐患", citizen=cast.citizen)
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.DUTY_GROUP, "duty_group": group.pk})
    return appeal


@pytest.fixture
def issue(cast, group, appeal):
    return services.collect_issue(
        group=group, title="燃气储配站搬迁", description="居民担心安全。", appeal=appeal, actor=cast.member
    )


def _micro(cast, issue, *, outcome=Outcome.PLAN, due: dt.date | None = None, **extra):
    return services.log_micro_consultation(
        issue=issue,
        starts_at=timezone.now() - dt.timedelta(days=2),
        department=Department.objects.filter(name="区生态环境局").first() or DepartmentFactory(name="区生态环境局"),
        dept_head_name="林局长",
        residents=["居民王某", "居民李某"],
        summary="听取居民意见",
        outcome=outcome,
        outcome_note="内部说明：燃气公司经费尚待落实",
        plan_due_date=due if outcome == Outcome.PLAN else None,
        members=[cast.member.member],
        actor=cast.member,
        **extra,
    )


def _answer_and_close(cast, appeal, *, due: dt.date, actor=None):
    actor = actor or cast.member
    perform(appeal, "answer", actor=actor, note="经微协商，制定搬迁计划。")
    perform(
        appeal,
        "close",
        actor=actor,
        note="计划限期解决",
        data={"outcome": Outcome.PLAN, "plan_due_date": due.isoformat()},
    )
    appeal.refresh_from_db()
    return appeal


# ---- 1. the group's work reaches the appeal ---------------------------------------------------------------


def test_a_micro_consultation_on_an_appeals_issue_is_a_step_on_the_appeal_for_staff_and_citizen(
    client, cast, appeal, issue
):
    due = _day(20)
    _micro(cast, issue, due=due)
    step = _steps(appeal, "duty_micro").get()
    assert step.actor == cast.member and step.data["issue"] == issue.pk
    assert step.data["outcome"] == Outcome.PLAN and step.data["plan_due_date"] == due.isoformat()
    assert "制定计划限期解决" in step.note and "经费尚待落实" in step.note
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED  # the handlers still answer and close it

    # The appeal's office page: its audit record and a link to the issue.
    client.force_login(cast.clerk)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert issue.get_absolute_url() in page and "履职小组微协商" in page and "登记为履职小组民生问题" in page
    assert "经费尚待落实" in page  # the handlers read the group's note

    # The citizen's 办理过程: what was done, by which department, the outcome and the date; no notes, no names.
    client.logout()
    track = client.get(f"/appeals/track/{appeal.tracking_code}/").content.decode()
    held = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    assert (
        f"履职小组于{held}召开微协商（区生态环境局参加），协商结果：制定计划限期解决（计划{due.isoformat()}前完成）"
        in track
    )
    assert "履职小组已将诉求列为民生问题跟进" in track
    for private in ("经费尚待落实", "居民王某", "林局长", cast.member.member.name):
        assert private not in track


def test_the_issue_page_links_the_appeal_and_the_appeal_page_lists_the_issue_only_for_who_may_see_it(
    client, cast, appeal, issue
):
    client.force_login(cast.member)
    assert appeal.get_absolute_url() in client.get(issue.get_absolute_url()).content.decode()
    assert [i.pk for i in selectors.duty_issues_of(appeal, cast.clerk)] == [issue.pk]
    for outsider in (cast.liaison, cast.citizen):
        assert selectors.duty_issues_of(appeal, outsider) == []


def test_resolving_planning_and_dropping_without_a_consultation_are_steps_on_the_appeal(cast, group):
    appeals = [AppealFactory() for _ in range(3)]
    issues = [
        services.collect_issue(group=group, title=f"问题{i}", description="情况", appeal=a, actor=cast.member)
        for i, a in enumerate(appeals)
    ]
    for i in issues:
        perform(i, "investigate", actor=cast.member)
    perform(issues[0], "resolve", actor=cast.member, note="已说明", data={"outcome": Outcome.EXPLANATION})
    perform(issues[1], "plan", actor=cast.member, note="明年改造", data={"plan_due_date": _day(30).isoformat()})
    perform(issues[2], "drop", actor=cast.member, note="不属本组职责")
    assert _steps(appeals[0], "duty_resolve").get().data["outcome"] == Outcome.EXPLANATION
    assert _steps(appeals[1], "duty_plan").get().data["plan_due_date"] == _day(30).isoformat()
    assert _steps(appeals[2], "duty_drop").get().note == "不属本组职责"
    labels = [s["label"] for s in intake_selectors.public_timeline(appeals[2])]
    assert not any("不予处理" in label for label in labels)  # the group's own decision; the appeal goes on
    assert "履职小组办理结果：作出合理解释" in [s["label"] for s in intake_selectors.public_timeline(appeals[0])]


# ---- 1. one plan --------------------------------------------------------------------------------------------


def test_the_close_form_carries_the_groups_plan_and_closing_ties_the_two_plans(
    client, cast, appeal, issue, django_capture_on_commit_callbacks
):
    due = _day(20)
    _micro(cast, issue, due=due)
    perform(appeal, "answer", actor=cast.member, note="经微协商，制定搬迁计划。")
    client.force_login(cast.member)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert 'value="plan" selected' in page and f'value="{due.isoformat()}"' in page
    # Closed with another date: the issue's plan moves with it (audited on the issue, marked with the step).
    later = _day(40)
    perform(
        appeal, "close", actor=cast.member, note="计划限期解决", data={"outcome": Outcome.PLAN, "plan_due_date": later}
    )
    issue.refresh_from_db()
    assert (issue.status, issue.plan_due_date) == (IssueStatus.FOLLOW_UP, later)
    moved = _steps(issue, "reschedule_plan").get()
    assert moved.data["appeal_step"] == _steps(appeal, "close").get().pk
    assert selectors.planned_appeal(issue).pk == appeal.pk


def test_the_plan_carried_out_on_the_issue_is_carried_out_on_the_appeal_in_one_step_each(
    client, cast, appeal, issue, django_capture_on_commit_callbacks
):
    due = _day(20)
    _micro(cast, issue, due=due)
    _answer_and_close(cast, appeal, due=due)
    client.force_login(cast.member)
    assert 'data-testid="plan-tied"' in client.get(issue.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        perform(issue, "complete_plan", actor=cast.member, note="储配站已完成搬迁。")
    appeal.refresh_from_db()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED
    assert appeal.plan_state == PlanState.DONE and appeal.plan_done_note == "储配站已完成搬迁。"
    step = _steps(appeal, "complete_plan").get()
    assert (step.actor, step.data["issue"]) == (cast.member, issue.pk)
    assert _steps(issue, "complete_plan").count() == 1
    assert Notification.objects.filter(recipient=cast.citizen, event_key__startswith="intake.plan-progress:").exists()
    assert "解决计划已落实" in [s["label"] for s in intake_selectors.public_timeline(appeal)]


def test_the_plan_carried_out_or_moved_on_the_appeal_is_so_on_the_issue(cast, appeal, issue):
    _micro(cast, issue, due=_day(20))
    _answer_and_close(cast, appeal, due=_day(20))
    perform(appeal, "reschedule_plan", actor=cast.clerk, note="经费延后", data={"plan_due_date": _day(50).isoformat()})
    issue.refresh_from_db()
    assert issue.plan_due_date == _day(50) and _steps(issue, "reschedule_plan").get().actor == cast.clerk
    assert _steps(appeal, "reschedule_plan").count() == 1
    perform(appeal, "complete_plan", actor=cast.member, note="已搬迁")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED
    assert _steps(appeal, "complete_plan").count() == 1 and _steps(appeal, "duty_complete_plan").count() == 0


def test_moving_the_issues_plan_moves_the_appeals(cast, appeal, issue):
    _micro(cast, issue, due=_day(20))
    _answer_and_close(cast, appeal, due=_day(20))
    perform(issue, "reschedule_plan", actor=cast.member, note="施工推迟", data={"plan_due_date": _day(60).isoformat()})
    appeal.refresh_from_db()
    assert appeal.plan_due_date == _day(60)
    step = _steps(appeal, "reschedule_plan").get()
    assert step.data["previous_plan_due_date"] == _day(20).isoformat() and step.data["issue"] == issue.pk


def test_a_plan_made_after_the_appeal_closed_with_one_becomes_the_appeals(cast, appeal, issue):
    _answer_and_close(cast, appeal, due=_day(10))
    _micro(cast, issue, due=_day(30))
    appeal.refresh_from_db()
    assert appeal.plan_due_date == _day(30)
    assert selectors.planned_appeal(DutyIssue.objects.get(pk=issue.pk)).pk == appeal.pk


def test_a_routed_workstation_member_outside_the_group_carries_out_the_one_plan(cast, group):
    """Who answers the appeal records its plan carried out, and the issue's with it."""
    ws = WorkstationFactory()
    ws.members.add(cast.other_member.member)
    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.WORKSTATION, "workstation": ws.pk})
    issue = services.collect_issue(group=group, title="问题", description="情况", appeal=appeal, actor=cast.member)
    _micro(cast, issue, due=_day(20))
    _answer_and_close(cast, appeal, due=_day(20), actor=cast.other_member)
    complete = workflow_for(issue).action("complete_plan")
    assert complete.is_allowed(cast.other_member, DutyIssue.objects.get(pk=issue.pk))
    perform(appeal, "complete_plan", actor=cast.other_member, note="已落实")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED


def test_one_reminder_job_chases_the_one_plan(cast, appeal, issue):
    due = _day(20)
    _micro(cast, issue, due=due)
    assert list(selectors.due_plans(today=due)) == [DutyIssue.objects.get(pk=issue.pk)]  # the issue's own, yet
    _answer_and_close(cast, appeal, due=due)
    assert list(selectors.due_plans(today=due)) == []
    assert services.remind_due_plans(today=due) == 0
    assert intake_services.remind_due_plans(today=due) >= 1
    assert list(intake_selectors.due_plans(today=due)) == [Appeal.objects.get(pk=appeal.pk)]


# ---- 2. a reopened appeal is consulted on again -------------------------------------------------------------


def test_reopening_the_appeal_takes_its_issue_back_so_the_group_consults_again(
    client, cast, appeal, issue, django_capture_on_commit_callbacks
):
    _micro(cast, issue, due=_day(20))
    _answer_and_close(cast, appeal, due=_day(20))
    with django_capture_on_commit_callbacks(execute=True):
        perform(appeal, "reopen", actor=cast.clerk, note="请履职小组再次与区发改局、燃气公司协商")
    issue.refresh_from_db()
    assert (issue.status, issue.plan_due_date, issue.outcome) == (IssueStatus.INVESTIGATING, None, "")
    step = _steps(issue, "reopen").get()
    assert (step.actor, step.note) == (cast.clerk, "请履职小组再次与区发改局、燃气公司协商")
    assert selectors.due_plans(today=_day(30)).count() == 0  # the old plan is not chased any more
    client.force_login(cast.member)
    assert 'data-testid="micro-form"' in client.get(issue.get_absolute_url()).content.decode()
    _micro(cast, issue, due=_day(90))
    issue.refresh_from_db()
    assert issue.status == IssueStatus.FOLLOW_UP and issue.micro_consultations.count() == 2
    assert _steps(appeal, "duty_micro").count() == 2


def test_an_issue_whose_appeal_was_reopened_before_can_be_taken_back_on_its_page(client, cast, appeal, issue):
    _micro(cast, issue, due=_day(20))
    _answer_and_close(cast, appeal, due=_day(20))
    # Reopened while the issue did not follow (as before this mend): the issue still 计划落实中.
    Appeal.objects.filter(pk=appeal.pk).update(status=AppealStatus.ROUTED, closed_at=None, outcome="")
    StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(Appeal),
        object_id=appeal.pk,
        action="reopen",
        from_state="closed",
        to_state="routed",
        actor=cast.clerk,
        note="群众不满意",
        created_at=timezone.now(),
    )
    with pytest.raises(Refused, match="随诉求重新办理"):
        _micro(cast, DutyIssue.objects.get(pk=issue.pk), due=_day(90))
    client.force_login(cast.member)
    assert 'data-testid="reopen-form"' in client.get(issue.get_absolute_url()).content.decode()
    response = client.post(
        f"/workflow/grassroots.dutyissue/{issue.pk}/",
        {"action": "reopen", "note": "再次协商", "next": issue.get_absolute_url()},
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.INVESTIGATING


def test_an_issue_whose_appeal_was_not_reopened_is_not_taken_back(cast, appeal, issue):
    _micro(cast, issue, due=_day(20))
    with pytest.raises(Refused, match="重新办理"):
        perform(DutyIssue.objects.get(pk=issue.pk), "reopen", actor=cast.member, note="想再协商")
    assert not services.appeal_reopened(cast.member, DutyIssue.objects.get(pk=issue.pk))


# ---- 6. the members on duty hear of their reception day's bookings ----------------------------------------


@pytest.fixture
def day(cast):
    ws = WorkstationFactory(name="同安民建政协委员工作室")
    ws.members.add(cast.member.member, cast.other_member.member, cast.chair.member)
    day = ReceptionDayFactory(workstation=ws, date=_day(5))
    day.on_duty.set([cast.member.member, cast.other_member.member])
    return day


def _book(day, phone="13800001234"):
    return services.book_appointment(
        day=day, name="王五", phone=phone, topic="邻里纠纷，张三家漏水", service="mediation"
    )


def _booking_news(event: str):
    return Notification.objects.filter(event_key__startswith=f"grassroots.booking-{event}:")


def test_a_booking_tells_the_members_on_duty_once_each_after_it_commits_without_the_residents_details(
    cast, day, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        booking = _book(day)
    assert not _booking_news("booked").exists()  # nothing sent inside the public request's transaction
    for callback in queued:
        callback()
    told = _booking_news("booked")
    assert sorted(n.recipient_id for n in told) == sorted([cast.member.pk, cast.other_member.pk])
    note = told.first()
    assert day.date.isoformat() in note.title and "矛盾调解" in note.title and note.url == day.get_absolute_url()
    for private in ("13800001234", "王五", "张三", booking.reference):
        assert private not in note.title + note.body
    services.tell_members_on_duty(appointment_id=booking.pk, event="booked")
    assert _booking_news("booked").count() == 2  # once each


def test_a_cancellation_tells_the_members_on_duty_but_not_who_cancelled(cast, day, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _book(day)
        second = _book(day, phone="13900005678")
        services.cancel_appointment(reference=first.reference, phone="138 0000 1234")
    assert sorted(n.recipient_id for n in _booking_news("cancelled")) == sorted([cast.member.pk, cast.other_member.pk])
    assert "预约取消" in _booking_news("cancelled").first().title
    with django_capture_on_commit_callbacks(execute=True):
        perform(second, "cancel_for_resident", actor=cast.member, note="来电告知不能到场")
    second_news = _booking_news("cancelled").filter(event_key__endswith=f":{second.pk}")
    assert [n.recipient_id for n in second_news] == [cast.other_member.pk]
    assert Appointment.objects.get(pk=second.pk).status == Appointment.Status.CANCELLED


def test_a_cancelled_day_tells_its_other_members_on_duty_once_with_the_reason(
    cast, day, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _book(day)
    services.cancel_reception_day(day=day, actor=cast.member, reason="台风预警")
    news = Notification.objects.filter(event_key=f"grassroots.day-cancelled:{day.pk}")
    assert [n.recipient_id for n in news] == [cast.other_member.pk]  # not who cancelled it
    note = news.get()
    assert day.date.isoformat() in note.title and "台风预警" in note.body and "1" in note.body
    assert "13800001234" not in note.title + note.body and note.url == day.get_absolute_url()
    assert not _booking_news("cancelled").exists()  # one notice for the day, not one per booking


def test_members_on_duty_are_reminded_the_day_before_once(cast, day, time_machine):
    before = day.date - dt.timedelta(days=1)
    assert services.remind_reception_days(today=day.date - dt.timedelta(days=2)) == 0
    assert services.remind_reception_days(today=before) == 2
    assert services.remind_reception_days(today=before) == 0
    # Someone put on duty since is reminded by the next run; the others are not reminded twice.
    day.on_duty.add(cast.chair.member)
    out = io.StringIO()
    time_machine.move_to(dt.datetime.combine(before, dt.time(8, 30), tzinfo=timezone.get_current_timezone()))
    call_command("send_reception_day_reminders", stdout=out)
    assert "reception day reminders sent: 1" in out.getvalue()
    note = Notification.objects.filter(recipient=cast.chair, event_key__startswith="grassroots.reception-day:").get()
    assert day.date.isoformat() in note.title and note.url == day.get_absolute_url()


def test_a_cancelled_day_is_not_reminded_and_the_district_may_turn_reminders_off(cast, day):
    before = day.date - dt.timedelta(days=1)
    with override_config(RECEPTION_REMIND_DAYS_BEFORE=0):
        assert services.remind_reception_days(today=before) == 0
    services.cancel_reception_day(day=day, actor=cast.clerk, reason="台风")
    assert services.remind_reception_days(today=before) == 0


def test_every_duty_step_on_the_appeal_has_its_audit_label_and_its_citizens_wording():
    from intake.workflow import DUTY_STEPS, WORKFLOW

    assert set(DUTY_STEPS) == set(intake_selectors.DUTY_STEP_WORDS)
    assert set(DUTY_STEPS) <= set(WORKFLOW.recorded_steps)
