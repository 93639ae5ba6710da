"""What the proposals office found walking a proposal year (reviewer 4): separate units each sign for the proposal
and may ask for adjustment in their window, a changed reply class audited and told, collective proposals only in
the name of an organisation one may speak for (and counted under it), the proposers told of re-handling and
closing and of the day to rate by, the units chosen and the co-signers' answers on the timeline, and the English
plural of the list's proposers."""

from datetime import timedelta

import pytest
import time_machine
from constance import config
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from core.exceptions import Refused
from core.models import StatusChange
from core.workflow import history_for, perform, workflow_for
from district.tests.factories import BodyFactory, PartyFactory, SectorFactory
from notifications.models import Notification
from proposals import services
from proposals.forms import ProposalForm
from proposals.models import Proposal, ReplyClass, Status
from proposals.selectors import inbox
from proposals.statistics import annual_statistics
from proposals.tests.factories import ProposalFactory, contact, filed, in_progress, replied, session

pytestmark = pytest.mark.django_db


def offered(user, proposal) -> set[str]:
    return {a.name for a in workflow_for(proposal).available(proposal, user)}


def steps(proposal, action: str):
    ct = ContentType.objects.get_for_model(Proposal)
    return StatusChange.objects.filter(content_type=ct, object_id=proposal.pk, action=action).order_by("id")


def reply(proposal, liaison, code="A"):
    return services.submit_reply(
        proposal=proposal,
        actor=liaison,
        reply_class=ReplyClass.objects.get(code=code),
        body="答复内容",
        signed_by="局长",
    )


def separate(cast) -> Proposal:
    """Handed to two separate units (分办), 教育局 (liaison) and 人社局 (other_liaison); 教育局 has signed for it."""
    proposal = filed(cast)
    units = f"{cast.liaison.department_id},{cast.other_liaison.department_id}"
    perform(proposal, "set_units", actor=cast.proposal, data={"mode": "separate", "units": units})
    perform(proposal, "assign", actor=cast.proposal)
    return perform(proposal, "acknowledge", actor=cast.liaison)


def row_of(proposal, liaison):
    return proposal.assignments.get(department=liaison.department, is_active=True)


# 1. Separate units (分办) ----------------------------------------------------------------------------------------


def test_each_separate_unit_signs_for_the_proposal_itself(client, cast):
    proposal = separate(cast)
    assert proposal.status == Status.IN_PROGRESS
    assert row_of(proposal, cast.other_liaison).acknowledged_at is None
    # The unit that has not signed is offered 签收办理 (and 申请调整) on its page; the one that signed is not.
    assert {"acknowledge_separate", "request_co_return"} <= offered(cast.other_liaison, proposal)
    assert not {"acknowledge_separate", "request_co_return"} & offered(cast.liaison, proposal)
    with pytest.raises(Refused, match="已于.*签收"):
        perform(proposal, "acknowledge_separate", actor=cast.liaison)
    client.force_login(cast.other_liaison)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-action="acknowledge_separate"' in page and 'data-action="request_co_return"' in page
    assert 'data-testid="send-reply"' not in page  # it signs before it replies
    perform(proposal, "acknowledge_separate", actor=cast.other_liaison)
    assert row_of(proposal, cast.other_liaison).acknowledged_at is not None
    assert proposal.status == Status.IN_PROGRESS
    assert [s.actor for s in steps(proposal, "acknowledge_separate")] == [cast.other_liaison]
    labels = [e["action_label"] for e in history_for(proposal, cast.proposal) if e["kind"] == "transition"]
    assert labels.count("签收办理") == 2
    # Signed, it handles the proposal: no second signature, no request for adjustment.
    assert not {"acknowledge_separate", "request_co_return"} & offered(cast.other_liaison, proposal)
    with pytest.raises(Refused, match="已签收办理"):
        perform(proposal, "request_co_return", actor=cast.other_liaison, note="不属于本单位职责")
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="send-reply"' in page


