"""An appeal closed with a plan (制定计划限期解决) is followed up until the plan is carried out: its handlers
record it carried out or move its date, are reminded at its date, and the citizen reads where it stands."""

import io
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from core.exceptions import ActionForbidden, NoteRequired, Refused
from core.models import StatusChange
from core.workflow import perform, workflow_for
from grassroots.tests.factories import WorkstationFactory
from intake import selectors, services
from intake.models import Appeal, AppealStatus, Outcome, PlanState, Route
from intake.predicates import TrackingCodeHolder
from intake.tests.factories import AppealFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.fixture
def workstation(cast):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    return ws


def closed_with_plan(cast, workstation, *, due_in: int = 10, **fields) -> Appeal:
    """An appeal routed to `member`'s workstation, answered and closed by the member with a plan."""
    appeal = AppealFactory(**fields)
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.WORKSTATION, "workstation": workstation.pk})
    perform(appeal, "answer", actor=cast.member, note="已协调城管局更换路灯。")
    perform(
        appeal,
        "close",
        actor=cast.member,
        note="列入本季度路灯改造计划",
        data={"outcome": Outcome.PLAN, "plan_due_date": _day(due_in)},
    )
    return appeal


def move_due_date(appeal: Appeal, days: int) -> None:
    """The plan's date as if it had been set `days` from today (a past date cannot be set by closing)."""
    Appeal.objects.filter(pk=appeal.pk).update(plan_due_date=timezone.localdate() + timedelta(days=days))
    appeal.refresh_from_db()


def steps(appeal: Appeal, action: str):
    ct = ContentType.objects.get_for_model(Appeal)
    return StatusChange.objects.filter(content_type=ct, object_id=appeal.pk, action=action)


# ---- recording the plan carried out ----------------------------------------------------------------


def test_the_routed_member_records_the_plan_carried_out_audited_and_the_citizen_is_told(
    cast, workstation, django_capture_on_commit_callbacks
):
    appeal = closed_with_plan(cast, workstation, citizen=cast.citizen)
    closed_at = appeal.closed_at
    assert appeal.plan_state == PlanState.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        perform(appeal, "complete_plan", actor=cast.member, note="新路灯已安装并通电。")
    appeal.refresh_from_db()
    # Still closed, closed when it was: the rating window and the statistics count from the closing.
    assert (appeal.status, appeal.closed_at) == (AppealStatus.CLOSED, closed_at)
    assert appeal.plan_state == PlanState.DONE and appeal.plan_done_note == "新路灯已安装并通电。"
    step = steps(appeal, "complete_plan").get()
    assert (step.actor, step.note, step.from_state, step.to_state) == (
        cast.member,
        "新路灯已安装并通电。",
        "closed",
        "closed",
    )
    assert appeal.plan_done_at == step.created_at
    assert appeal.history.filter(plan_done_note="新路灯已安装并通电。", history_user=cast.member).exists()
    told = Notification.objects.get(recipient=cast.citizen, event_key__startswith="intake.plan-progress:")
    assert "解决计划已落实" in told.title and told.body == "新路灯已安装并通电。"


def test_the_clerk_records_it_too_and_others_may_not(cast, workstation):
    appeal = closed_with_plan(cast, workstation)
    for user in (cast.other_member, cast.liaison, cast.research, cast.citizen, TrackingCodeHolder(appeal.pk)):
        with pytest.raises(ActionForbidden):
            perform(appeal, "complete_plan", actor=user, note="已落实")
    perform(appeal, "complete_plan", actor=cast.clerk, note="已落实")
    appeal.refresh_from_db()
    assert appeal.plan_state == PlanState.DONE


def test_carried_out_needs_what_was_done(cast, workstation):
    appeal = closed_with_plan(cast, workstation)
    with pytest.raises(NoteRequired, match="落实情况"):
        perform(appeal, "complete_plan", actor=cast.member, note="  ")
    appeal.refresh_from_db()
    assert appeal.plan_done_at is None


