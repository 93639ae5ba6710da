import datetime

import pytest
from django.utils import timezone

from core.exceptions import ActionForbidden, NoteRequired, Refused, TransitionNotAllowed
from core.workflow import perform
from grassroots.tests.factories import DutyGroupFactory, WorkstationFactory
from intake import selectors, services
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
    # Their own receipt, not the other citizen's three days ago; then the case's steps from the merge
    # on (its routing before the citizen wrote is not theirs), in time order.
    assert [s["at"] for s in steps if s["label"] == "诉求已受理"] == [dup.created_at]
    assert [s["at"] for s in steps] == sorted(s["at"] for s in steps)
    labels = [s["label"] for s in steps]
    assert labels == ["诉求已受理", "与相同问题合并办理", "办理人员已答复"]


# The citizen withdraws their appeal.


def test_the_signed_in_sender_withdraws_a_waiting_appeal_with_a_reason_audited(cast):
    from core.models import StatusChange

    appeal = AppealFactory(citizen=cast.citizen)
    services.withdraw_appeal(appeal=appeal, actor=cast.citizen, reason="问题已自行解决")
    assert appeal.status == AppealStatus.WITHDRAWN
    change = StatusChange.objects.get(object_id=appeal.pk, action="withdraw")
    assert (change.actor, change.from_state, change.note) == (cast.citizen, "received", "问题已自行解决")
    assert appeal.history.first().history_user == cast.citizen


def test_the_reason_is_optional(cast):
    appeal = AppealFactory(citizen=cast.citizen)
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    services.withdraw_appeal(appeal=appeal, actor=cast.citizen)
    assert appeal.status == AppealStatus.WITHDRAWN


def test_a_reason_too_long_is_refused_with_a_message(cast):
    appeal = AppealFactory(citizen=cast.citizen)
    with pytest.raises(Refused, match="最多500字"):
        services.withdraw_appeal(appeal=appeal, actor=cast.citizen, reason="很" * 501)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.RECEIVED


@pytest.mark.parametrize("role", ["clerk", "admin", "member", "liaison", "other_member"])
def test_staff_and_handlers_cannot_withdraw_for_the_citizen(cast, role):
    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    appeal = AppealFactory(citizen=cast.citizen, department=cast.liaison.department)
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.WORKSTATION, "workstation": ws.pk})
    with pytest.raises(ActionForbidden):
        services.withdraw_appeal(appeal=appeal, actor=getattr(cast, role))
    # Not even for an appeal sent without an account, whose code staff can read in their lists.
    anonymous = AppealFactory()
    with pytest.raises(ActionForbidden):
        services.withdraw_appeal(appeal=anonymous, actor=getattr(cast, role))


def test_an_answered_or_closed_appeal_cannot_be_withdrawn(cast):
    appeal = AppealFactory(citizen=cast.citizen)
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    perform(appeal, "answer", actor=cast.clerk, note="已答复")
    with pytest.raises(TransitionNotAllowed, match="已答复"):
        services.withdraw_appeal(appeal=appeal, actor=cast.citizen)


def test_the_code_holder_withdraws_an_appeal_sent_without_an_account_only(cast):
    from intake.predicates import TrackingCodeHolder

    sent_anonymously, other = AppealFactory(), AppealFactory()
    with pytest.raises(ActionForbidden):
        services.withdraw_appeal(appeal=other, actor=TrackingCodeHolder(sent_anonymously.pk))
    services.withdraw_appeal(appeal=sent_anonymously, actor=TrackingCodeHolder(sent_anonymously.pk))
    assert sent_anonymously.status == AppealStatus.WITHDRAWN
    # An appeal sent from an account is withdrawn by signing in to it, not with the code alone.
    owned = AppealFactory(citizen=cast.citizen)
    with pytest.raises(ActionForbidden):
        services.withdraw_appeal(appeal=owned, actor=TrackingCodeHolder(owned.pk))


def test_clerks_and_the_routed_handlers_are_told_of_a_withdrawal(cast, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    appeal = AppealFactory(citizen=cast.citizen, title="井盖松动")
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.WORKSTATION, "workstation": ws.pk})
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_appeal(appeal=appeal, actor=cast.citizen, reason="已经修好了")
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {cast.clerk.username, cast.member.username} <= told
    assert cast.other_member.username not in told and cast.citizen.username not in told
    note = Notification.objects.get(recipient=cast.member)
    assert "井盖松动" in note.title and "已撤回" in note.title and note.body == "已经修好了"