def test_a_separate_unit_not_yet_signed_may_ask_for_adjustment_within_its_window(cast):
    proposal = separate(cast)
    perform(proposal, "request_co_return", actor=cast.other_liaison, note="该事项不属于本单位职责")
    proposal.refresh_from_db()
    assert proposal.status == Status.IN_PROGRESS  # the other unit handles on
    told = Notification.objects.get(recipient=cast.gov_office, event_key__contains=":co_return:")
    assert "（分办）" in told.shown_title and "不属于本单位职责" in told.body
    # Waiting for the decision, it neither asks again nor signs.
    assert not {"request_co_return", "acknowledge_separate"} & offered(cast.other_liaison, proposal)
    assert {"accept_co_return", "refuse_co_return"} <= offered(cast.gov_office, proposal)
    assert inbox(cast.gov_office).filter(pk=proposal.pk).exists()  # 待我处理 of the assigning offices
    perform(
        proposal,
        "refuse_co_return",
        actor=cast.gov_office,
        note="属于本单位职责，请办理",
        data={"unit": cast.other_liaison.department_id},
    )
    # Kept: it signs and handles; it may not ask again.
    assert "request_co_return" not in offered(cast.other_liaison, proposal)
    assert "acknowledge_separate" in offered(cast.other_liaison, proposal)


def test_the_window_of_a_separate_unit_closes_with_the_return_window(cast):
    proposal = separate(cast)
    later = timezone.now() + timedelta(days=int(config.PROPOSAL_RETURN_WINDOW_DAYS) + 1)
    with time_machine.travel(later):
        assert "request_co_return" not in offered(cast.other_liaison, proposal)
        with pytest.raises(Refused, match="不能再申请调整"):
            perform(proposal, "request_co_return", actor=cast.other_liaison, note="不属于本单位职责")
        # It may still sign for it after the window.
        assert "acknowledge_separate" in offered(cast.other_liaison, proposal)


def test_a_separate_unit_relieved_after_the_other_replied_sends_the_replies_to_review(cast):
    proposal = separate(cast)
    perform(proposal, "request_co_return", actor=cast.other_liaison, note="不属于本单位职责")
    contact(cast, proposal)
    reply(proposal, cast.liaison)
    proposal.refresh_from_db()
    assert proposal.status == Status.IN_PROGRESS  # the other unit has not replied
    data = {"unit": cast.other_liaison.department_id}
    perform(proposal, "accept_co_return", actor=cast.proposal, note="改由教育局单独办理", data=data)
    proposal.refresh_from_db()
    assert proposal.status == Status.REVIEW
    assert not proposal.assignments.get(department=cast.other_liaison.department).is_active
    (sent,) = steps(proposal, "send_reply")
    assert sent.actor is None  # the platform's step (系统)
    told = Notification.objects.get(recipient=cast.other_liaison, event_key__contains=":co_return_accepted:")
    assert "不再分办" in told.shown_title


# 3. A reply's class changed on approval ----------------------------------------------------------------------


def _in_review(cast, code="B") -> Proposal:
    proposal = in_progress(cast)
    contact(cast, proposal)
    reply(proposal, cast.liaison, code=code)
    proposal.refresh_from_db()
    assert proposal.status == Status.REVIEW
    return proposal


def test_a_class_changed_on_approval_is_recorded_and_told_to_the_unit(client, cast):
    proposal = _in_review(cast, code="B")
    perform(proposal, "approve_reply", actor=cast.proposal, note="答复已落实，按A类统计", data={"reply_class": "A"})
    (step,) = steps(proposal, "approve_reply")
    assert step.note == "答复已落实，按A类统计\n答复类别由B类调整为A类。"
    assert (step.data["reply_class_from"], step.data["reply_class"]) == ("B", "A")
    assert step.actor == cast.proposal and step.created_at
    assert proposal.replies.get().reply_class.code == "A"
    # On the timeline of the handling side (page and API), with who and when.
    client.force_login(cast.liaison)
    assert "答复类别由B类调整为A类" in client.get(proposal.get_absolute_url()).content.decode()
    told = Notification.objects.get(recipient=cast.liaison, event_key__contains=":reply_approved:")
    assert told.shown_title.startswith("答复已审核通过") and "答复类别由B类调整为A类" in told.shown_body
    assert not Notification.objects.filter(recipient=cast.other_liaison, event_key__contains=":reply_approved:")