def test_no_open_plan_is_refused_in_plain_words_and_not_offered(cast, workstation):
    on_the_spot = AppealFactory()
    perform(on_the_spot, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    perform(on_the_spot, "answer", actor=cast.clerk, note="已修复。")
    perform(on_the_spot, "close", actor=cast.clerk, note="当场修复", data={"outcome": Outcome.ON_THE_SPOT})
    assert on_the_spot.plan_state == ""
    for action in ("complete_plan", "reschedule_plan"):
        with pytest.raises(Refused, match="不是“制定计划限期解决”"):
            perform(on_the_spot, action, actor=cast.clerk, note="x", data={"plan_due_date": _day(5)})
    assert {"complete_plan", "reschedule_plan"}.isdisjoint(
        a.name for a in workflow_for(on_the_spot).available(on_the_spot, cast.clerk)
    )

    done = closed_with_plan(cast, workstation)
    assert {"complete_plan", "reschedule_plan"} <= {a.name for a in workflow_for(done).available(done, cast.member)}
    perform(done, "complete_plan", actor=cast.member, note="已落实")
    today = timezone.localdate().isoformat()
    for action in ("complete_plan", "reschedule_plan"):
        with pytest.raises(Refused, match=f"已于{today}登记落实"):
            perform(done, action, actor=cast.member, note="再来一次", data={"plan_due_date": _day(20)})
    assert steps(done, "complete_plan").count() == 1
    assert {"complete_plan", "reschedule_plan"}.isdisjoint(
        a.name for a in workflow_for(done).available(done, cast.member)
    )


def test_closing_again_after_re_handling_starts_the_plan_afresh(cast, workstation):
    appeal = closed_with_plan(cast, workstation)
    perform(appeal, "complete_plan", actor=cast.member, note="已落实")
    perform(appeal, "reopen", actor=cast.clerk, note="群众反映路灯又坏了")
    assert appeal.plan_state == ""
    perform(appeal, "answer", actor=cast.member, note="再次维修。")
    perform(
        appeal, "close", actor=cast.member, note="更换线路", data={"outcome": Outcome.PLAN, "plan_due_date": _day(15)}
    )
    assert (appeal.plan_state, appeal.plan_done_at, appeal.plan_done_note) == (PlanState.OPEN, None, "")


# ---- moving the plan's date ----------------------------------------------------------------------


def test_rescheduling_keeps_the_old_date_in_the_audit_and_tells_the_citizen_the_new_one_only(
    cast, workstation, django_capture_on_commit_callbacks
):
    appeal = closed_with_plan(cast, workstation, citizen=cast.citizen)
    old = appeal.plan_due_date
    with django_capture_on_commit_callbacks(execute=True):
        perform(appeal, "reschedule_plan", actor=cast.member, note="灯杆需重新采购", data={"plan_due_date": _day(40)})
    appeal.refresh_from_db()
    assert appeal.plan_due_date.isoformat() == _day(40) and appeal.plan_state == PlanState.OPEN
    step = steps(appeal, "reschedule_plan").get()
    assert step.note == "灯杆需重新采购"
    assert step.data["previous_plan_due_date"] == old.isoformat() and step.data["plan_due_date"] == _day(40)
    assert appeal.history.filter(plan_due_date=old).exists()
    told = Notification.objects.get(recipient=cast.citizen, event_key__startswith="intake.plan-progress:")
    assert _day(40) in told.title and "采购" not in told.title + told.body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "请填写新的计划完成日期"),
        ({"plan_due_date": "not a date"}, "请填写新的计划完成日期"),
        ({"plan_due_date": "2020-01-01"}, "不能早于今天"),
        ("same", "与原日期相同"),
    ],
)
def test_a_new_date_is_given_not_past_and_not_the_same(cast, workstation, data, message):
    appeal = closed_with_plan(cast, workstation)
    old = appeal.plan_due_date
    if data == "same":
        data = {"plan_due_date": old.isoformat()}
    with pytest.raises(Refused, match=message):
        perform(appeal, "reschedule_plan", actor=cast.member, note="原因", data=data)
    appeal.refresh_from_db()
    assert appeal.plan_due_date == old and not steps(appeal, "reschedule_plan").exists()


def test_rescheduling_needs_a_reason(cast, workstation):
    appeal = closed_with_plan(cast, workstation)
    with pytest.raises(NoteRequired, match="调整原因"):
        perform(appeal, "reschedule_plan", actor=cast.member, note="", data={"plan_due_date": _day(30)})


def test_an_overdue_plan_may_be_moved_to_a_date_ahead(cast, workstation):
    appeal = closed_with_plan(cast, workstation)
    move_due_date(appeal, -3)
    assert appeal.plan_state == PlanState.OVERDUE
    perform(appeal, "reschedule_plan", actor=cast.clerk, note="雨季停工", data={"plan_due_date": _day(0)})
    assert appeal.plan_state == PlanState.OPEN


# ---- the rating is untouched -------------------------------------------------------------------------


