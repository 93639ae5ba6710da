"""A co-handling unit (会办) that is misassigned or silent must not block the lead's reply (report #4):
while the proposal is being handled the assigning offices remove it, or let the lead reply without its
opinion, with a reason, and the units concerned are told."""

import pytest
from django.urls import reverse

from core.exceptions import ActionForbidden, NoteRequired, Refused
from core.models import StatusChange
from core.workflow import perform, workflow_for
from notifications.models import Notification
from proposals import services
from proposals.models import ReplyClass, Status
from proposals.tests.factories import contact, in_progress

pytestmark = pytest.mark.django_db


def reply(cast, proposal):
    return services.submit_reply(
        proposal=proposal,
        actor=cast.liaison,
        reply_class=ReplyClass.objects.get(code="A"),
        body="答复内容",
        signed_by="局长",
    )


def co_data(cast):
    return {"unit": cast.other_liaison.department_id}


def offered(user, proposal):
    return {a.name for a in workflow_for(proposal).available(proposal, user)}


def test_office_removes_a_silent_co_unit_and_the_lead_may_reply(cast):
    proposal = in_progress(cast, co=cast.other_liaison)
    contact(cast, proposal)
    with pytest.raises(Refused, match="尚未提交会办意见"):
        reply(cast, proposal)
    assert "remove_co_unit" in offered(cast.proposal, proposal)
    with pytest.raises(NoteRequired):
        perform(proposal, "remove_co_unit", actor=cast.proposal, data=co_data(cast))
    perform(proposal, "remove_co_unit", actor=cast.proposal, note="交办有误，该事项不属其职责", data=co_data(cast))
    proposal.refresh_from_db()
    assert proposal.status == Status.IN_PROGRESS
    row = proposal.assignments.get(department=cast.other_liaison.department)
    assert row.is_active is False
    assert row.history.first().history_user == cast.proposal
    change = StatusChange.objects.filter(action="remove_co_unit").get()
    assert change.note == "交办有误，该事项不属其职责" and change.actor == cast.proposal
    # The lead and the removed unit are told (the removed unit no longer sees the proposal: no link).
    lead_note = Notification.objects.get(recipient=cast.liaison, event_key__contains=":co_removed:")
    co_note = Notification.objects.get(recipient=cast.other_liaison, event_key__contains=":co_removed:")
    assert "交办有误" in lead_note.body and co_note.object_id is None
    assert "remove_co_unit" not in offered(cast.proposal, proposal)
    reply(cast, proposal)
    proposal.refresh_from_db()
    assert proposal.status == Status.REVIEW


def test_office_waives_a_missing_opinion_and_the_lead_may_reply(cast):
    proposal = in_progress(cast, co=cast.other_liaison)
    contact(cast, proposal)
    perform(proposal, "waive_co_opinion", actor=cast.proposal, note="会办单位逾期未复", data=co_data(cast))
    row = proposal.assignments.get(department=cast.other_liaison.department)
    assert row.is_active and row.opinion_at is not None and row.opinion == ""
    assert Notification.objects.filter(recipient=cast.other_liaison, event_key__contains=":co_waived:").exists()
    assert Notification.objects.filter(recipient=cast.liaison, event_key__contains=":co_waived:").exists()
    assert "waive_co_opinion" not in offered(cast.proposal, proposal)
    with pytest.raises(Refused, match="尚未提交会办意见的会办单位"):
        perform(proposal, "waive_co_opinion", actor=cast.proposal, note="再次", data=co_data(cast))
    reply(cast, proposal)
    proposal.refresh_from_db()
    assert proposal.status == Status.REVIEW


def test_waiving_is_not_offered_once_the_co_unit_has_sent_its_opinion(cast):
    proposal = in_progress(cast, co=cast.other_liaison)
    services.submit_opinion(proposal=proposal, actor=cast.other_liaison, opinion="同意")
    assert "waive_co_opinion" not in offered(cast.proposal, proposal)
    with pytest.raises(Refused):
        perform(proposal, "waive_co_opinion", actor=cast.proposal, note="x", data=co_data(cast))


def test_only_a_co_unit_of_the_proposal_may_be_removed_and_only_by_the_assigners(cast):
    proposal = in_progress(cast, co=cast.other_liaison)
    with pytest.raises(Refused, match="请选择本提案的会办单位"):
        perform(proposal, "remove_co_unit", actor=cast.proposal, note="x", data={"unit": cast.liaison.department_id})
    with pytest.raises(Refused):
        perform(proposal, "remove_co_unit", actor=cast.proposal, note="x", data={"unit": "abc"})
    for user in (cast.liaison, cast.other_liaison, cast.member):
        with pytest.raises(ActionForbidden):
            perform(proposal, "remove_co_unit", actor=user, note="x", data=co_data(cast))
    assert proposal.assignments.filter(is_active=True).count() == 2