def test_an_approval_without_a_change_tells_the_unit_and_asks_the_proposer_to_rate_by_a_day(cast):
    proposal = _in_review(cast, code="A")
    perform(proposal, "approve_reply", actor=cast.proposal, data={"reply_class": "A"})
    (step,) = steps(proposal, "approve_reply")
    assert step.note == "" and "reply_class_from" not in step.data
    told = Notification.objects.get(recipient=cast.liaison, event_key__contains=":reply_approved:")
    assert told.shown_body == ""
    proposal.refresh_from_db()
    asked = Notification.objects.get(recipient=cast.member, object_id=proposal.pk)
    assert "已答复" in asked.shown_title and f"请于{proposal.rating_due.isoformat()}前评价答复" in asked.shown_body


# 4. Collective proposals ---------------------------------------------------------------------------------------


def collective(actor, **org):
    return services.create_proposal(actor=actor, kind="collective", title="关于界别协商的建议", **org)


def test_a_member_proposes_only_in_the_name_of_his_own_sector_party_or_committee(cast):
    member = cast.member.member
    committee = BodyFactory(kind="special", handles_proposals=False)
    member.body = committee
    member.save(update_fields=["body"])
    for org in ({"org_sector": member.sector}, {"org_party": member.party}, {"org_body": committee}):
        assert collective(cast.member, **org).kind == "collective"
    for field, org in (
        ("org_party", PartyFactory(name="中国国民党革命委员会", short_name="民革")),
        ("org_sector", SectorFactory(name="经贸")),
        ("org_body", BodyFactory(kind="special", handles_proposals=False)),
    ):
        with pytest.raises(Refused, match="不能以其名义提出集体提案") as err:
            collective(cast.member, **{field: org})
        assert set(err.value.fields) == {field}


def test_the_office_enters_any_organisations_paper_proposal_but_not_in_a_non_proposing_bodys_name(cast):
    party = PartyFactory(name="中国国民党革命委员会", short_name="民革")
    proposal = collective(cast.proposal, org_party=party)
    assert proposal.proposer_label == "民革"
    for body in (
        BodyFactory(kind="office"),
        BodyFactory(kind="research"),
        BodyFactory(kind="special", handles_proposals=True),
    ):
        with pytest.raises(Refused, match="不以自己的名义提出提案"):
            collective(cast.proposal, org_body=body)
        with pytest.raises(Refused):
            collective(cast.member, org_body=body)


def test_the_form_offers_only_the_organisations_one_may_speak_for(client, cast):
    member = cast.member.member
    other_party = PartyFactory(name="中国国民党革命委员会", short_name="民革")
    BodyFactory(name="提案委员会", handles_proposals=True)
    BodyFactory(name="办公室", kind="office")
    special = BodyFactory(name="经济委员会")
    form = ProposalForm(user=cast.member)
    assert list(form.fields["org_party"].queryset) == [member.party]
    assert list(form.fields["org_sector"].queryset) == [member.sector]
    assert list(form.fields["org_body"].queryset) == []
    office_form = ProposalForm(user=cast.proposal)
    assert other_party in office_form.fields["org_party"].queryset
    assert list(office_form.fields["org_body"].queryset) == [special]  # not 办公室 nor 提案委员会
    # Posted anyway, another party's name is refused and nothing is saved.
    session()
    client.force_login(cast.member)
    data = {"kind": "collective", "title": "关于加快发展预制菜产业的建议", "org_party": other_party.pk}
    response = client.post(reverse("proposals:create"), data)
    assert response.status_code == 200 and not Proposal.objects.exists()


