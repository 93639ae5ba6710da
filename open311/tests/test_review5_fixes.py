"""Review 5 #5: a closed request follows its plan (制定计划限期解决): carried out (计划已落实) or its date moved
shows in `status_notes` and `updated_datetime`, for the request and the requests merged into it."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.models import StatusChange
from core.workflow import perform
from intake.models import Outcome, Route
from intake.tests.factories import AppealCategoryFactory, AppealFactory
from open311.tests.contract import assert_valid
from open311.tests.factories import make_client

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


@pytest.fixture
def category():
    return AppealCategoryFactory(code="urban", name="城市管理", department=None)


def _iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def _closed_with_plan(category, cast, **extra):
    appeal = AppealFactory(category=category, **extra)
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    perform(appeal, "answer", actor=cast.clerk, note="已通知城管局维修路灯。")
    plan = {"outcome": Outcome.PLAN, "plan_due_date": (timezone.localdate() + timedelta(days=30)).isoformat()}
    perform(appeal, "close", actor=cast.clerk, note="列入维修计划", data=plan)
    appeal.refresh_from_db()
    return appeal


def _record(client, appeal, **params) -> dict:
    response = client.get(f"{BASE}/requests/{appeal.pk}.json", params)
    assert response.status_code == 200
    assert_valid(response.json(), "requests.json")
    [record] = response.json()
    return record


def test_a_plan_carried_out_shows_in_the_notes_and_moves_the_update_time(client, category, cast):
    appeal = _closed_with_plan(category, cast)
    closed = _record(client, appeal)
    assert closed["updated_datetime"] == _iso(appeal.closed_at) and "计划已落实" not in closed["status_notes"]

    with time_machine.travel(timezone.now() + timedelta(days=3)):
        perform(appeal, "complete_plan", actor=cast.clerk, note="路灯已全部更换。")
    appeal.refresh_from_db()
    done_on = timezone.localdate(appeal.plan_done_at).isoformat()
    record = _record(client, appeal)
    assert record["status"] == "closed"
    assert record["status_notes"] == f"已办结（制定计划限期解决）；计划已落实（{done_on}）"
    assert record["updated_datetime"] == _iso(appeal.plan_done_at) != _iso(appeal.closed_at)
    # What was done is told to the citizen: to the client that filed it only (below).
    assert "路灯已全部更换" not in record["status_notes"]


def test_the_filing_client_reads_what_was_done(client, category, cast):
    from open311.models import ServiceRequest

    app, key = make_client(name="12345热线对接")
    appeal = _closed_with_plan(category, cast)
    ServiceRequest.objects.create(appeal=appeal, client=app)
    perform(appeal, "complete_plan", actor=cast.clerk, note="路灯已全部更换。")
    record = _record(client, appeal, api_key=key)
    assert "计划已落实" in record["status_notes"] and record["status_notes"].endswith("。落实情况：路灯已全部更换。")


def test_a_moved_plan_date_moves_the_update_time_of_the_request_and_those_merged_into_it(client, category, cast):
    main = AppealFactory(category=category)
    duplicate = AppealFactory(category=category)
    perform(duplicate, "merge", actor=cast.clerk, data={"into": main.pk})
    perform(main, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    perform(main, "answer", actor=cast.clerk, note="已列入计划。")
    due = timezone.localdate() + timedelta(days=10)
    perform(main, "close", actor=cast.clerk, note="列入计划", data={"outcome": Outcome.PLAN, "plan_due_date": due})
    main.refresh_from_db()
    assert _record(client, duplicate)["updated_datetime"] == _iso(main.closed_at)

    new_due = due + timedelta(days=60)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        data = {"plan_due_date": new_due.isoformat()}
        perform(main, "reschedule_plan", actor=cast.clerk, note="资金未到位", data=data)
    step = StatusChange.objects.get(object_id=main.pk, action="reschedule_plan")
    for appeal in (main, duplicate):
        record = _record(client, appeal)
        assert record["expected_datetime"].startswith(new_due.isoformat())
        assert record["updated_datetime"] == _iso(step.created_at) != _iso(main.closed_at)
        assert "资金未到位" not in record["status_notes"]  # the reason stays with the handlers


def test_the_list_reads_the_plan_steps_without_a_query_per_row(client, category, cast, django_assert_max_num_queries):
    _app, key = make_client(name="计数")
    for _i in range(2):
        _closed_with_plan(category, cast)
    with django_assert_max_num_queries(4) as few:
        assert len(client.get(f"{BASE}/requests.json", {"api_key": key}).json()) == 2
    for _i in range(6):
        appeal = _closed_with_plan(category, cast)
        perform(appeal, "complete_plan", actor=cast.clerk, note="已落实。")
        moved = _closed_with_plan(category, cast)
        due = (timezone.localdate() + timedelta(days=90)).isoformat()
        perform(moved, "reschedule_plan", actor=cast.clerk, note="延后", data={"plan_due_date": due})
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = client.get(f"{BASE}/requests.json", {"api_key": key}).json()
    assert len(data) == 14 and sum("计划已落实" in r["status_notes"] for r in data) == 6
    assert_valid(data, "requests.json")