def test_the_citizen_still_rates_the_closing_answer_before_and_after_the_plan_is_carried_out(cast, workstation):
    appeal = closed_with_plan(cast, workstation)
    deadline = selectors.rating_deadline(appeal)
    perform(appeal, "reschedule_plan", actor=cast.member, note="延期", data={"plan_due_date": _day(30)})
    perform(appeal, "complete_plan", actor=cast.member, note="已落实")
    appeal.refresh_from_db()
    # The window still runs from the closing, the round is still the first.
    assert selectors.rating_deadline(appeal) == deadline
    holder = TrackingCodeHolder(appeal.pk)
    rating = services.rate_appeal(appeal=appeal, actor=holder, rating="satisfied")
    assert rating.round == 1
    with pytest.raises(Refused, match="您已评价过"):
        services.rate_appeal(appeal=appeal, actor=holder, rating="basic")


# ---- reminders -----------------------------------------------------------------------------------------


def _reminders(appeal: Appeal):
    return Notification.objects.filter(event_key__startswith=f"intake.plan-due:{appeal.pk}:")


def _run() -> str:
    out = io.StringIO()
    call_command("send_appeal_plan_reminders", stdout=out)
    return out.getvalue()


def test_the_handlers_are_reminded_once_per_due_date_and_again_after_a_reschedule(cast, workstation):
    appeal = closed_with_plan(cast, workstation)
    other = WorkstationFactory()
    other.members.add(cast.other_member.member)
    assert "sent: 0" in _run()  # not due yet
    move_due_date(appeal, 0)
    assert "sent: 1" in _run()
    reminder = _reminders(appeal).get()
    assert reminder.recipient == cast.member and "今天到期" in reminder.title and appeal.title in reminder.title
    assert reminder.url == appeal.get_absolute_url()
    assert "sent: 0" in _run()  # the same day again
    # The next day: overdue, but that date was already reminded of.
    assert services.remind_due_plans(today=timezone.localdate() + timedelta(days=1)) == 0
    assert _reminders(appeal).count() == 1
    perform(appeal, "reschedule_plan", actor=cast.member, note="材料未到", data={"plan_due_date": _day(1)})
    assert "sent: 0" in _run()  # the new date has not come
    assert services.remind_due_plans(today=timezone.localdate() + timedelta(days=3)) == 1
    again = _reminders(appeal).exclude(pk=reminder.pk).get()
    assert again.recipient == cast.member and "已逾期" in again.title
    assert services.remind_due_plans(today=timezone.localdate() + timedelta(days=4)) == 0
    assert not Notification.objects.filter(recipient=cast.other_member, event_key__startswith="intake.plan-due:")


def test_a_plan_carried_out_is_not_reminded_of(cast, workstation):
    appeal = closed_with_plan(cast, workstation)
    perform(appeal, "complete_plan", actor=cast.member, note="已落实")
    move_due_date(appeal, -2)
    assert "sent: 0" in _run() and not _reminders(appeal).exists()


def test_the_offices_own_appeals_remind_the_clerks(cast):
    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    perform(appeal, "answer", actor=cast.clerk, note="已答复。")
    perform(appeal, "close", actor=cast.clerk, note="计划", data={"outcome": Outcome.PLAN, "plan_due_date": _day(5)})
    move_due_date(appeal, -1)
    _run()
    assert set(_reminders(appeal).values_list("recipient__username", flat=True)) == {"clerk"}


def test_a_plan_due_waits_in_its_handlers_inbox(cast, workstation):
    appeal = closed_with_plan(cast, workstation)
    assert appeal not in selectors.inbox(cast.member)
    move_due_date(appeal, 0)
    assert appeal in selectors.inbox(cast.member)
    assert appeal not in selectors.inbox(cast.other_member)
    perform(appeal, "complete_plan", actor=cast.member, note="已落实")
    assert appeal not in selectors.inbox(cast.member)


# ---- pages and API -----------------------------------------------------------------------------------


def test_the_tracking_page_shows_the_plan_and_once_carried_out_the_public_note_only(client, cast, workstation):
    appeal = closed_with_plan(cast, workstation)
    url = f"/appeals/track/{appeal.tracking_code}/"
    page = client.get(url).content.decode()
    assert "计划落实中" in page and appeal.plan_due_date.isoformat() in page
    perform(appeal, "reschedule_plan", actor=cast.member, note="内部原因：供应商延误", data={"plan_due_date": _day(30)})
    page = client.get(url).content.decode()
    assert _day(30) in page and "计划完成日期已调整" in page
    assert "供应商延误" not in page  # the reason stays with the handlers
    perform(appeal, "complete_plan", actor=cast.member, note="新路灯已安装并通电。")
    appeal.refresh_from_db()
    page = client.get(url).content.decode()
    done_on = timezone.localtime(appeal.plan_done_at).strftime("%Y-%m-%d")
    assert f"计划已落实（{done_on}）" in page and "新路灯已安装并通电。" in page and "解决计划已落实" in page
    assert "计划落实中" not in page and "供应商延误" not in page
    # The citizen may still rate the closing answer.
    assert 'data-testid="rating-form"' in page


