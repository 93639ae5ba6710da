"""The proposal's audited timeline (`core.workflow.history_for`, as `proposals.workflow` declares who reads
the notes): every step for whoever may see the proposal; the notes for the handling side (the office side
and the units), the proposers those of the steps they are told of, the other viewers none."""

import pytest
from django.urls import reverse

from core.workflow import history_for, perform
from proposals import services
from proposals.models import Proposal, ReplyClass
from proposals.tests.factories import contact, in_progress

pytestmark = pytest.mark.django_db

UNIT_NOTE = "内部意见：答复敷衍，需重写。"
OFFICE_NOTE = "内部审核意见：该局答复质量偏低。"


def _send_reply(cast, proposal: Proposal) -> None:
    reply_class = ReplyClass.objects.get(code="A")
    services.submit_reply(proposal=proposal, actor=cast.liaison, reply_class=reply_class, body="答复", signed_by="局长")
    proposal.refresh_from_db()


def _reviewed_with_notes(cast) -> Proposal:
    """Returned once by the office (a note the units and proposers are told), then approved with an
    internal note (`note_in_notice=False`)."""
    proposal = in_progress(cast)
    contact(cast, proposal)
    _send_reply(cast, proposal)
    perform(proposal, "return_reply", actor=cast.proposal, note=UNIT_NOTE)
    _send_reply(cast, proposal)
    return perform(proposal, "approve_reply", actor=cast.proposal, note=OFFICE_NOTE)


def _notes(viewer, proposal) -> set[str]:
    events = [e for e in history_for(proposal, viewer) if e["kind"] == "transition"]
    assert {"return_reply", "approve_reply"} <= {e["action"] for e in events}
    return {e["note"] for e in events if e["note"]}


def test_the_timeline_shows_every_step_and_the_notes_only_to_the_handling_side(cast):
    proposal = _reviewed_with_notes(cast)
    for insider in (cast.proposal, cast.clerk, cast.admin, cast.liaison):
        assert {UNIT_NOTE, OFFICE_NOTE} <= _notes(insider, proposal), insider
    # The proposer reads the notes meant for him, not the office's working note on the reply.
    assert UNIT_NOTE in _notes(cast.member, proposal) and OFFICE_NOTE not in _notes(cast.member, proposal)
    for outsider in (cast.other_member, cast.standing, cast.gov_office, cast.party_office):
        assert _notes(outsider, proposal) == set(), outsider


@pytest.mark.parametrize(
    ("role", "reads"),
    [
        ("proposal", {UNIT_NOTE, OFFICE_NOTE}),
        ("liaison", {UNIT_NOTE, OFFICE_NOTE}),
        ("member", {UNIT_NOTE}),
        ("other_member", set()),
        ("gov_office", set()),
    ],
)
def test_the_page_and_the_api_show_the_notes_the_viewer_may_read(client, api_client, cast, role, reads):
    proposal = _reviewed_with_notes(cast)
    user = getattr(cast, role)
    client.force_login(user)
    html = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert {n for n in (UNIT_NOTE, OFFICE_NOTE) if n in html} == reads
    api_client.force_authenticate(user)
    events = api_client.get(f"/api/v1/proposals/{proposal.pk}/history/").json()
    assert {"return_reply", "approve_reply"} <= {e["action"] for e in events if e["kind"] == "transition"}
    assert {e["note"] for e in events if e.get("note")} == reads


def test_the_proposer_is_told_of_a_longer_deadline_not_of_the_units_reason(cast):
    """An extension's request and decision are the unit's and the office's (core.workflow.extension_actions):
    the proposer sees the steps, not why the unit asked."""
    from datetime import timedelta

    proposal = in_progress(cast)
    asked = (proposal.reply_due + timedelta(days=20)).isoformat()
    perform(proposal, "request_extension", actor=cast.liaison, note="需跨部门协调", data={"due": asked})
    perform(proposal, "approve_extension", actor=cast.proposal, note="同意")
    steps = [e for e in history_for(proposal, cast.member) if e["kind"] == "transition"]
    events = [e for e in steps if e["action"].endswith("_extension")]
    assert [e["action"] for e in events] == ["request_extension", "approve_extension"]
    assert all(e["note"] == "" for e in events)
    assert any("需跨部门协调" in e["note"] for e in history_for(proposal, cast.proposal) if e["kind"] == "transition")
