"""The proposal's audited timeline (`core.workflow.history_for`, as `proposals.workflow` declares who reads
the notes): every step for whoever may see the proposal; the notes for the handling side (the office side
and the units), the proposers those of the steps they are told of, the party and government offices those
of the requests they decide (adjustment, more time) and of the decisions on them, the other viewers none."""

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
    # (确定承办单位's note names the units chosen: the proposers read it too, the units being no secret to them.)
    assert {e["note"] for e in events if e.get("note") and e["action"] != "set_units"} == reads


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


EXTENSION_REASON = "需协调财政经费，申请延期一个月。"
EXTENSION_DECISION = "同意，请抓紧协调。"
CO_RETURN_REASON = "燃气管线不属于本单位职责。"
CO_OPINION = "会办意见：建议财政安排专项资金。"
CONTACT_NOTE = "沟通记录：委员希望年内完成搬迁。"
BESIDE_THE_TIMELINE = (EXTENSION_REASON, EXTENSION_DECISION, CO_RETURN_REASON, CO_OPINION, CONTACT_NOTE)


def _handled_with_notes_beside_the_timeline(cast) -> tuple[Proposal, str]:
    """Lead unit `liaison`, co-unit `other_liaison`: an extension asked and granted, the co-unit's request
    for adjustment refused, its opinion to the lead, and the lead's contact with the proposer."""
    from datetime import timedelta

    from django.utils import timezone

    proposal = in_progress(cast, co=cast.other_liaison)
    asked = proposal.reply_due + timedelta(days=20)
    perform(proposal, "request_extension", actor=cast.liaison, note=EXTENSION_REASON, data={"due": asked.isoformat()})
    perform(proposal, "approve_extension", actor=cast.proposal, note=EXTENSION_DECISION)
    perform(proposal, "request_co_return", actor=cast.other_liaison, note=CO_RETURN_REASON)
    unit = {"unit": cast.other_liaison.department_id}
    perform(proposal, "refuse_co_return", actor=cast.proposal, note="请继续会办", data=unit)
    services.submit_opinion(proposal=proposal, actor=cast.other_liaison, opinion=CO_OPINION)
    services.record_contact(
        proposal=proposal,
        actor=cast.liaison,
        method="face",
        contacted_on=timezone.localdate(),
        proposer_name="member",
        summary=CONTACT_NOTE,
    )
    return proposal, asked.isoformat()


@pytest.mark.parametrize(
    ("role", "reads"),
    [
        # The handling side: the office side and every unit handling it (the co-unit too).
        ("proposal", set(BESIDE_THE_TIMELINE)),
        ("clerk", set(BESIDE_THE_TIMELINE)),
        ("chair", set(BESIDE_THE_TIMELINE)),
        ("liaison", set(BESIDE_THE_TIMELINE)),
        ("other_liaison", set(BESIDE_THE_TIMELINE)),
        # The proposer reads none of these: why a unit asked for more time or for adjustment, and what the
        # assigners decided, is for the unit and the assigners (he sees that the steps happened, and when);
        # nor the units' working notes.
        ("member", set()),
        ("other_member", set()),
        # The party and government offices decide a unit's requests (they are assigners): they read each
        # request's reason and the decision on it, not the units' working notes nor a co-unit's opinion.
        ("party_office", {EXTENSION_REASON, EXTENSION_DECISION, CO_RETURN_REASON}),
        ("gov_office", {EXTENSION_REASON, EXTENSION_DECISION, CO_RETURN_REASON}),
    ],
)
def test_the_pages_tables_show_the_notes_the_timeline_shows(client, api_client, cast, role, reads):
    proposal, asked = _handled_with_notes_beside_the_timeline(cast)
    user = getattr(cast, role)
    client.force_login(user)
    html = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert {n for n in BESIDE_THE_TIMELINE if n in html} == reads
    # Everyone who sees the proposal sees that the unit asked for more time and what was decided, when.
    table = html[html.index('data-testid="extension-requests"') :]
    assert asked in table and "已同意" in table
    # …that the co-unit asked for adjustment and sent its opinion, and that the unit contacted the proposer.
    assert 'data-testid="return-refused"' in html
    assert (CO_OPINION in html) or 'data-testid="opinion-sent"' in html
    assert 'data-testid="contacts"' in html
    # The API does not list these notes either.
    api_client.force_authenticate(user)
    body = api_client.get(f"/api/v1/proposals/{proposal.pk}/").content.decode()
    assert not any(n in body for n in BESIDE_THE_TIMELINE)