def test_a_merged_appeals_tracking_page_follows_the_main_cases_plan(client, cast, workstation):
    dup = AppealFactory()
    main = AppealFactory()
    services.merge_appeals(duplicate=dup, into=main, actor=cast.clerk)
    perform(main, "route", actor=cast.clerk, data={"route": Route.WORKSTATION, "workstation": workstation.pk})
    perform(main, "answer", actor=cast.member, note="已协调。")
    perform(main, "close", actor=cast.member, note="计划", data={"outcome": Outcome.PLAN, "plan_due_date": _day(9)})
    perform(main, "complete_plan", actor=cast.member, note="已全部修复。")
    page = client.get(f"/appeals/track/{dup.tracking_code}/").content.decode()
    assert "已全部修复。" in page and 'data-testid="plan-done"' in page


def test_the_office_page_shows_the_plan_and_offers_both_actions_to_its_handlers(client, cast, workstation):
    appeal = closed_with_plan(cast, workstation)
    move_due_date(appeal, -2)
    client.force_login(cast.member)
    page = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    assert "计划已逾期" in page and 'data-testid="form-complete_plan"' in page
    assert 'data-testid="form-reschedule_plan"' in page
    client.force_login(cast.research)  # reads appeals, does not handle them
    page = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    assert "计划已逾期" in page and 'data-testid="form-complete_plan"' not in page
    client.force_login(cast.member)
    response = client.post(
        f"/appeals/office/{appeal.pk}/act/reschedule_plan/",
        {"reschedule_plan-plan_due_date": "2020-01-01", "reschedule_plan-note": "延期"},
    )
    assert response.status_code == 400 and "不能早于今天" in response.content.decode()
    response = client.post(
        f"/appeals/office/{appeal.pk}/act/reschedule_plan/",
        {"reschedule_plan-plan_due_date": _day(20), "reschedule_plan-note": "延期"},
    )
    assert response.status_code == 302
    response = client.post(f"/appeals/office/{appeal.pk}/act/complete_plan/", {"complete_plan-note": "已完工。"})
    assert response.status_code == 302
    page = client.get(f"/appeals/office/{appeal.pk}/").content.decode()
    appeal.refresh_from_db()
    done_on = timezone.localtime(appeal.plan_done_at).strftime("%Y-%m-%d")
    assert f"计划已落实（{done_on}）" in page and "已完工。" in page
    assert 'data-testid="form-complete_plan"' not in page
    # Recording it again from a stale page is refused with the reason.
    response = client.post(f"/appeals/office/{appeal.pk}/act/complete_plan/", {"complete_plan-note": "再次"})
    assert response.status_code == 400 and "登记落实" in response.content.decode()


def test_the_office_list_filters_open_and_overdue_plans(client, cast, workstation):
    running = closed_with_plan(cast, workstation, title="路灯计划落实中")
    late = closed_with_plan(cast, workstation, title="井盖计划已逾期")
    move_due_date(late, -1)
    done = closed_with_plan(cast, workstation, title="水管计划已落实")
    perform(done, "complete_plan", actor=cast.member, note="已落实")
    client.force_login(cast.clerk)
    page = client.get("/appeals/office/?status=plan_open").content.decode()
    assert running.title in page and late.title in page and done.title not in page
    page = client.get("/appeals/office/?status=plan_overdue").content.decode()
    assert late.title in page and running.title not in page and done.title not in page
    page = client.get("/appeals/office/").content.decode()
    assert "计划已落实（" in page and "已逾期" in page


def test_the_api_shows_the_plans_state_read_only(api_client, cast, workstation):
    appeal = closed_with_plan(cast, workstation)
    api_client.force_authenticate(cast.clerk)
    row = api_client.get(f"/api/v1/appeals/{appeal.pk}/").json()
    assert (row["plan_state"], row["plan_done_at"], row["plan_done_note"]) == ("open", None, "")
    perform(appeal, "complete_plan", actor=cast.member, note="已落实。")
    row = api_client.get(f"/api/v1/appeals/{appeal.pk}/").json()
    assert row["plan_state"] == "done" and row["plan_done_note"] == "已落实。" and row["plan_done_at"]
    other = AppealFactory()
    assert api_client.get(f"/api/v1/appeals/{other.pk}/").json()["plan_state"] == ""