def test_not_offered_without_a_co_unit(cast):
    proposal = in_progress(cast)
    names = offered(cast.proposal, proposal)
    assert "remove_co_unit" not in names and "waive_co_opinion" not in names


def test_the_page_offers_both_with_the_co_unit_to_choose_and_says_the_opinion_was_waived(client, cast):
    proposal = in_progress(cast, co=cast.other_liaison)
    client.force_login(cast.proposal)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-action="remove_co_unit"' in page and 'data-action="waive_co_opinion"' in page
    assert f'<option value="{cast.other_liaison.department_id}"' in page
    response = client.post(
        reverse("core:transition", args=["proposals.proposal", proposal.pk]),
        {"action": "waive_co_opinion", "note": "逾期未复", "data_unit": cast.other_liaison.department_id},
    )
    assert response.status_code == 302
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="opinion-waived"' in page and 'data-action="waive_co_opinion"' not in page


# A co-unit's request for adjustment (申请调整) while the lead handles the proposal: the same window after the
# hand-over as every unit's (domain.md §2), which the lead's acknowledgement does not end.


def ask_co_return(cast, proposal, note="该事项与本单位职责无关"):
    return perform(proposal, "request_co_return", actor=cast.other_liaison, note=note)


def test_a_co_unit_asks_within_the_window_and_the_office_relieves_it(cast):
    proposal = in_progress(cast, co=cast.other_liaison)
    assert "request_co_return" in offered(cast.other_liaison, proposal)
    assert "request_co_return" not in offered(cast.liaison, proposal)  # the lead acknowledged: it handles
    ask_co_return(cast, proposal)
    row = proposal.assignments.get(department=cast.other_liaison.department)
    assert row.is_active and row.return_reason == "该事项与本单位职责无关" and row.return_requested_at
    assert Notification.objects.filter(recipient=cast.proposal, event_key__contains=":co_return:").exists()
    # Every assigner who decides it is told once, with the reason; the proposer is not told.
    for assigner in (cast.proposal, cast.clerk, cast.gov_office, cast.party_office):
        (notice,) = Notification.objects.filter(recipient=assigner, event_key__contains="return:")
        assert "（会办）" in notice.shown_title and "该事项与本单位职责无关" in notice.shown_body
    assert not Notification.objects.filter(recipient=cast.member, body__contains="该事项与本单位职责无关").exists()
    assert "request_co_return" not in offered(cast.other_liaison, proposal)  # one request at a time
    assert {"accept_co_return", "refuse_co_return"} <= offered(cast.gov_office, proposal)
    from proposals.selectors import inbox

    assert inbox(cast.proposal).filter(pk=proposal.pk).exists()
    perform(proposal, "accept_co_return", actor=cast.gov_office, data=co_data(cast))
    proposal.refresh_from_db()
    row.refresh_from_db()
    assert proposal.status == Status.IN_PROGRESS and row.is_active is False
    assert Notification.objects.filter(recipient=cast.liaison, event_key__contains=":co_return_accepted:").exists()
    contact(cast, proposal)
    reply(cast, proposal)  # the lead no longer waits for the relieved co-unit's opinion
    proposal.refresh_from_db()
    assert proposal.status == Status.REVIEW


def test_the_office_may_keep_the_co_unit_with_a_reason(cast):
    proposal = in_progress(cast, co=cast.other_liaison)
    ask_co_return(cast, proposal)
    with pytest.raises(NoteRequired):
        perform(proposal, "refuse_co_return", actor=cast.proposal, data=co_data(cast))
    perform(proposal, "refuse_co_return", actor=cast.proposal, note="该事项涉及本单位职能，请配合", data=co_data(cast))
    row = proposal.assignments.get(department=cast.other_liaison.department)
    assert row.is_active and row.return_requested_at is None and row.return_reason
    note = Notification.objects.get(recipient=cast.other_liaison, event_key__contains=":co_return_refused:")
    assert "请配合" in note.body
    assert not ({"accept_co_return", "refuse_co_return"} & offered(cast.proposal, proposal))
    with pytest.raises(Refused, match="请选择申请调整的承办单位"):
        perform(proposal, "accept_co_return", actor=cast.proposal, data=co_data(cast))