def test_the_api_refuses_a_collective_proposal_in_another_organisations_name(api_client, cast):
    other_party = PartyFactory(name="中国国民党革命委员会", short_name="民革")
    api_client.force_authenticate(cast.member)
    response = api_client.post(
        "/api/v1/proposals/",
        {"kind": "collective", "title": "关于……的建议", "org_party": other_party.pk},
        format="json",
    )
    assert response.status_code == 400 and "org_party" in response.json()["error"]["fields"]
    assert not Proposal.objects.exists()


def test_statistics_count_a_collective_proposal_under_its_own_sector_not_the_drafters(cast):
    member = cast.member.member
    individual = filed(cast)
    party_made = filed(cast, kind="collective", org_party=member.party)
    other_sector = SectorFactory(name="经贸")
    sector_made = filed(cast, kind="collective", org_sector=other_sector)
    assert individual.member == party_made.member == member  # drafted by the member
    rows = {r["name"]: r["count"] for r in annual_statistics(individual.session.year)["by_sector"]}
    assert rows == {member.sector.name: 1, "经贸": 1}
    assert sector_made.status == Status.FILED


def test_the_export_lists_each_proposers_rating_only_for_whoever_reads_them(client, cast):
    """The export's 本轮各提案者评价 follows the page's rule (`selectors.rating_reader`); its 评价 is for all."""
    import io

    from openpyxl import load_workbook

    proposal = replied(cast)
    services.rate_reply(proposal=proposal, actor=cast.member, rating="basic")
    for user, individual in ((cast.proposal, "基本满意"), (cast.liaison, "基本满意"), (cast.gov_office, None)):
        client.force_login(user)
        sheet = load_workbook(io.BytesIO(client.get(reverse("proposals:export")).content)).active
        headers = [c.value for c in sheet[2]]
        (row,) = [dict(zip(headers, [c.value for c in r], strict=False)) for r in sheet.iter_rows(min_row=3)]
        assert (row["评价"], row["本轮各提案者评价"]) == ("基本满意", individual), user


# 7. The proposers are told of re-handling and closing, and of the day to rate by -----------------------------------


def test_the_proposers_are_told_of_re_handling_with_what_was_asked(cast, django_capture_on_commit_callbacks):
    proposal = replied(cast)
    services.rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied", reason="未回应搬迁时间")
    proposal.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        perform(proposal, "rehandle", actor=cast.proposal, note="请就搬迁时间表专门答复，并与提案者面商")
    note = Notification.objects.filter(recipient=cast.member, object_id=proposal.pk).latest("id")
    assert "重新办理" in note.shown_title and "请就搬迁时间表专门答复" in note.shown_body


def test_the_proposers_are_told_when_the_office_closes_the_file(cast, django_capture_on_commit_callbacks):
    proposal = replied(cast, code="B")
    services.rate_reply(proposal=proposal, actor=cast.member, rating="satisfied")
    proposal.refresh_from_db()
    assert proposal.status == Status.FOLLOW_UP
    with django_capture_on_commit_callbacks(execute=True):
        perform(proposal, "close", actor=cast.proposal, note="已列入年度计划并落实")
    note = Notification.objects.filter(recipient=cast.member, object_id=proposal.pk).latest("id")
    assert "已办结" in note.shown_title and "已列入年度计划并落实" in note.shown_body


def test_the_rating_form_says_the_day_to_rate_by(client, cast):
    proposal = replied(cast)
    client.force_login(cast.member)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert f"请于{proposal.rating_due.isoformat()}前评价。" in page
    services.rate_reply(proposal=proposal, actor=cast.member, rating="satisfied")
    assert 'data-testid="rating-due"' not in client.get(proposal.get_absolute_url()).content.decode()


# 8. The units chosen and the co-signers' answers on the timeline -----------------------------------------------------


