"""Review 4 #8: only those handling a public appeal act on it and see the citizen's contact details —
the office clerks (and the administrator), the members it was routed to, a department while its
referral runs. The research, proposals and information offices read it masked; the information
office still forwards it as 社情民意信息, the proposals committee still drafts a proposal from it."""

import pytest

from core.exceptions import Refused
from core.workflow import perform, workflow_for
from intake import selectors, services
from intake.models import AppealStatus, Route
from intake.tests.factories import AppealFactory

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
READERS = ["research", "info", "proposal"]


@pytest.fixture
def routed(cast):
    from grassroots.tests.factories import WorkstationFactory

    ws = WorkstationFactory()
    ws.members.add(cast.member.member)
    appeal = AppealFactory(contact_phone=PHONE, contact_name="王小明")
    perform(appeal, "route", actor=cast.clerk, data={"route": Route.WORKSTATION, "workstation": ws.pk})
    appeal.refresh_from_db()
    return appeal


@pytest.mark.parametrize("role", READERS)
def test_other_office_roles_read_the_appeal_masked_and_cannot_handle_it(client, api_client, cast, routed, role):
    user = getattr(cast, role)
    assert not selectors.may_see_contact(user, routed)
    assert workflow_for(routed).available(routed, user) == []
    with pytest.raises(Refused):
        services.reveal_contact(appeal=routed, viewer=user)
    with pytest.raises(Refused):
        services.add_staff_message(appeal=routed, body="您好", actor=user)

    client.force_login(user)
    response = client.get(f"/appeals/office/{routed.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert PHONE not in page and 'data-testid="reveal"' not in page
    assert 'data-testid="form-answer"' not in page and 'data-testid="form-reroute"' not in page
    assert client.post(f"/appeals/office/{routed.pk}/contact/").status_code == 403
    assert client.post(f"/appeals/office/{routed.pk}/act/answer/", {"note": "已处理"}).status_code == 400
    routed.refresh_from_db()
    assert routed.status == AppealStatus.ROUTED

    api_client.force_authenticate(user)
    assert api_client.get(f"/api/v1/appeals/{routed.pk}/").status_code == 200
    assert api_client.post(f"/api/v1/appeals/{routed.pk}/contact/").status_code == 403

    from core.models import PersonalDataAccess

    assert not PersonalDataAccess.objects.filter(user=user).exists()


@pytest.mark.parametrize("role", ["clerk", "admin", "member"])
def test_the_clerks_and_the_routed_member_still_see_the_contact(client, api_client, cast, routed, role):
    user = getattr(cast, role)
    assert selectors.may_see_contact(user, routed)
    client.force_login(user)
    assert 'data-testid="reveal"' in client.get(f"/appeals/office/{routed.pk}/").content.decode()
    api_client.force_authenticate(user)
    response = api_client.post(f"/api/v1/appeals/{routed.pk}/contact/")
    assert response.status_code == 200 and response.json()["contact_phone"] == PHONE


def test_only_the_clerks_route_merge_and_reopen(cast):
    received = AppealFactory()
    allowed = {
        role
        for role in ("admin", "clerk", "research", "info", "proposal")
        if workflow_for(received).action("route").is_allowed(getattr(cast, role), received)
    }
    assert allowed == {"admin", "clerk"}
    for action in ("merge", "reroute", "reopen"):
        act = workflow_for(received).action(action)
        assert act.is_allowed(cast.clerk, received)
        assert not any(act.is_allowed(getattr(cast, role), received) for role in READERS), action


def test_the_information_office_still_forwards_an_appeal_as_an_opinion_report(client, cast, routed):
    from opinions.models import OpinionReport

    client.force_login(cast.info)
    page = client.get(f"/appeals/office/{routed.pk}/").content.decode()
    assert 'data-testid="forward"' in page
    # Forwarding is not handling: no referral form, no contact.
    assert "转交并督办" not in page and PHONE not in page
    assert client.post(f"/appeals/office/{routed.pk}/forward/").status_code == 302
    routed.refresh_from_db()
    assert routed.opinion_report_id and OpinionReport.objects.get().pk == routed.opinion_report_id


@pytest.mark.parametrize("role", ["research", "proposal"])
def test_research_and_proposal_offices_neither_forward_nor_refer(client, cast, routed, role):
    user = getattr(cast, role)
    with pytest.raises(Refused):
        services.forward_as_opinion(appeal=routed, actor=user)
    with pytest.raises(Refused):
        services.refer_to_department(appeal=routed, department=cast.liaison.department, actor=user)
    client.force_login(user)
    page = client.get(f"/appeals/office/{routed.pk}/").content.decode()
    assert 'data-testid="forward"' not in page and "转交并督办" not in page


def test_the_proposals_committee_still_drafts_a_proposal_from_an_appeal(client, cast, routed):
    client.force_login(cast.proposal)
    assert 'data-testid="draft-proposal"' in client.get(f"/appeals/office/{routed.pk}/").content.decode()
