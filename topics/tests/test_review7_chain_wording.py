"""Review 7: the plan's words follow the district's approval chain (the formal document, the leader's
return, the new-version message, the versions section)."""

import io

import pytest
from constance.test import override_config
from django.urls import reverse
from django.utils import timezone

from core.workflow import perform, workflow_for
from topics.services import plan as plan_services
from topics.services import publication
from topics.tests.factories import plan_with_items
from topics.tests.test_workflow import _adopted

pytestmark = pytest.mark.django_db

NO_VOTE = "chairs_meeting,party_leader"


def _issued_text(plan, cast) -> str:
    from docx import Document

    data = {"doc_number": "同委办〔2030〕7号", "issued_on": timezone.localdate().isoformat()}
    perform(plan, "publish", actor=cast.party_office, data=data)
    doc = Document(io.BytesIO(publication.plan_document(plan, "docx").file.read()))
    return "\n".join(p.text for p in doc.paragraphs)


@override_config(PLAN_APPROVAL_CHAIN=NO_VOTE)
def test_a_plan_never_voted_on_is_not_said_to_be_passed_by_the_standing_committee(cast):
    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_leader", actor=cast.chair)
    perform(plan, "leader_approve_to_adopted", actor=cast.party_leader)
    text = _issued_text(plan, cast)
    assert f"《{plan.title}》已经区委同意，现印发给你们" in text
    assert "常委会" not in text.split("协商议题安排")[0]


def test_the_seed_chain_cites_the_party_committee_and_the_standing_committee(cast):
    plan = _adopted(cast)
    assert publication.build_doc_spec(plan).blocks[0] == (
        f"《{plan.title}》已经区委同意、区政协常委会会议审议通过，现印发给你们，请认真贯彻落实。"
    )


@override_config(PLAN_APPROVAL_CHAIN="chairs_meeting,standing_vote")
def test_the_document_follows_the_timeline_not_the_chain_configured_later(cast):
    """A plan that passed the chairs' meeting and the vote keeps its words when the district later adds
    the leader's review to the chain; without leader or vote, the chairs' meeting is cited."""
    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    with override_config(PLAN_APPROVAL_CHAIN="chairs_meeting"):
        perform(plan, "chairs_approve_to_adopted", actor=cast.chair)
    with override_config(PLAN_APPROVAL_CHAIN="chairs_meeting,party_leader,standing_vote"):
        intro = publication.build_doc_spec(plan).blocks[0]
    assert intro == f"《{plan.title}》已经区政协主席会议审议通过，现印发给你们，请认真贯彻落实。"


@override_config(PLAN_APPROVAL_CHAIN="")
def test_a_plan_adopted_without_any_step_cites_no_approval(cast):
    plan = plan_with_items(cast)
    perform(plan, "submit_to_adopted", actor=cast.clerk)
    assert publication.build_doc_spec(plan).blocks[0] == f"现将《{plan.title}》印发给你们，请认真贯彻落实。"


def test_the_leaders_note_field_says_where_the_return_goes(cast):
    plan = plan_with_items(cast)
    with override_config(PLAN_APPROVAL_CHAIN=NO_VOTE):
        perform(plan, "submit_to_chairs", actor=cast.clerk)
        perform(plan, "chairs_approve_to_leader", actor=cast.chair)
        (action,) = [a for a in workflow_for(plan).available(plan, cast.party_leader) if "return" in a.name]
        assert action.name == "leader_return_to_draft"
        assert str(action.note_label) == "批示意见（退回草案编制修改）"
    joint = workflow_for(plan).action("leader_return_to_joint")
    assert str(joint.note_label) == "批示意见（退回三办联席会修改）"


@override_config(PLAN_APPROVAL_CHAIN="chairs_meeting,party_leader,standing_vote")
def test_without_the_joint_meeting_the_plan_page_asks_for_no_sign_off(cast, client):
    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_leader", actor=cast.chair)
    client.force_login(cast.party_leader)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "批示意见（退回草案编制修改）" in page and "退回三办联席会" not in page
    perform(plan, "leader_return_to_draft", actor=cast.party_leader, note="补充议题")
    plan_services.add_item(plan=plan, actor=cast.clerk, title="粮食生产安全", format=plan.items.first().format)
    client.force_login(cast.clerk)
    response = client.post(reverse("topics:version_create", args=[plan.pk]), {"note": "按批示补充"}, follow=True)
    page = response.content.decode()
    assert "已生成第2稿。" in page and "请三办会签" not in page
    assert '<h2 class="h5 mt-4" data-testid="versions-title">版本</h2>' in page
    assert "<th>会签</th>" not in page


def test_with_the_joint_meeting_the_new_version_goes_to_the_offices(cast, client):
    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    plan_services.add_item(plan=plan, actor=cast.clerk, title="粮食生产安全", format=plan.items.first().format)
    client.force_login(cast.clerk)
    response = client.post(reverse("topics:version_create", args=[plan.pk]), {"note": "补充"}, follow=True)
    page = response.content.decode()
    assert "已生成第2稿，请三办会签。" in page
    assert "版本与三办会签" in page and "<th>会签</th>" in page