def test_a_waiting_appeal_withdrawn_tells_the_clerks_only(cast, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_appeal(appeal=AppealFactory(citizen=cast.citizen), actor=cast.citizen)
    assert Notification.objects.filter(recipient=cast.clerk).exists()
    assert not Notification.objects.filter(recipient=cast.member).exists()


def test_a_main_case_others_were_merged_into_cannot_be_withdrawn(cast):
    main, dup = AppealFactory(citizen=cast.citizen), AppealFactory()
    merge_appeals(duplicate=dup, into=main, actor=cast.clerk)
    with pytest.raises(Refused, match="合并办理"):
        services.withdraw_appeal(appeal=main, actor=cast.citizen)
    main.refresh_from_db()
    assert main.status == AppealStatus.RECEIVED


def test_a_merged_appeal_is_withdrawn_alone_while_the_main_case_goes_on(cast):
    main, dup = AppealFactory(), AppealFactory(citizen=cast.citizen)
    perform(main, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    merge_appeals(duplicate=dup, into=main, actor=cast.clerk)
    services.withdraw_appeal(appeal=dup, actor=cast.citizen)
    main.refresh_from_db()
    assert (dup.status, main.status) == (AppealStatus.WITHDRAWN, AppealStatus.ROUTED)
    # The citizen's page now shows their own withdrawn appeal, not the main case's state.
    assert selectors.case_of(dup) == dup
    assert selectors.public_timeline(dup, dup)[-1]["label"] == "您已撤回诉求"
    # With the merged appeal withdrawn, the main case's citizen may withdraw theirs.
    assert selectors.withdraw_blocker(main) == ""


def test_a_merged_appeal_whose_case_was_answered_cannot_be_withdrawn(cast):
    main, dup = AppealFactory(), AppealFactory(citizen=cast.citizen)
    perform(main, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    merge_appeals(duplicate=dup, into=main, actor=cast.clerk)
    perform(main, "answer", actor=cast.clerk, note="统一答复")
    with pytest.raises(Refused, match="已经答复"):
        services.withdraw_appeal(appeal=dup, actor=cast.citizen)


def test_nothing_is_merged_into_a_withdrawn_appeal_and_it_takes_no_messages(cast):
    withdrawn = AppealFactory(citizen=cast.citizen)
    services.withdraw_appeal(appeal=withdrawn, actor=cast.citizen)
    with pytest.raises(Refused, match="撤回"):
        merge_appeals(duplicate=AppealFactory(), into=withdrawn, actor=cast.clerk)
    with pytest.raises(Refused, match="撤回"):
        services.add_citizen_message(appeal=withdrawn, body="还有一件事")


def test_a_withdrawn_appeal_leaves_inboxes_and_is_not_a_duplicate_candidate(cast):
    from analytics.intake_bridge import open_appeals

    appeal = AppealFactory(citizen=cast.citizen)
    services.withdraw_appeal(appeal=appeal, actor=cast.citizen)
    assert not selectors.inbox(cast.clerk).filter(pk=appeal.pk).exists()
    assert not open_appeals().filter(pk=appeal.pk).exists()
    assert not selectors.appeals_list(cast.clerk, status="open").filter(pk=appeal.pk).exists()
    assert selectors.appeals_list(cast.clerk, status="withdrawn").get() == appeal


def test_whoever_recorded_an_appeal_hears_when_it_is_answered_to_pass_it_on(cast, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    appeal, _created = services.submit_appeal(
        title="村道积水", body="雨后积水严重", channel="phone", actor=cast.member, recorded_by=cast.member
    )
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    assert not Notification.objects.filter(recipient=cast.member).exists()
    with django_capture_on_commit_callbacks(execute=True):
        perform(appeal, "answer", actor=cast.clerk, note="已安排疏通排水沟")
    note = Notification.objects.get(recipient=cast.member)
    assert "村道积水" in note.title and "已答复" in note.title and note.body == "已安排疏通排水沟"


def test_a_citizen_who_sent_an_appeal_signed_in_hears_when_it_is_answered_and_closed(
    cast, client, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    appeal, _created = services.submit_appeal(
        title="村道积水", body="雨后积水严重", channel="web", actor=cast.citizen, citizen=cast.citizen
    )
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    with django_capture_on_commit_callbacks(execute=True):
        perform(appeal, "answer", actor=cast.clerk, note="已安排疏通排水沟")
    with django_capture_on_commit_callbacks(execute=True):
        perform(appeal, "close", actor=cast.clerk, note="已疏通", data={"outcome": Outcome.ON_THE_SPOT})
    notes = Notification.objects.filter(recipient=cast.citizen).order_by("pk")
    assert ["已答复" in n.title for n in notes] == [True, False]
    assert "已办结" in notes[1].title
    # The message opens the citizen's own tracking page.
    client.force_login(cast.citizen)
    response = client.get(f"/notifications/{notes[0].pk}/", follow=True)
    assert response.redirect_chain[-1][0] == f"/appeals/track/{appeal.tracking_code}/"


# A withdrawn appeal that had been referred to a department: its supervision task.


def _referred(cast, **appeal_fields):
    appeal = AppealFactory(citizen=cast.citizen, title="井盖松动", **appeal_fields)
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    due = timezone.localdate() + datetime.timedelta(days=10)
    task = services.refer_to_department(
        appeal=appeal, department=cast.liaison.department, actor=cast.clerk, due_date=due
    )
    return appeal, task


def test_withdrawing_a_referred_appeal_flags_its_supervision_task_audited(cast):
    appeal, task = _referred(cast)
    services.withdraw_appeal(appeal=appeal, actor=cast.citizen, reason="已经修好了")
    task.refresh_from_db()
    assert task.source_withdrawn_at is not None
    assert task.history.first().source_withdrawn_at == task.source_withdrawn_at
    # The system's doing on the task (the citizen's account shows on the appeal's own record only).
    assert task.history.first().history_user is None


def test_the_task_departments_and_supervisors_are_told_the_appeal_was_withdrawn(
    cast, django_capture_on_commit_callbacks
):
    from notifications.models import Notification
    from supervision.services import tasks as task_services

    appeal, task = _referred(cast)
    task.co_departments.add(cast.other_liaison.department)
    task_services.assign_task(
        task=task,
        actor=cast.gov_office,
        lead_department=task.lead_department,
        due_date=task.due_date,
        co_departments=[cast.other_liaison.department],
    )
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_appeal(appeal=appeal, actor=cast.citizen)
    told = Notification.objects.filter(object_id=task.pk, event_key__startswith="supervision-source-withdrawn")
    usernames = set(told.values_list("recipient__username", flat=True))
    assert {cast.liaison.username, cast.other_liaison.username, cast.clerk.username} <= usernames
    assert {cast.gov_office.username, cast.party_office.username} <= usernames  # who verify an appeal's task
    assert cast.citizen.username not in usernames
    assert all("群众已撤回诉求" in n.title for n in told)


def test_a_closed_task_or_a_merged_appeals_main_case_task_is_left_alone(cast):
    appeal, task = _referred(cast)
    type(task).objects.filter(pk=task.pk).update(status="closed")
    services.withdraw_appeal(appeal=appeal, actor=cast.citizen)
    task.refresh_from_db()
    assert task.source_withdrawn_at is None
    # A duplicate merged into a referred case: withdrawing it leaves the main case's task running.
    main, main_task = _referred(cast)
    dup = AppealFactory(citizen=cast.citizen)
    merge_appeals(duplicate=dup, into=main, actor=cast.clerk)
    services.withdraw_appeal(appeal=dup, actor=cast.citizen)
    main_task.refresh_from_db()
    assert main_task.source_withdrawn_at is None


def test_the_office_queue_of_new_appeals_is_the_clerks_not_every_office(cast):
    appeal = AppealFactory()
    assert selectors.inbox(cast.clerk).filter(pk=appeal.pk).exists()
    # The research office compiles special reports: 72 unrouted appeals on its to-do list were noise,
    # and nobody notified it of them (the holders of an office appeal are the clerks).
    assert not selectors.inbox(cast.research).filter(pk=appeal.pk).exists()
    assert not selectors.inbox(cast.proposal).exists()
    assert cast.clerk in selectors.holders(appeal, AppealStatus.ROUTED)
