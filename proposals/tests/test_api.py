"""API: /api/v1/proposals/ with transitions/history and the handling operations; structured refusals."""

import pytest
from django.utils import timezone

from proposals.models import Proposal, Status
from proposals.tests.factories import assigned, in_progress, replied, session, submitted

pytestmark = pytest.mark.django_db
BASE = "/api/v1/proposals/"


def test_member_creates_a_draft_then_autosaves_with_the_version(api_client, cast):
    session()
    api_client.force_authenticate(cast.member)
    created = api_client.post(BASE, {"kind": "individual", "title": "关于燃气公司搬迁的建议"}, format="json")
    assert created.status_code == 201
    pk, version = created.json()["id"], created.json()["version"]
    ok = api_client.patch(f"{BASE}{pk}/", {"version": version, "case": "案由"}, format="json")
    assert ok.status_code == 200 and ok.json()["case"] == "案由"
    stale = api_client.patch(f"{BASE}{pk}/", {"version": version, "case": "旧"}, format="json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"


def test_cosigner_who_is_not_a_member_is_a_structured_400(api_client, cast):
    session()
    api_client.force_authenticate(cast.member)
    pk = api_client.post(BASE, {"kind": "joint", "title": "联名提案"}, format="json").json()["id"]
    response = api_client.post(f"{BASE}{pk}/cosigners/", {"members": [99999]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["cosigners"]
    ok = api_client.post(f"{BASE}{pk}/cosigners/", {"members": [cast.other_member.member.pk]}, format="json")
    assert ok.json()["signers"][0]["member"] == "member2"


def test_transitions_endpoint_lists_and_fires_workflow_actions(api_client, cast):
    proposal = submitted(cast)
    api_client.force_authenticate(cast.proposal)
    actions = {a["action"] for a in api_client.get(f"{BASE}{proposal.pk}/transitions/").json()}
    assert actions == {"pre_review", "return_to_draft"}
    done = api_client.post(f"{BASE}{proposal.pk}/transitions/", {"action": "pre_review"}, format="json")
    assert done.json()["status"] == Status.PRE_REVIEWED
    refused = api_client.post(
        f"{BASE}{proposal.pk}/transitions/", {"action": "reject", "note": "两事", "data": {}}, format="json"
    )
    assert refused.status_code == 400 and "ground" in refused.json()["error"]["fields"]
    history = api_client.get(f"{BASE}{proposal.pk}/history/").json()
    assert [e["action"] for e in history if e["kind"] == "transition"] == ["submit", "pre_review"]


def test_unit_replies_through_the_api_and_other_units_get_404(api_client, cast):
    proposal = in_progress(cast)
    api_client.force_authenticate(cast.other_liaison)
    assert api_client.get(f"{BASE}{proposal.pk}/").status_code == 404
    api_client.force_authenticate(cast.liaison)
    # A contact before the hand-over does not count for the reply (services.handling.check_contact_date).
    early = api_client.post(
        f"{BASE}{proposal.pk}/contacts/",
        {"method": "phone", "contacted_on": "2022-05-01", "summary": "电话沟通"},
        format="json",
    )
    assert early.status_code == 400 and "contacted_on" in early.json()["error"]["fields"]
    today = timezone.localdate().isoformat()
    api_client.post(
        f"{BASE}{proposal.pk}/contacts/",
        {"method": "phone", "contacted_on": today, "summary": "电话沟通"},
        format="json",
    )
    no_class = api_client.post(f"{BASE}{proposal.pk}/reply/", {"body": "答复", "signed_by": "局长"}, format="json")
    assert no_class.status_code == 400 and "reply_class" in no_class.json()["error"]["fields"]
    ok = api_client.post(
        f"{BASE}{proposal.pk}/reply/", {"reply_class": "A", "body": "答复", "signed_by": "局长"}, format="json"
    )
    assert ok.status_code == 201 and ok.json()["status"] == Status.REVIEW


def test_a_second_round_reply_over_the_api_keeps_the_first_rounds_contact_unless_given(api_client, cast):
    from core.workflow import perform
    from proposals import services
    from proposals.models import ProposalReply
    from proposals.tests.factories import contact

    proposal = in_progress(cast)
    contact(cast, proposal)
    first = {"reply_class": "A", "body": "第一轮答复", "signed_by": "张局长"}
    services.submit_reply(
        proposal=proposal, actor=cast.liaison, contact_name="王科长", contact_phone="0592-7031234", **first
    )
    proposal.refresh_from_db()
    perform(proposal, "approve_reply", actor=cast.proposal)
    services.rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied", reason="未回应核心问题")
    proposal.refresh_from_db()
    perform(proposal, "rehandle", actor=cast.proposal, note="请重新答复")
    contact(cast, proposal)
    api_client.force_authenticate(cast.liaison)
    second = {"reply_class": "A", "body": "第二轮答复", "signed_by": "张局长"}
    assert api_client.post(f"{BASE}{proposal.pk}/reply/", second, format="json").status_code == 201
    reply = ProposalReply.objects.get(proposal=proposal, round=2)
    assert (reply.contact_name, reply.contact_phone) == ("王科长", "0592-7031234")


def test_rating_by_a_non_proposer_is_a_structured_403(api_client, cast):
    proposal = replied(cast)
    api_client.force_authenticate(cast.other_member)
    refused = api_client.post(f"{BASE}{proposal.pk}/ratings/", {"rating": "satisfied"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "只有提案者本人可以评价答复。"
    api_client.force_authenticate(cast.member)
    ok = api_client.post(f"{BASE}{proposal.pk}/ratings/", {"rating": "satisfied"}, format="json")
    assert ok.json()["status"] == Status.CLOSED


def test_list_filters_by_department_and_shows_units(api_client, cast):
    ours = assigned(cast)
    submitted(cast)
    api_client.force_authenticate(cast.proposal)
    rows = api_client.get(BASE, {"department": cast.liaison.department_id}).json()["results"]
    assert [r["id"] for r in rows] == [ours.pk]
    assert rows[0]["units"] == [{"department": "教育局", "department_id": cast.liaison.department_id, "role": "lead"}]
    assert Proposal.objects.count() == 2


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("year", "abc"),
        ("session", "abc"),
        ("department", "abc"),
        ("department", "99999999999999999999"),
        ("year", "2022.5"),
        ("status", "nope"),
        ("kind", "nope"),
        ("rating", "nope"),
        ("reply_class", "Z"),
        ("is_key", "maybe"),
        ("mine", "perhaps"),
    ],
)
def test_a_bad_list_filter_is_a_structured_400_naming_the_field(api_client, cast, param, value):
    submitted(cast)
    api_client.force_authenticate(cast.proposal)
    response = api_client.get(BASE, {param: value})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == [param] and error["fields"][param][0]


def test_boolean_list_filters_read_false_as_false(api_client, cast):
    key, plain = submitted(cast, is_key=True), submitted(cast)
    theirs = submitted(cast, author=cast.other_member)
    api_client.force_authenticate(cast.proposal)

    def ids(**params):
        return sorted(r["id"] for r in api_client.get(BASE, params).json()["results"])

    assert ids(is_key="true") == ids(is_key="1") == [key.pk]
    assert ids(is_key="false") == ids(is_key="0") == sorted([plain.pk, theirs.pk])
    # "mine" narrows the list when true and leaves it whole when false.
    assert ids(mine="true") == []
    assert ids(mine="false") == ids() == sorted([key.pk, plain.pk, theirs.pk])
    api_client.force_authenticate(cast.member)
    assert ids(mine="true") == sorted([key.pk, plain.pk])


def test_the_list_filters_are_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/proposals/"]["get"]["parameters"]}
    for name in ("q", "status", "kind", "year", "session", "department", "reply_class", "rating", "is_key", "mine"):
        assert name in params, name
    assert params["year"]["type"] == params["department"]["type"] == "integer"
    assert params["is_key"]["type"] == params["mine"]["type"] == "boolean"
    assert "replied" in params["status"]["enum"]
    # A proposal's own page and actions take no list filters.
    detail = schema["paths"]["/api/v1/proposals/{id}/"]["get"].get("parameters", [])
    assert {p["name"] for p in detail} == {"id"}


def test_history_gives_other_members_the_steps_without_the_internal_notes(api_client, cast):
    from core.workflow import perform
    from proposals import services
    from proposals.models import ReplyClass
    from proposals.tests.factories import contact

    proposal = in_progress(cast)
    contact(cast, proposal)
    reply_class = ReplyClass.objects.get(code="A")
    services.submit_reply(proposal=proposal, actor=cast.liaison, reply_class=reply_class, body="答复", signed_by="局长")
    proposal.refresh_from_db()
    perform(proposal, "approve_reply", actor=cast.proposal, note="内部审核意见：该局考核扣分")
    for viewer, note in ((cast.other_member, ""), (cast.gov_office, ""), (cast.proposal, "内部审核意见：该局考核扣分")):
        api_client.force_authenticate(viewer)
        history = api_client.get(f"{BASE}{proposal.pk}/history/").json()
        approve = next(e for e in history if e.get("action") == "approve_reply")
        assert approve["to_state"] == Status.REPLIED and approve.get("note", "") == note, viewer


def test_a_joint_draft_is_turned_individual_through_the_api(api_client, cast):
    session()
    api_client.force_authenticate(cast.member)
    created = api_client.post(BASE, {"kind": "joint", "title": "联名提案"}, format="json").json()
    api_client.post(f"{BASE}{created['id']}/cosigners/", {"members": [cast.other_member.member.pk]}, format="json")
    done = api_client.patch(
        f"{BASE}{created['id']}/", {"version": created["version"], "kind": "individual"}, format="json"
    )
    assert done.status_code == 200 and done.json()["kind"] == "individual" and done.json()["signers"] == []


# 查看提案者联系方式 over the API: the page's logged look (services.reveal_proposer_contacts) for a liaison's app.


def _joint_in_progress(cast) -> Proposal:
    """member's joint proposal with other_member and standing (both confirmed), handled by liaison's unit."""
    from core.workflow import perform
    from proposals import services
    from proposals.tests.factories import ProposalFactory

    session()
    proposal = ProposalFactory(author=cast.member, kind="joint")
    cosigners = [cast.other_member.member, cast.standing.member]
    services.set_cosigners(proposal=proposal, members=cosigners, actor=cast.member)
    perform(proposal, "invite", actor=cast.member)
    for signer in (cast.other_member, cast.standing):
        services.respond_cosign(proposal=proposal, actor=signer, accept=True)
    perform(proposal, "submit", actor=cast.member)
    perform(proposal, "pre_review", actor=cast.proposal)
    perform(proposal, "file", actor=cast.proposal)
    perform(proposal, "set_units", actor=cast.proposal, data={"mode": "lead", "lead": cast.liaison.department_id})
    perform(proposal, "assign", actor=cast.proposal)
    return perform(proposal, "acknowledge", actor=cast.liaison)


def _accesses(user) -> list[tuple]:
    from core.models import PersonalDataAccess

    rows = PersonalDataAccess.objects.filter(user=user).order_by("object_id")
    return [(r.content_type_id, r.object_id, r.fields, r.purpose) for r in rows]


def test_a_handling_units_liaison_reveals_the_proposers_contacts_each_look_logged_as_on_the_page(
    api_client, client, cast
):
    from django.urls import reverse

    proposal = _joint_in_progress(cast)
    proposers = [cast.member.member, cast.other_member.member, cast.standing.member]
    assert all(m.phone for m in proposers)
    api_client.force_authenticate(cast.liaison)
    response = api_client.post(f"{BASE}{proposal.pk}/proposer-contacts/")
    assert response.status_code == 200, response.content
    assert "no-store" in response["Cache-Control"]
    got = sorted((row["member"], row["name"], row["phone"]) for row in response.json())
    assert got == sorted((m.pk, m.name, m.phone) for m in proposers)
    # One access row per proposer, with the page's purpose (办理提案 and the proposal's number).
    logged = _accesses(cast.liaison)
    assert sorted(row[1] for row in logged) == sorted(m.pk for m in proposers)
    assert all(row[2] == "phone" and "办理提案" in row[3] and proposal.number in row[3] for row in logged)
    # The page's look writes the very same rows.
    client.force_login(cast.liaison)
    assert client.post(reverse("proposals:reveal_contacts", args=[proposal.pk])).status_code == 302
    assert _accesses(cast.liaison) == sorted(logged * 2, key=lambda row: row[1])


def test_reading_the_proposers_contacts_is_no_get(api_client, cast):
    """Revealing is an audited action: only a POST reveals, a GET neither answers nor logs."""
    proposal = in_progress(cast)
    api_client.force_authenticate(cast.liaison)
    response = api_client.get(f"{BASE}{proposal.pk}/proposer-contacts/")
    assert response.status_code == 405 and response.json()["error"]["message"]
    assert cast.member.member.phone not in response.content.decode()
    assert _accesses(cast.liaison) == []


def test_once_the_reply_is_approved_the_api_refuses_the_contacts_with_a_structured_403(api_client, cast):
    proposal = replied(cast)
    api_client.force_authenticate(cast.liaison)
    response = api_client.post(f"{BASE}{proposal.pk}/proposer-contacts/")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "forbidden"
    assert error["message"] == "只有正在办理该提案的承办单位联络员可以查看提案者联系方式。"
    assert cast.member.member.phone not in response.content.decode()
    assert _accesses(cast.liaison) == []


@pytest.mark.parametrize(("role", "status"), [("other_liaison", 404), ("member", 403), ("citizen", 404)])
def test_others_are_refused_the_proposers_contacts(api_client, cast, role, status):
    """Another unit's liaison and a citizen do not see the proposal (404); its author sees it but is refused."""
    proposal = in_progress(cast)
    user = getattr(cast, role)
    api_client.force_authenticate(user)
    response = api_client.post(f"{BASE}{proposal.pk}/proposer-contacts/")
    assert response.status_code == status
    assert response.json()["error"]["message"]
    assert cast.member.member.phone not in response.content.decode()
    assert _accesses(user) == []


def test_the_proposer_contacts_action_is_in_the_schema_as_a_post_without_a_body():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    item = schema["paths"]["/api/v1/proposals/{id}/proposer-contacts/"]
    assert set(item) == {"post"}
    operation = item["post"]
    assert "requestBody" not in operation
    assert {p["name"] for p in operation.get("parameters", [])} == {"id"}
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"
    name = body["items"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][name]["properties"]) == {"member", "name", "phone"}
    assert operation["responses"]["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