def test_the_co_units_window_closes_as_the_lead_units_does(cast):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    proposal = in_progress(cast, co=cast.other_liaison)
    with time_machine.travel(timezone.now() + timedelta(days=18)):
        assert "request_co_return" not in offered(cast.other_liaison, proposal)
        with pytest.raises(Refused, match="不能再申请调整承办单位"):
            ask_co_return(cast, proposal)
    for user in (cast.liaison, cast.member, cast.proposal):
        with pytest.raises(ActionForbidden):
            perform(proposal, "request_co_return", actor=user, note="x")


def test_the_page_offers_the_co_units_request_and_the_offices_decision(client, cast):
    proposal = in_progress(cast, co=cast.other_liaison)
    client.force_login(cast.other_liaison)
    assert 'data-action="request_co_return"' in client.get(proposal.get_absolute_url()).content.decode()
    response = client.post(
        reverse("core:transition", args=["proposals.proposal", proposal.pk]),
        {"action": "request_co_return", "note": "不属本单位职责"},
    )
    assert response.status_code == 302
    client.force_login(cast.proposal)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="return-pending"' in page
    assert 'data-action="accept_co_return"' in page and 'data-action="refuse_co_return"' in page
    assert f'<option value="{cast.other_liaison.department_id}"' in page


# The assigners who accept a unit's request for adjustment may name the unit that takes over in the same role
# (改由…会办/分办): otherwise the proposal lost that part of its handling for good.


def third_unit():
    from accounts.roles import Role
    from accounts.tests.factories import UserFactory
    from district.tests.factories import DepartmentFactory

    department = DepartmentFactory(name="住建局")
    liaison = UserFactory(username="liaison3", department=department, roles=[Role.DEPT_LIAISON])
    return department, liaison


def test_accepting_a_co_units_request_may_hand_its_part_to_another_unit(cast):
    department, liaison = third_unit()
    proposal = in_progress(cast, co=cast.other_liaison)
    ask_co_return(cast, proposal)
    data = {**co_data(cast), "replacement": department.pk}
    perform(proposal, "accept_co_return", actor=cast.gov_office, note="职能已划转", data=data)
    rows = {r.department_id: r for r in proposal.assignments.all()}
    assert rows[cast.other_liaison.department_id].is_active is False
    new = rows[department.pk]
    assert new.is_active and new.role == "co" and new.assigned_by == cast.gov_office
    change = StatusChange.objects.get(action="accept_co_return")
    assert change.note == "职能已划转\n改由住建局会办" and change.actor == cast.gov_office
    (notice,) = Notification.objects.filter(recipient=liaison, event_key__contains=":handed_over:")
    assert "会办" in notice.shown_title and proposal.reply_due.isoformat() in notice.shown_title
    assert notice.object_id == proposal.pk
    # The new co-unit is waited for: the lead may not reply before its opinion.
    contact(cast, proposal)
    with pytest.raises(Refused, match="尚未提交会办意见"):
        reply(cast, proposal)
    assert "request_co_return" in offered(liaison, proposal)


def test_the_unit_taking_over_must_be_active_and_not_handling_already(cast):
    from district.tests.factories import DepartmentFactory

    proposal = in_progress(cast, co=cast.other_liaison)
    ask_co_return(cast, proposal)
    gone = DepartmentFactory(name="已撤销局", is_active=False)
    for replacement, message in (
        (cast.liaison.department_id, "已在承办本提案"),
        (gone.pk, "不存在或已停用"),
        ("x", "不存在或已停用"),
    ):
        with pytest.raises(Refused, match=message):
            perform(
                proposal, "accept_co_return", actor=cast.gov_office, data={**co_data(cast), "replacement": replacement}
            )
    assert proposal.assignments.get(department=cast.other_liaison.department).is_active


def test_the_page_lists_the_units_that_may_take_over(client, cast):
    department, _liaison = third_unit()
    proposal = in_progress(cast, co=cast.other_liaison)
    ask_co_return(cast, proposal)
    client.force_login(cast.gov_office)
    page = client.get(proposal.get_absolute_url()).content.decode()
    listed = page[
        page.index('name="data_replacement"') : page.index("</select>", page.index('name="data_replacement"'))
    ]
    assert f'<option value="{department.pk}"' in listed
    assert f'<option value="{cast.liaison.department_id}"' not in listed  # the lead handles it already
    response = client.post(
        reverse("core:transition", args=["proposals.proposal", proposal.pk]),
        {
            "action": "accept_co_return",
            "data_unit": cast.other_liaison.department_id,
            "data_replacement": department.pk,
        },
    )
    assert response.status_code == 302
    assert proposal.assignments.get(department=department).is_active
