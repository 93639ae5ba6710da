"""Actions are offered (the page's buttons, the API's transitions) exactly when their guards let them: never a
button that only refuses. Where the author or the office waits for something, the page says what instead."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.exceptions import Refused
from core.workflow import perform
from proposals import services
from proposals.models import Proposal, Status
from proposals.tests.factories import ProposalFactory, assigned, filed, in_progress, replied, session, submitted

pytestmark = pytest.mark.django_db


def listed(api_client, user, proposal) -> set[str]:
    """The actions the API's transitions list offers the user."""
    api_client.force_authenticate(user)
    return {a["action"] for a in api_client.get(f"/api/v1/proposals/{proposal.pk}/transitions/").json()}


def page(client, user, proposal) -> str:
    client.force_login(user)
    return client.get(proposal.get_absolute_url()).content.decode()


def buttons(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', html))


def joint_draft(cast, **kwargs) -> Proposal:
    session()
    proposal = ProposalFactory(author=cast.member, kind="joint", **kwargs)
    services.set_cosigners(proposal=proposal, members=[cast.other_member.member], actor=cast.member)
    return proposal


# 1. 提交提案 while co-signers have not answered (report1 item 9)


def test_submit_waits_for_the_cosigners_and_the_page_says_who_and_until_when(client, api_client, cast):
    proposal = perform(joint_draft(cast), "invite", actor=cast.member)
    deadline = proposal.cosign_deadline.isoformat()
    html = page(client, cast.member, proposal)
    assert "submit" not in buttons(html) and "submit" not in listed(api_client, cast.member, proposal)
    # The waiting state in one line: who has not answered, until when; 撤回联名修改 is still offered.
    waiting = re.search(r'data-testid="submit-waits">([^<]*)<', html)[1]
    assert "member2" in waiting and deadline in waiting
    assert "recall" in buttons(html)
    with pytest.raises(Refused, match="未确认"):
        perform(proposal, "submit", actor=cast.member)
    services.respond_cosign(proposal=proposal, actor=cast.other_member, accept=True)
    html = page(client, cast.member, proposal)
    assert "submit" in buttons(html) and 'data-testid="submit-waits"' not in html
    assert "submit" in listed(api_client, cast.member, proposal)
    assert perform(proposal, "submit", actor=cast.member).status == Status.SUBMITTED


def test_past_the_deadline_with_nobody_confirmed_submit_is_not_offered_and_the_page_says_why(client, api_client, cast):
    proposal = perform(joint_draft(cast), "invite", actor=cast.member)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        html = page(client, cast.member, proposal)
        assert "submit" not in buttons(html) and "submit" not in listed(api_client, cast.member, proposal)
        assert "没有联名人确认同意联名" in html
        with pytest.raises(Refused, match="没有联名人确认"):
            perform(proposal, "submit", actor=cast.member)


def test_past_the_deadline_a_confirmed_cosigner_is_enough_to_submit(api_client, cast, django_user_model):
    from district.tests.factories import MemberFactory

    third = django_user_model.objects.create_user(username="member3", password="x" * 12)
    third.groups.add(*cast.other_member.groups.all())
    MemberFactory(user=third, name="member3")
    proposal = joint_draft(cast)
    members = [cast.other_member.member, third.member]
    services.set_cosigners(proposal=proposal, members=members, actor=cast.member)
    perform(proposal, "invite", actor=cast.member)
    services.respond_cosign(proposal=proposal, actor=cast.other_member, accept=True)
    assert "submit" not in listed(api_client, cast.member, proposal)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert "submit" in listed(api_client, cast.member, proposal)
        assert perform(proposal, "submit", actor=cast.member).status == Status.SUBMITTED


# 3. 同意延期 / 不同意延期 only while a request waits


def test_the_extension_decision_is_listed_only_while_a_request_waits(client, api_client, cast):
    proposal = in_progress(cast)
    decisions = {"approve_extension", "refuse_extension"}
    for assigner in (cast.proposal, cast.gov_office, cast.party_office):
        assert not decisions & listed(api_client, assigner, proposal)
        assert 'data-testid="extension-pending"' not in page(client, assigner, proposal)
    with pytest.raises(Refused, match="没有待审批的延期申请"):
        perform(proposal, "refuse_extension", actor=cast.gov_office, note="不同意")
    asked = (proposal.reply_due + timedelta(days=20)).isoformat()
    perform(proposal, "request_extension", actor=cast.liaison, note="需协调财政经费", data={"due": asked})
    for assigner in (cast.proposal, cast.gov_office, cast.party_office):
        assert decisions <= listed(api_client, assigner, proposal)
    perform(proposal, "approve_extension", actor=cast.gov_office)
    assert not decisions & listed(api_client, cast.gov_office, proposal)


# 4. The other actions offered, then refused


def test_invite_is_offered_for_a_complete_joint_draft_with_cosigners_only(client, api_client, cast):
    individual = ProposalFactory(author=cast.member)
    assert "invite" not in listed(api_client, cast.member, individual)
    incomplete = joint_draft(cast, analysis="")
    html = page(client, cast.member, incomplete)
    assert "invite" not in buttons(html) and "invite" not in listed(api_client, cast.member, incomplete)
    assert "尚缺：分析" in html
    ready = joint_draft(cast)
    assert "invite" in buttons(page(client, cast.member, ready))
    assert perform(ready, "invite", actor=cast.member).status == Status.COSIGNING


def test_an_incomplete_individual_draft_says_what_is_missing_instead_of_offering_submit(client, api_client, cast):
    session()
    proposal = ProposalFactory(author=cast.member, suggestions="")
    html = page(client, cast.member, proposal)
    assert "submit" not in buttons(html) and "submit" not in listed(api_client, cast.member, proposal)
    assert "尚缺：具体建议" in html
    Proposal.objects.filter(pk=proposal.pk).update(suggestions="建议")
    proposal.refresh_from_db()
    assert "submit" in buttons(page(client, cast.member, proposal))


@pytest.mark.parametrize("consents", [True, False])
def test_convert_is_offered_only_with_the_proposers_consent(client, api_client, cast, consents):
    proposal = perform(submitted(cast, consents_to_conversion=consents), "pre_review", actor=cast.proposal)
    html = page(client, cast.proposal, proposal)
    assert ("convert" in buttons(html)) == ("convert" in listed(api_client, cast.proposal, proposal)) == consents
    assert ('data-testid="convert-waits"' in html) is not consents
    assert "reject" in buttons(html)
    data = {"ground": "multiple_subjects", "conversion": "letter"}
    if consents:
        assert perform(proposal, "convert", actor=cast.proposal, note="转来信", data=data).status == Status.CONVERTED
    else:
        with pytest.raises(Refused, match="未同意"):
            perform(proposal, "convert", actor=cast.proposal, note="转来信", data=data)


def test_merge_is_offered_only_when_there_is_a_proposal_to_merge_into(client, api_client, cast):
    proposal = perform(submitted(cast), "pre_review", actor=cast.proposal)
    assert "merge" not in buttons(page(client, cast.proposal, proposal))
    assert "merge" not in listed(api_client, cast.proposal, proposal)
    master = filed(cast, author=cast.other_member)
    assert "merge" in buttons(page(client, cast.proposal, proposal))
    assert "merge" in listed(api_client, cast.proposal, proposal)
    perform(proposal, "merge", actor=cast.proposal, data={"master": master.pk})
    assert proposal.status == Status.MERGED


def test_after_an_accepted_adjustment_assign_waits_for_the_units_to_be_set_again(client, api_client, cast):
    proposal = assigned(cast)
    perform(proposal, "request_return", actor=cast.liaison, note="不属于我局职责")
    perform(proposal, "accept_return", actor=cast.gov_office)
    assert proposal.status == Status.TO_ASSIGN
    html = page(client, cast.gov_office, proposal)
    assert "assign" not in buttons(html) and "assign" not in listed(api_client, cast.gov_office, proposal)
    assert 'data-testid="set-units"' in html
    units = {"mode": "lead", "lead": cast.other_liaison.department_id}
    perform(proposal, "set_units", actor=cast.gov_office, data=units)
    assert "assign" in listed(api_client, cast.gov_office, proposal)
    assert perform(proposal, "assign", actor=cast.gov_office).status == Status.ASSIGNED


def test_extend_is_not_offered_once_the_deadline_is_at_the_latest_allowed(client, api_client, cast):
    from proposals.services.handling import latest_due

    proposal = in_progress(cast)
    assert "extend" in buttons(page(client, cast.proposal, proposal))
    Proposal.objects.filter(pk=proposal.pk).update(reply_due=latest_due(proposal))
    proposal.refresh_from_db()
    assert "extend" not in buttons(page(client, cast.proposal, proposal))
    assert "extend" not in listed(api_client, cast.proposal, proposal)
    with pytest.raises(Refused):
        later = (proposal.reply_due + timedelta(days=1)).isoformat()
        perform(proposal, "extend", actor=cast.proposal, note="需要调研", data={"due": later})


def test_after_the_re_handling_round_the_office_is_offered_closing_not_another_round(client, api_client, cast):
    from proposals.tests.factories import contact

    proposal = replied(cast)
    services.rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied", reason="未回应核心问题")
    proposal.refresh_from_db()
    assert "rehandle" in buttons(page(client, cast.proposal, proposal))
    perform(proposal, "rehandle", actor=cast.proposal, note="请重新答复")
    contact(cast, proposal)
    services.submit_reply(proposal=proposal, actor=cast.liaison, reply_class="B", body="再答复", signed_by="局长")
    proposal.refresh_from_db()
    perform(proposal, "approve_reply", actor=cast.proposal)
    services.rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied", reason="仍不满意")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.round) == (Status.UNSATISFIED, 2)
    html = page(client, cast.proposal, proposal)
    assert "rehandle" not in buttons(html) and "rehandle" not in listed(api_client, cast.proposal, proposal)
    assert "close" in buttons(html) and 'data-testid="rehandle-waits"' in html
    with pytest.raises(Refused, match="已重新办理过"):
        perform(proposal, "rehandle", actor=cast.proposal, note="再次办理")
