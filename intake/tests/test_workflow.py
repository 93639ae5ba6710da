import datetime

import pytest
from django.utils import timezone

from core.exceptions import ActionForbidden, NoteRequired, Refused, TransitionNotAllowed
from core.workflow import perform
from grassroots.tests.factories import DutyGroupFactory, WorkstationFactory
from intake import selectors
from intake.models import Appeal, AppealStatus, Outcome, Route
from intake.services import merge_appeals
from intake.tests.factories import AppealFactory

pytestmark = pytest.mark.django_db


def test_received_routed_answered_closed_with_plan(cast):
    group = DutyGroupFactory()
    group.members.add(cast.member.member)
    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.DUTY_GROUP, "duty_group": group.pk})
    assert (appeal.status, appeal.duty_group, appeal.route) == (AppealStatus.ROUTED, group, Route.DUTY_GROUP)
    perform(appeal, "answer", actor=cast.member, note="已联系燃气公司，下月迁移。")
    assert appeal.status == AppealStatus.ANSWERED and appeal.answer.startswith("已联系")
    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    perform(appeal, "close", actor=cast.member, note="列入计划", data={"outcome": Outcome.PLAN, "plan_due_date": due})
    assert appeal.status == AppealStatus.CLOSED and appeal.closed_at is not None
    assert appeal.plan_due_date.isoformat() == due


def test_route_needs_a_target(cast):
    appeal = AppealFactory()
    with pytest.raises(Refused):
        perform(appeal, "route", actor=cast.clerk, data={"route": Route.WORKSTATION})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.RECEIVED


def test_only_the_office_routes(cast):
    with pytest.raises(ActionForbidden):
        perform(AppealFactory(), "route", actor=cast.member, data={"route": Route.OFFICE})


def test_member_outside_the_workstation_cannot_answer(cast):
    ws = WorkstationFactory()
    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.WORKSTATION, "workstation": ws.pk})
    with pytest.raises(ActionForbidden):
        perform(appeal, "answer", actor=cast.member, note="x")


def test_answer_requires_text_and_close_requires_an_outcome(cast):
    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    with pytest.raises(NoteRequired):
        perform(appeal, "answer", actor=cast.clerk, note="")
    perform(appeal, "answer", actor=cast.clerk, note="已答复")
    with pytest.raises(Refused):
        perform(appeal, "close", actor=cast.clerk, note="x", data={})
    with pytest.raises(Refused):
        perform(appeal, "close", actor=cast.clerk, note="x", data={"outcome": Outcome.PLAN})
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    with pytest.raises(Refused):
        perform(appeal, "close", actor=cast.clerk, note="x", data={"outcome": Outcome.PLAN, "plan_due_date": past})
    perform(appeal, "close", actor=cast.clerk, note="政策规定如此", data={"outcome": Outcome.EXPLANATION})
    assert appeal.outcome == Outcome.EXPLANATION and appeal.plan_due_date is None


def test_cannot_answer_before_routing(cast):
    with pytest.raises(TransitionNotAllowed):
        perform(AppealFactory(), "answer", actor=cast.clerk, note="x")


def test_merged_appeals_keep_their_code_and_follow_the_main_case(cast):
    main, dup, dup2 = AppealFactory(), AppealFactory(), AppealFactory()
    merge_appeals(duplicate=dup2, into=dup, actor=cast.clerk)
    merge_appeals(duplicate=dup, into=main, actor=cast.clerk)
    dup2.refresh_from_db()
    assert dup2.merged_into == main
    perform(main, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    perform(main, "answer", actor=cast.clerk, note="统一答复")
    found = selectors.find_by_tracking_code(dup.tracking_code)
    assert found == dup and found.status == AppealStatus.MERGED
    assert selectors.case_of(found) == main and selectors.case_of(found).answer == "统一答复"


def test_merge_refuses_itself_and_unknown_targets(cast):
    appeal = AppealFactory()
    with pytest.raises(Refused):
        perform(appeal, "merge", actor=cast.clerk, data={"into": appeal.pk})
    with pytest.raises(Refused):
        perform(appeal, "merge", actor=cast.clerk, data={"into": "ZZZZ-ZZZZ"})


def test_reopen_clears_the_outcome(cast):
    appeal = AppealFactory()
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    perform(appeal, "answer", actor=cast.clerk, note="a")
    perform(appeal, "close", actor=cast.clerk, note="b", data={"outcome": Outcome.ON_THE_SPOT})
    perform(appeal, "reopen", actor=cast.clerk, note="群众不满意")
    assert appeal.status == AppealStatus.ROUTED and appeal.outcome == "" and appeal.closed_at is None


def test_routing_to_a_workstation_tells_its_members(cast, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    with django_capture_on_commit_callbacks(execute=True):
        perform(AppealFactory(), "route", actor=cast.clerk, data={"route": Route.WORKSTATION, "workstation": ws.pk})
    assert Notification.objects.filter(recipient=cast.member).count() == 1
    assert not Notification.objects.filter(recipient=cast.other_member).exists()


def test_a_merged_citizen_sees_their_own_receipt_and_merge_then_the_main_case(cast):
    from datetime import timedelta

    from django.utils import timezone

    main = AppealFactory()
    Appeal.objects.filter(pk=main.pk).update(created_at=timezone.now() - timedelta(days=3))
    perform(main, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    dup = AppealFactory()
    merge_appeals(duplicate=dup, into=main, actor=cast.clerk)
    perform(main, "answer", actor=cast.clerk, note="统一答复")
    dup.refresh_from_db()
    steps = selectors.public_timeline(dup, selectors.case_of(dup))
    # Their own receipt, not the other citizen's three days ago; then the case's steps, in time order.
    assert [s["at"] for s in steps if s["label"] == "诉求已受理"] == [dup.created_at]
    assert [s["at"] for s in steps] == sorted(s["at"] for s in steps)
    labels = [s["label"] for s in steps]
    assert labels == ["已交办理单位办理", "诉求已受理", "与相同问题合并办理", "办理人员已答复"]