def test_the_units_chosen_are_in_the_steps_note(client, cast):
    proposal = filed(cast)
    data = {"mode": "lead", "lead": cast.liaison.department_id, "co": str(cast.other_liaison.department_id)}
    perform(proposal, "set_units", actor=cast.proposal, note="按职能确定", data=data)
    units = f"{cast.liaison.department_id},{cast.other_liaison.department_id}"
    perform(proposal, "set_units", actor=cast.proposal, data={"mode": "separate", "units": units})
    first, second = steps(proposal, "set_units")
    assert first.note == "按职能确定\n主办单位：教育局；会办单位：人社局"
    assert second.note == "分办单位：教育局、人社局"
    client.force_login(cast.proposal)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "主办单位：教育局；会办单位：人社局" in page and "分办单位：教育局、人社局" in page


def test_each_cosigners_answer_is_a_step_on_the_timeline(api_client, cast):
    session()
    proposal = ProposalFactory(author=cast.member, kind="joint")
    services.set_cosigners(
        proposal=proposal, members=[cast.other_member.member, cast.standing.member], actor=cast.member
    )
    perform(proposal, "invite", actor=cast.member)
    services.respond_cosign(proposal=proposal, actor=cast.other_member, accept=True)
    services.respond_cosign(proposal=proposal, actor=cast.standing, accept=False)
    answers = [(s.action, s.actor, s.from_state, s.to_state) for s in steps(proposal, "cosign_accept")]
    answers += [(s.action, s.actor, s.from_state, s.to_state) for s in steps(proposal, "cosign_decline")]
    assert answers == [
        ("cosign_accept", cast.other_member, "cosigning", "cosigning"),
        ("cosign_decline", cast.standing, "cosigning", "cosigning"),
    ]
    api_client.force_authenticate(cast.member)
    events = api_client.get(f"/api/v1/proposals/{proposal.pk}/history/").json()
    shown = [(e["actor"], e["action_label"]) for e in events if e.get("action") in ("cosign_accept", "cosign_decline")]
    assert shown == [(cast.other_member.display, "同意联名"), (cast.standing.display, "谢绝联名")]


# 9. The English list counts the people it prints ---------------------------------------------------------------


def test_the_english_list_says_two_people_for_a_lead_and_one_cosigner(client, cast):
    session()
    proposal = ProposalFactory(author=cast.member, kind="joint")
    services.set_cosigners(proposal=proposal, members=[cast.other_member.member], actor=cast.member)
    perform(proposal, "invite", actor=cast.member)
    services.respond_cosign(proposal=proposal, actor=cast.other_member, accept=True)
    perform(proposal, "submit", actor=cast.member)
    cast.member.language = "en"
    cast.member.save(update_fields=["language"])
    client.force_login(cast.member)
    page = client.get(reverse("proposals:list")).content.decode()
    assert "and co-signers (2 people)" in page and "(2 person)" not in page


def test_a_separate_unit_replaced_after_the_other_replied_leaves_the_proposal_with_the_new_unit(cast):
    from proposals.tests.test_co_units import third_unit

    department, liaison = third_unit()
    proposal = separate(cast)
    perform(proposal, "request_co_return", actor=cast.other_liaison, note="不属于本单位职责")
    contact(cast, proposal)
    reply(proposal, cast.liaison)
    data = {"unit": cast.other_liaison.department_id, "replacement": department.pk}
    perform(proposal, "accept_co_return", actor=cast.proposal, note="改由住建局分办", data=data)
    proposal.refresh_from_db()
    # The new separate unit has its part to answer: the replies wait for it, and it signs first.
    assert proposal.status == Status.IN_PROGRESS and not steps(proposal, "send_reply")
    assert proposal.assignments.get(department=department).role == "separate"
    assert "acknowledge_separate" in offered(liaison, proposal)
    (told,) = Notification.objects.filter(recipient=liaison, event_key__contains=":handed_over:")
    assert "分办" in told.shown_title
