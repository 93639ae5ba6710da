"""Pages: lists and visibility, the draft with autosave, co-signing, handling forms, export, statistics."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.workflow import perform
from intake.models import Appeal
from proposals import selectors, services
from proposals.models import Proposal, ReplyClass, Status
from proposals.tests.factories import ProposalFactory, assigned, filed, in_progress, replied, session, submitted

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def appeal_visible_to_members(monkeypatch):
    """Register a visibility rule for appeals (as the grassroots area does) for the duration of a test."""
    from accounts.predicates import is_member
    from core import visibility

    monkeypatch.setitem(
        visibility._visible,
        "intake.appeal",
        lambda user: Appeal.objects.all() if is_member(user) else Appeal.objects.none(),
    )


# Lists and visibility


def test_list_shows_a_member_their_drafts_and_filed_proposals_not_others_drafts(client, cast):
    mine = ProposalFactory(author=cast.member, title="我的草稿")
    theirs = ProposalFactory(author=cast.other_member, title="别人的草稿")
    public = filed(cast, author=cast.other_member, title="已立案的提案")
    body = login(client, cast.member).get(reverse("proposals:list")).content.decode()
    assert mine.title in body and public.title in body and theirs.title not in body
    assert client.get(reverse("proposals:detail", args=[theirs.pk])).status_code == 404


def test_liaison_sees_only_proposals_assigned_to_their_unit(client, cast):
    ours = assigned(cast, title="交给教育局的提案")
    filed_only = filed(cast, title="尚未交办的提案")
    login(client, cast.other_liaison)
    assert client.get(reverse("proposals:detail", args=[ours.pk])).status_code == 404
    login(client, cast.liaison)
    body = client.get(reverse("proposals:list")).content.decode()
    assert ours.title in body and filed_only.title not in body
    assert client.get(reverse("proposals:detail", args=[filed_only.pk])).status_code == 404


def test_list_query_count_does_not_grow_with_rows(client, cast, django_assert_max_num_queries):
    assigned(cast, co=cast.other_liaison)
    login(client, cast.proposal)
    with django_assert_max_num_queries(20) as first:
        client.get(reverse("proposals:list"))
    for _ in range(6):
        replied(cast)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(reverse("proposals:list"))
    assert response.context["page"].paginator.count == 7


def test_filters_narrow_the_list(client, cast):
    a = replied(cast, code="A", title="A类答复的提案")
    b = replied(cast, code="B", title="B类答复的提案")
    login(client, cast.proposal)
    body = client.get(reverse("proposals:list"), {"reply_class": "B"}).content.decode()
    assert b.title in body and a.title not in body
    body = client.get(
        reverse("proposals:list"), {"department": cast.liaison.department_id, "q": "A类"}
    ).content.decode()
    assert a.title in body and b.title not in body


# Drafting


def test_create_from_an_appeal_prefills_and_keeps_the_link(client, cast):
    from district.models import Member
    from grassroots.tests.factories import DutyGroupFactory
    from intake.models import Route

    session()
    group = DutyGroupFactory()
    group.members.add(Member.objects.get(user=cast.member))
    appeal = Appeal.objects.create(
        tracking_code="T1",
        title="燃气站离小区太近",
        body="居民反映燃气站存在隐患",
        status="routed",
        route=Route.DUTY_GROUP,
        duty_group=group,
    )
    # The clerk handles the appeal but drafts no proposals: no link to a form they may not open.
    clerk_page = login(client, cast.clerk).get(reverse("intake:office-detail", args=[appeal.pk])).content.decode()
    assert "燃气站离小区太近" in clerk_page and 'data-testid="draft-proposal"' not in clerk_page
    # The member of the duty group follows the appeal page's link to a prefilled proposal form.
    login(client, cast.member)
    appeal_page = client.get(reverse("intake:office-detail", args=[appeal.pk])).content.decode()
    url = re.search(r'href="([^"]+)" data-testid="draft-proposal"', appeal_page).group(1).replace("&amp;", "&")
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["title"] == "燃气站离小区太近"
    assert "居民反映燃气站存在隐患" in page.content.decode()
    response = client.post(
        url,
        {
            "kind": "individual",
            "title": "关于燃气站搬迁的建议",
            "case": "居民反映",
            "source": f"intake.appeal:{appeal.pk}",
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.source == appeal


def test_source_the_viewer_may_not_see_is_ignored(client, cast, appeal_visible_to_members):
    appeal = Appeal.objects.create(tracking_code="T2", title="不可见", body="内容")
    login(client, cast.liaison)
    assert client.get(reverse("proposals:create") + f"?source=intake.appeal:{appeal.pk}").status_code == 404
    login(client, cast.member)
    page = client.get(reverse("proposals:create") + "?source=intake.appeal:999")
    assert page.context["source"] is None


def test_joint_proposal_with_a_non_member_cosigner_is_refused_and_the_text_is_kept(client, cast):
    login(client, cast.member)
    response = client.post(
        reverse("proposals:create"),
        {
            "kind": "joint",
            "title": "关于燃气公司搬迁的建议",
            "case": "我写了很长的案由",
            "cosigners": "member2、王某某",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "“王某某”不是在任政协委员" in body
    assert "我写了很长的案由" in body
    assert not Proposal.objects.exists()


def test_autosave_saves_and_bumps_the_version_and_reports_conflicts(client, cast):
    session()
    proposal = ProposalFactory(author=cast.member)
    login(client, cast.member)
    url = reverse("proposals:autosave", args=[proposal.pk])
    data = {"title": proposal.title, "case": "自动保存的案由", "analysis": "a", "suggestions": "s", "version": 1}
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'value="2"' in response.content.decode() and "已自动保存" in response.content.decode()
    proposal.refresh_from_db()
    assert (proposal.case, proposal.version) == ("自动保存的案由", 2)
    stale = client.post(url, {**data, "case": "旧标签页的内容", "version": 1})
    assert stale.status_code == 409
    assert "尚未保存" in stale.json()["error"]["message"]
    proposal.refresh_from_db()
    assert proposal.case == "自动保存的案由"


def test_autosave_is_only_for_the_author(client, cast):
    session()
    proposal = ProposalFactory(author=cast.member)
    login(client, cast.other_member)
    assert client.post(reverse("proposals:autosave", args=[proposal.pk]), {"version": 1}).status_code == 404


def test_edit_then_invite_and_the_cosigner_confirms_on_the_page(client, cast):
    session()
    login(client, cast.member)
    client.post(
        reverse("proposals:create"), {"kind": "joint", "title": "关于燃气公司搬迁的建议", "cosigners": "member2"}
    )
    proposal = Proposal.objects.get()
    response = client.post(
        reverse("proposals:edit", args=[proposal.pk]),
        {
            "title": proposal.title,
            "case": "案由",
            "analysis": "分析",
            "suggestions": "建议",
            "cosigners": "member2",
            "version": proposal.version,
            "then": "invite",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.COSIGNING
    login(client, cast.other_member)
    assert "邀请您联名" in client.get(proposal.get_absolute_url()).content.decode()
    client.post(reverse("proposals:cosign", args=[proposal.pk]), {"answer": "accept"})
    assert proposal.signers.get().accepted is True


def test_submit_refusal_on_the_edit_page_keeps_what_was_typed(client, cast):
    session()
    proposal = ProposalFactory(author=cast.member)
    login(client, cast.member)
    response = client.post(
        reverse("proposals:edit", args=[proposal.pk]),
        {
            "title": proposal.title,
            "case": "新写的案由",
            "analysis": "",
            "suggestions": "",
            "version": 1,
            "then": "submit",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "请填写分析" in body and "新写的案由" in body


# Review and handling through the page


def test_not_filing_through_the_page_records_the_ground(client, cast):
    proposal = submitted(cast)
    perform(proposal, "pre_review", actor=cast.proposal)
    login(client, cast.proposal)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-action="reject"' in page and "一案多事" in page
    client.post(
        reverse("core:transition", args=["proposals.proposal", proposal.pk]),
        {
            "action": "reject",
            "note": "含两个事项",
            "data_ground": "multiple_subjects",
            "next": proposal.get_absolute_url(),
        },
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reject_ground) == (Status.REJECTED, "multiple_subjects")


def test_units_form_sets_lead_and_co_units(client, cast):
    proposal = filed(cast)
    login(client, cast.proposal)
    response = client.post(
        reverse("proposals:units", args=[proposal.pk]),
        {"mode": "lead", "lead": cast.liaison.department_id, "co": [cast.other_liaison.department_id]},
    )
    assert response.status_code == 302
    roles = dict(proposal.assignments.values_list("department__name", "role"))
    assert roles == {"教育局": "lead", "人社局": "co"}


def test_reply_without_a_class_is_refused_on_the_page_and_the_text_is_kept(client, cast):
    proposal = in_progress(cast)
    login(client, cast.liaison)
    response = client.post(reverse("proposals:reply", args=[proposal.pk]), {"body": "详细的答复", "signed_by": "局长"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "请选择答复类别" in body and "详细的答复" in body


def test_reply_with_a_contact_phone_that_is_not_a_number_is_refused_beside_the_field(client, cast):
    proposal = in_progress(cast)
    login(client, cast.liaison)
    response = client.post(
        reverse("proposals:reply", args=[proposal.pk]),
        {
            "reply_class": ReplyClass.objects.get(code="A").pk,
            "body": "详细的答复",
            "signed_by": "局长",
            "contact_name": "王科长",
            "contact_phone": "abc",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count("请填写有效的电话号码") == 1
    assert 'value="abc"' in page and "详细的答复" in page
    assert not proposal.replies.exists()


def test_a_reply_sent_from_the_page_says_so(client, cast):
    from proposals.tests.factories import contact

    proposal = in_progress(cast)
    contact(cast, proposal)
    login(client, cast.liaison)
    data = {
        "reply_class": ReplyClass.objects.get(code="A").pk,
        "body": "详细的答复",
        "signed_by": "局长",
        "contact_name": "王科长",
        "contact_phone": "0592-7031234",
    }
    page = client.post(reverse("proposals:reply", args=[proposal.pk]), data, follow=True).content.decode()
    assert "已报送答复。" in page and "操作已完成" not in page


def test_unsatisfied_rating_without_a_reason_is_said_once_beside_the_reason(client, cast):
    proposal = replied(cast)
    login(client, cast.member)
    response = client.post(reverse("proposals:rate", args=[proposal.pk]), {"rating": "unsatisfied", "reason": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count("选择“不满意”时请填写理由") == 1
    assert re.search(r'name="rating" value="unsatisfied"[^>]*checked', page)


def test_office_selects_an_answered_proposal_as_excellent_and_withdraws_it_with_a_reason(client, cast):
    proposal = replied(cast)
    login(client, cast.proposal)
    excellent_url = reverse("proposals:excellent", args=[proposal.pk])
    assert f'action="{excellent_url}"' in client.get(proposal.get_absolute_url()).content.decode()
    client.post(reverse("proposals:excellent", args=[proposal.pk]), {"year": 2022})
    proposal.refresh_from_db()
    assert (proposal.is_excellent, proposal.excellent_year) == (True, 2022)
    url = reverse("proposals:excellent_withdraw", args=[proposal.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    proposal.refresh_from_db()
    assert proposal.is_excellent
    client.post(url, {"reason": "评选后发现办理成效未落实"})
    proposal.refresh_from_db()
    assert (proposal.is_excellent, proposal.excellent_year) == (False, None)
    last = proposal.history.order_by("-history_date").first()
    assert (last.history_user, last.excellent_withdrawn_reason) == (cast.proposal, "评选后发现办理成效未落实")
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "评选后发现办理成效未落实" in page


def test_only_the_proposal_office_withdraws_an_excellent_selection(client, cast):
    proposal = replied(cast)
    services.select_excellent(proposal=proposal, actor=cast.proposal, year=2022)
    login(client, cast.member)
    response = client.post(reverse("proposals:excellent_withdraw", args=[proposal.pk]), {"reason": "不同意"})
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.is_excellent


def test_rating_by_a_member_who_is_not_a_proposer_gets_a_clear_message(client, cast):
    proposal = replied(cast)
    login(client, cast.other_member)
    response = client.post(reverse("proposals:rate", args=[proposal.pk]), {"rating": "satisfied"})
    assert response.status_code == 400
    assert "只有提案者本人可以评价答复" in response.content.decode()
    login(client, cast.member)
    assert 'data-testid="rate"' in client.get(proposal.get_absolute_url()).content.decode()
    client.post(reverse("proposals:rate", args=[proposal.pk]), {"rating": "satisfied"})
    proposal.refresh_from_db()
    assert proposal.status == Status.CLOSED


def test_key_proposal_and_handling_meeting_from_the_page(client, cast):
    from consultations.models import Meeting

    proposal = assigned(cast)
    login(client, cast.proposal)
    client.post(reverse("proposals:key", args=[proposal.pk]), {"supervisor": cast.chair.pk})
    proposal.refresh_from_db()
    assert proposal.is_key and proposal.key_supervisor == cast.chair
    from supervision.models import SupervisionTask

    # The supervising chair rates the unit's reply on the supervision task (none left waiting unrated).
    assert SupervisionTask.objects.get(source_id=proposal.pk, title__contains=proposal.title).rater == cast.chair
    client.post(
        reverse("proposals:meeting", args=[proposal.pk]),
        {"starts_at": "2022-06-01T09:00", "ends_at": "2022-06-01T11:00", "place": "区政协三楼会议室"},
    )
    meeting = Meeting.objects.get()
    assert meeting.kind == "proposal_handling" and meeting.subject == proposal
    roles = set(meeting.participants.values_list("role", "name"))
    assert ("presiding", "chair") in roles and ("member", "member") in roles
    assert ("dept_head", "教育局") in roles


def test_after_scheduling_a_handling_meeting_the_office_lands_on_it_and_the_proposal_links_it(client, cast):
    """The meeting is created in preparation: the office is taken to it to check who is invited and send the
    notice (nobody is told before), and the proposal's page lists its handling meetings."""
    from consultations.models import Meeting
    from notifications.models import Notification

    proposal = assigned(cast)
    services.mark_key(proposal=proposal, supervisor=cast.chair, actor=cast.proposal)
    login(client, cast.proposal)
    told_before = Notification.objects.count()
    response = client.post(
        reverse("proposals:meeting", args=[proposal.pk]),
        {"starts_at": "2030-06-01T09:00", "ends_at": "2030-06-01T11:00", "place": "区政协三楼会议室"},
    )
    meeting = Meeting.objects.get(subject_id=proposal.pk)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    landed = client.get(response["Location"]).content.decode()
    assert "核对参会人员后请发出会议通知" in landed
    assert Notification.objects.count() == told_before
    page = client.get(proposal.get_absolute_url()).content.decode()
    listed = page[page.index('data-testid="meetings"') :]
    assert meeting.get_absolute_url() in listed and 'data-testid="meeting-notice-hint"' in listed
    # An invited proposer finds it there too; a member who is not invited does not get the link.
    login(client, cast.member)
    assert meeting.get_absolute_url() in client.get(proposal.get_absolute_url()).content.decode()
    login(client, cast.other_member)
    assert meeting.get_absolute_url() not in client.get(proposal.get_absolute_url()).content.decode()


def test_a_handling_meeting_invites_every_proposer_those_without_a_platform_account_too(client, cast):
    """The proposal's own co-signers entered from paper (no account) and those of a merged proposal are invited
    as members, so the meeting's attendance list and minutes name all the proposers."""
    from consultations.models import Meeting
    from district.tests.factories import MemberFactory
    from proposals.models import ProposalSigner

    # Joint proposals whose co-signatures the office entered from paper (the co-signers have no account).
    proposal = assigned(cast)
    offline = MemberFactory(name="李宏墩")
    ProposalSigner.objects.create(proposal=proposal, member=offline, accepted=True)
    declined = MemberFactory(name="未同意联名")
    ProposalSigner.objects.create(proposal=proposal, member=declined, accepted=False)
    other = submitted(cast, author=cast.other_member)
    merged_offline = MemberFactory(name="柯金海")
    ProposalSigner.objects.create(proposal=other, member=merged_offline, accepted=True)
    Proposal.objects.filter(pk__in=[proposal.pk, other.pk]).update(kind="joint")
    perform(other, "pre_review", actor=cast.proposal)
    perform(other, "merge", actor=cast.proposal, data={"master": proposal.pk})
    services.mark_key(proposal=proposal, supervisor=cast.chair, actor=cast.proposal)
    login(client, cast.proposal)
    client.post(
        reverse("proposals:meeting", args=[proposal.pk]),
        {"starts_at": "2030-06-01T09:00", "ends_at": "2030-06-01T11:00", "place": "区政协三楼会议室"},
    )
    meeting = Meeting.objects.get(subject_id=proposal.pk)
    invited = {(p.member_id, p.user_id) for p in meeting.participants.filter(role="member")}
    assert invited == {
        (cast.member.member.pk, cast.member.pk),
        (cast.other_member.member.pk, cast.other_member.pk),
        (offline.pk, None),
        (merged_offline.pk, None),
    }
    assert meeting.participants.filter(role="presiding", user=cast.chair).count() == 1
    page = client.get(meeting.get_absolute_url()).content.decode()
    listed = page[page.index('id="participants"') : page.index('id="invite_form"')]
    assert "李宏墩" in listed and "柯金海" in listed and "未同意联名" not in listed


# Export and statistics


def test_export_reads_back_in_the_offices_layout(client, cast):
    p = in_progress(cast, co=cast.other_liaison, title="关于区燃气公司搬迁的建议")
    from proposals import services
    from proposals.tests.factories import contact

    services.submit_opinion(proposal=p, actor=cast.other_liaison, opinion="同意")
    contact(cast, p)
    services.submit_reply(proposal=p, actor=cast.liaison, reply_class="B", body="列入计划", signed_by="局长")
    p.refresh_from_db()
    perform(p, "approve_reply", actor=cast.proposal)
    services.rate_reply(proposal=p, actor=cast.member, rating="basic")
    login(client, cast.proposal)
    response = client.get(reverse("proposals:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in ws[2]]
    assert headers[:8] == ["编号", "标题", "提案形式", "提案者", "主办/分办单位", "会办单位", "答复类别", "评价"]
    row = [c.value for c in ws[3]]
    assert row[0] == "2022年14届1次第001号"
    assert row[1:8] == ["关于区燃气公司搬迁的建议", "个人提案", "member", "教育局", "人社局", "B", "基本满意"]
    assert row[headers.index("立案日期")] is not None


def test_a_filtered_export_names_its_filters_in_the_title(client, cast):
    """Handed round, a filtered sheet must say what it holds: the list's filters by their names (the A-class
    extract by first-round replies holds re-handled rows whose 答复类别 column is empty)."""
    a = replied(cast, code="A", title="A类答复的提案")
    replied(cast, code="B", title="B类答复的提案")
    department = a.assignments.get().department
    login(client, cast.proposal)
    query = {"year": 2022, "department": department.pk, "reply_class": "A", "first_reply": "on"}
    ws = load_workbook(io.BytesIO(client.get(reverse("proposals:export"), query).content)).active
    title = ws["A1"].value
    assert title.startswith("提案办理情况一览表 · "), title
    for part in ("年度：2022", f"承办单位：{department}", "答复类别：A类", "按第一轮已审核答复统计"):
        assert part in title, title
    assert [r[1] for r in ws.iter_rows(min_row=3, values_only=True)] == ["A类答复的提案"]
    status = dict(Status.choices)[a.status]
    assert (
        f"状态：{status}"
        in load_workbook(io.BytesIO(client.get(reverse("proposals:export"), {"status": a.status}).content))
        .active["A1"]
        .value
    )
    # An unfiltered sheet keeps its plain title; a filter the list ignores is not named.
    plain = f"提案办理情况一览表（{timezone.localdate().isoformat()}）"
    for params in ({}, {"reply_class": "Z"}):
        sheet = load_workbook(io.BytesIO(client.get(reverse("proposals:export"), params).content)).active
        assert sheet["A1"].value == plain


def test_export_is_for_the_office_only(client, cast):
    login(client, cast.member)
    assert client.get(reverse("proposals:export")).status_code == 404


def test_statistics_count_outcomes_classes_and_satisfaction(client, cast):
    a = replied(cast, code="A")
    from proposals import services

    services.rate_reply(proposal=a, actor=cast.member, rating="satisfied")
    b = replied(cast, code="C")
    services.rate_reply(proposal=b, actor=cast.member, rating="unsatisfied", reason="不满意")
    rejected = submitted(cast)
    perform(rejected, "pre_review", actor=cast.proposal)
    perform(rejected, "reject", actor=cast.proposal, note="一案多事", data={"ground": "multiple_subjects"})
    login(client, cast.proposal)
    s = client.get(reverse("proposals:stats"), {"year": 2022}).context["s"]
    assert (s["totals"]["submitted"], s["totals"]["filed"], s["totals"]["rejected"]) == (3, 2, 1)
    assert {c["code"]: c["count"] for c in s["by_class"]} == {"A": 1, "B": 0, "C": 1}
    assert s["ratings"]["satisfaction"] == 50.0
    assert s["units"][0]["name"] == "教育局" and s["units"][0]["lead"] == 2 and s["units"][0]["replied"] == 2


# Found in exploratory QA


def test_a_refused_action_keeps_the_reason_typed_on_the_proposal_page(client, cast):
    """The office types a reason, the action is refused (no way of conversion chosen): the reason is still there."""
    proposal = submitted(cast, consents_to_conversion=True)
    perform(proposal, "pre_review", actor=cast.proposal)
    login(client, cast.proposal)
    response = client.post(
        reverse("core:transition", args=["proposals.proposal", proposal.pk]),
        {
            "action": "convert",
            "note": "属于个人诉求，建议转为来信",
            "data_ground": "multiple_subjects",
            "data_conversion": "",
            "next": proposal.get_absolute_url(),
        },
        follow=True,
    )
    body = response.content.decode()
    assert "请选择转为社情民意信息还是委员来信" in body
    # Back in the refused action's own form only, with its choices: never in 立案's note, say, where
    # a click would file the proposal with the reason for not filing it.
    assert body.count(">属于个人诉求，建议转为来信</textarea>") == 1
    assert 'id="note-convert" name="note" required>属于个人诉求，建议转为来信</textarea>' in body
    assert '<option value="multiple_subjects" selected>' in body
    reject_ground = body[body.index('id="ground-reject"') : body.index("</select>", body.index('id="ground-reject"'))]
    assert " selected" not in reject_ground  # not the 不予立案 form's ground
    proposal.refresh_from_db()
    assert proposal.status == Status.PRE_REVIEWED
    # Shown once: a later visit starts from an empty note.
    assert "属于个人诉求" not in client.get(proposal.get_absolute_url()).content.decode()


def test_contact_date_is_prefilled_in_the_format_a_date_input_accepts(client, cast):
    """The browser drops a localised date from <input type=date>, so the liaison met an empty required field."""
    proposal = assigned(cast)
    login(client, cast.liaison)
    body = client.get(proposal.get_absolute_url()).content.decode()
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    assert re.search(rf'<input type="date" name="contacted_on" value="{today}"', body)


def test_saving_the_same_units_twice_lists_each_unit_once(client, cast):
    proposal = filed(cast)
    login(client, cast.proposal)
    units = {"mode": "lead", "lead": cast.liaison.department_id, "co": [cast.other_liaison.department_id]}
    client.post(reverse("proposals:units", args=[proposal.pk]), {"mode": "lead", "lead": cast.liaison.department_id})
    client.post(reverse("proposals:units", args=[proposal.pk]), units)
    rows = list(proposal.assignments.values_list("department__name", "role", "is_active"))
    assert sorted(rows) == [("人社局", "co", True), ("教育局", "lead", True)]
    # Changing a unit's role still keeps the earlier plan on record.
    client.post(
        reverse("proposals:units", args=[proposal.pk]),
        {"mode": "lead", "lead": cast.other_liaison.department_id, "co": [cast.liaison.department_id]},
    )
    rows = sorted(proposal.assignments.values_list("department__name", "role", "is_active"))
    assert rows == [
        ("人社局", "co", False),
        ("人社局", "lead", True),
        ("教育局", "co", True),
        ("教育局", "lead", False),
    ]


def test_statistics_count_only_replies_the_office_has_approved(client, cast):
    """A reply still under review may be returned and rewritten: the annual figures wait for approval."""
    from proposals import services
    from proposals.models import ReplyClass
    from proposals.tests.factories import contact

    replied(cast, code="A")
    waiting = in_progress(cast)
    contact(cast, waiting)
    services.submit_reply(
        proposal=waiting,
        actor=cast.liaison,
        reply_class=ReplyClass.objects.get(code="C"),
        body="初稿",
        signed_by="局长",
    )
    waiting.refresh_from_db()
    assert waiting.status == Status.REVIEW
    login(client, cast.proposal)
    s = client.get(reverse("proposals:stats"), {"year": 2022}).context["s"]
    assert {c["code"]: c["count"] for c in s["by_class"]} == {"A": 1, "B": 0, "C": 0}
    assert s["totals"]["replied"] == 1 and s["units"][0]["replied"] == 1


def test_a_reply_sent_before_the_deadline_counts_as_on_time_whenever_it_was_typed_in(client, cast):
    """按期答复 compares the day the unit sent its reply with the deadline, not the day the row was written
    (replies keyed in later, imported or loaded, would otherwise all count as late)."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from proposals.models import ProposalReply

    proposal = replied(cast, code="A")
    reply = ProposalReply.objects.get(proposal=proposal)
    due = proposal.reply_due
    assert due is not None
    sent = timezone.make_aware(datetime.combine(due - timedelta(days=3), datetime.min.time()))
    ProposalReply.objects.filter(pk=reply.pk).update(submitted_at=sent, created_at=sent + timedelta(days=400))
    login(client, cast.proposal)
    s = client.get(reverse("proposals:stats"), {"year": 2022}).context["s"]
    assert s["units"][0]["replied"] == 1 and s["units"][0]["on_time"] == 1
    ProposalReply.objects.filter(pk=reply.pk).update(submitted_at=sent + timedelta(days=10))
    s = client.get(reverse("proposals:stats"), {"year": 2022}).context["s"]
    assert s["units"][0]["on_time"] == 0


def test_a_reply_under_review_is_read_only_by_the_office_and_its_unit(client, api_client, cast):
    """The office may still return a reply for rewriting: until it approves it, neither the proposers
    nor other members (who may read filed proposals) read its text, on the page, in the API or by
    filtering the list by its class; the replying unit and the office do."""
    from proposals.tests.test_letters import joint_replied

    p, reply = joint_replied(cast, approve=False)
    text = "已将燃气公司搬迁列入年度计划"

    def reads(user) -> tuple[bool, bool, bool]:
        client.force_login(user)
        api_client.force_authenticate(user)
        page = text in client.get(p.get_absolute_url()).content.decode()
        api = any(text in r["body"] for r in api_client.get(f"/api/v1/proposals/{p.pk}/").json()["replies"])
        listed = p.pk in [r["id"] for r in api_client.get("/api/v1/proposals/?reply_class=B").json()["results"]]
        return page, api, listed

    for user in (cast.member, cast.other_member, cast.standing, cast.gov_office):
        assert reads(user) == (False, False, False), user
    for user in (cast.liaison, cast.proposal, cast.chair):
        assert reads(user) == (True, True, True), user
    perform(p, "approve_reply", actor=cast.proposal)
    for user in (cast.member, cast.standing):
        assert reads(user) == (True, True, True), user


# The page's forms (one view each, declared as a table in proposals.views.handling)

PAGE_FORMS = [
    ("units", "units_form"),
    ("contact", "contact_form"),
    ("opinion", "opinion_form"),
    ("reply", "reply_form"),
    ("rate", "rating_form"),
    ("key", "key_form"),
    ("meeting", "meeting_form"),
    ("excellent", "excellent_form"),
    ("excellent_withdraw", "withdraw_excellent_form"),
]


@pytest.mark.parametrize(("url_name", "form_name"), PAGE_FORMS)
def test_each_page_form_shows_a_bad_post_again_on_the_page(client, cast, url_name, form_name):
    proposal = filed(cast)
    url = reverse(f"proposals:{url_name}", args=[proposal.pk])
    assert client.post(url)["Location"].startswith("/accounts/login/")
    login(client, cast.proposal)
    assert client.get(url).status_code == 405
    response = client.post(url, {})
    assert response.status_code == 400
    form = response.context[form_name]
    assert form.is_bound and form.errors
    assert client.post(reverse(f"proposals:{url_name}", args=[proposal.pk + 1000])).status_code == 404


def test_marking_a_key_proposal_says_so_and_returns_to_the_page(client, cast):
    proposal = filed(cast)
    login(client, cast.proposal)
    response = client.post(reverse("proposals:key", args=[proposal.pk]), {"supervisor": cast.chair.pk}, follow=True)
    assert response.redirect_chain[-1][0] == proposal.get_absolute_url()
    assert "已确定为重点提案。" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.is_key


# Closing, the units form and the reply form's starting values


def test_the_office_is_not_offered_close_until_the_rating_period_is_over_and_is_told_why(client, cast):
    proposal = replied(cast)
    end = (timezone.localdate(proposal.replied_at) + timedelta(days=21)).isoformat()
    page = login(client, cast.proposal).get(proposal.get_absolute_url()).content.decode()
    assert 'data-action="close"' not in page
    assert f"委员评价期限至{end}，期满或全部评价后方可办结。" in page
    assert "close-waits" not in login(client, cast.member).get(proposal.get_absolute_url()).content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=22)):
        page = login(client, cast.proposal).get(proposal.get_absolute_url()).content.decode()
    assert 'data-action="close"' in page and "close-waits" not in page


def test_a_close_posted_too_early_is_refused_with_the_date(client, cast):
    proposal = replied(cast)
    login(client, cast.proposal)
    response = client.post(
        reverse("core:transition", args=["proposals.proposal", proposal.pk]),
        {"action": "close", "note": "已与提案者沟通，办结", "next": proposal.get_absolute_url()},
        follow=True,
    )
    body = response.content.decode()
    assert "委员评价期限至" in body
    proposal.refresh_from_db()
    assert proposal.status == Status.REPLIED


def _selected(page: str, name: str) -> list[str]:
    """The values selected in the page's <select name=name>."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="(\d+)"[^>]*selected', select)


def test_units_form_starts_with_the_proposers_suggested_unit_as_lead(client, cast):
    proposal = filed(cast)
    proposal.suggested_departments.set([cast.other_liaison.department])
    page = login(client, cast.proposal).get(proposal.get_absolute_url()).content.decode()
    assert _selected(page, "lead") == [str(cast.other_liaison.department_id)]


def test_units_form_never_replaces_what_the_assigner_chose_with_the_suggestion(client, cast):
    proposal = filed(cast)
    proposal.suggested_departments.set([cast.other_liaison.department])
    login(client, cast.proposal)
    url = reverse("proposals:units", args=[proposal.pk])
    mine = str(cast.liaison.department_id)
    # A refused form shows what was typed.
    response = client.post(url, {"mode": "lead", "lead": mine, "co": ["不是单位"]})
    assert response.status_code == 400
    assert _selected(response.content.decode(), "lead") == [mine]
    # Saved units come back as they were saved.
    assert client.post(url, {"mode": "lead", "lead": mine}).status_code == 302
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert _selected(page, "lead") == [mine]


def test_second_round_reply_form_starts_with_the_first_rounds_signer_and_contact(client, cast):
    from proposals.tests.factories import contact

    proposal = in_progress(cast)
    contact(cast, proposal)
    services.submit_reply(
        proposal=proposal,
        actor=cast.liaison,
        reply_class="A",
        body="第一轮答复",
        signed_by="张局长",
        contact_name="王科长",
        contact_phone="0592-7031234",
    )
    proposal.refresh_from_db()
    perform(proposal, "approve_reply", actor=cast.proposal)
    services.rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied", reason="未回应核心问题")
    proposal.refresh_from_db()
    perform(proposal, "rehandle", actor=cast.proposal, note="请重新答复")
    response = login(client, cast.liaison).get(proposal.get_absolute_url())
    initial = response.context["reply_form"].initial
    assert (initial["signed_by"], initial["contact_name"], initial["contact_phone"]) == (
        "张局长",
        "王科长",
        "0592-7031234",
    )
    page = response.content.decode()
    assert 'value="张局长"' in page and 'value="王科长"' in page
    # The first round still starts from the liaison's own name.
    fresh = in_progress(cast)
    initial = login(client, cast.liaison).get(fresh.get_absolute_url()).context["reply_form"].initial
    assert "signed_by" not in initial and initial["contact_name"] == cast.liaison.display


def test_a_refused_unit_change_request_is_shown_as_refused_not_as_pending(client, cast):
    from core.workflow import perform
    from proposals.tests.factories import assigned

    proposal = assigned(cast)
    perform(proposal, "request_return", actor=cast.liaison, note="不属于我局职责")
    client.force_login(cast.proposal)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'data-testid="return-pending"' in page
    perform(proposal, "refuse_return", actor=cast.proposal, note="属于教育局职责")
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'data-testid="return-pending"' not in page
    assert 'data-testid="return-refused"' in page and "不属于我局职责" in page


def test_the_page_timeline_hides_the_office_notes_from_members_who_are_not_proposers(client, cast):
    proposal = in_progress(cast)
    perform(
        proposal,
        "extend",
        actor=cast.proposal,
        note="内部：该局经办人不认真",
        data={"due": (proposal.reply_due + timedelta(days=10)).isoformat()},
    )
    body = login(client, cast.other_member).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "延期答复" in body and "内部：该局经办人不认真" not in body
    body = login(client, cast.liaison).get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "内部：该局经办人不认真" in body


def test_a_joint_draft_whose_cosigners_declined_is_turned_individual_and_submitted(client, cast):
    session()
    login(client, cast.member)
    client.post(
        reverse("proposals:create"), {"kind": "joint", "title": "关于燃气公司搬迁的建议", "cosigners": "member2"}
    )
    proposal = Proposal.objects.get()
    page = client.get(proposal.get_absolute_url()).content.decode()
    # A joint draft goes out for co-signing first: 提交提案 is not offered (it would be refused), nor 发起联名
    # while parts are missing: the page says which.
    assert 'data-action="submit"' not in page and 'data-action="invite"' not in page
    assert "尚缺" in page
    Proposal.objects.filter(pk=proposal.pk).update(case="案由", analysis="分析", suggestions="建议")
    proposal.refresh_from_db()
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-action="submit"' not in page and 'data-action="invite"' in page
    perform(proposal, "invite", actor=cast.member)
    services.respond_cosign(proposal=proposal, actor=cast.other_member, accept=False)
    perform(proposal, "recall", actor=cast.member)
    proposal.refresh_from_db()
    edit_page = client.get(reverse("proposals:edit", args=[proposal.pk])).content.decode()
    assert 'data-testid="make-individual"' in edit_page
    fields = {"title": proposal.title, "case": "案由", "analysis": "分析", "suggestions": "建议"}
    response = client.post(
        reverse("proposals:edit", args=[proposal.pk]),
        {**fields, "cosigners": "member2", "version": proposal.version, "then": "individual"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.kind == "individual" and not proposal.signers.exists() and proposal.case == "案由"
    response = client.post(
        reverse("proposals:edit", args=[proposal.pk]), {**fields, "version": proposal.version, "then": "submit"}
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_units_are_listed_lead_first_and_an_accepted_return_is_no_longer_pending(client, cast):
    proposal = assigned(cast, co=cast.other_liaison)
    listed = selectors.proposal_list(cast.proposal).get(pk=proposal.pk).active_assignments
    assert [a.role for a in listed] == ["lead", "co"]
    login(client, cast.proposal)
    page = client.get(proposal.get_absolute_url()).content.decode()
    table = page[page.index('data-testid="units"') :]
    assert table.index(cast.liaison.department.name) < table.index(cast.other_liaison.department.name)
    perform(proposal, "request_return", actor=cast.other_liaison, note="不属于本单位职责")
    perform(proposal, "accept_return", actor=cast.proposal)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'data-testid="return-pending"' not in page and 'data-testid="return-accepted"' in page


def test_the_inbox_box_shows_its_total_and_links_to_the_whole_queue(client, cast):
    waiting = [submitted(cast) for _ in range(12)]
    filed(cast)  # handed to nobody yet: also waiting for the office (to set its units)
    done = assigned(cast)  # with the units now, not with the office
    login(client, cast.proposal)
    body = client.get(reverse("proposals:list")).content.decode()
    assert re.search(r'data-testid="inbox-total">13<', body)
    assert 'href="/proposals/?waiting=on"' in body.replace(reverse("proposals:list"), "/proposals/")
    listed = client.get(reverse("proposals:list"), {"waiting": "on"}).context["page"].paginator.object_list
    assert {p.pk for p in waiting} < {p.pk for p in listed} and done.pk not in {p.pk for p in listed}
    assert len(listed) == 13


def test_the_edit_page_serialises_its_autosaves_and_its_buttons(client, cast):
    """An autosave never aborts one the server may already have saved (the next would carry a stale
    version): they queue. The buttons wait for the autosave in flight (proposals/static/proposals/draft.js,
    driven in test_browser.py) instead of being disabled under the author's click."""
    proposal = ProposalFactory(author=cast.member)
    page = login(client, cast.member).get(reverse("proposals:edit", args=[proposal.pk])).content.decode()
    assert 'hx-sync="this:queue last"' in page and "hx-disabled-elt" not in page
    assert "proposals/draft.js" in page


def test_a_contact_dated_before_the_hand_over_is_refused_and_the_form_keeps_what_was_typed(client, cast):
    with time_machine.travel("2022-05-10 10:00 +0800", tick=False):
        proposal = in_progress(cast)
    login(client, cast.liaison)
    with time_machine.travel("2022-05-20 10:00 +0800", tick=False):
        response = client.post(
            reverse("proposals:contact", args=[proposal.pk]),
            {"method": "phone", "contacted_on": "2020-01-01", "proposer_name": "member", "summary": "电话沟通办理思路"},
        )
    assert response.status_code == 400
    body = response.content.decode()
    assert "沟通日期不能早于交办日期（2022-05-10）" in body
    assert 'value="2020-01-01"' in body and "电话沟通办理思路" in body
    assert not proposal.contacts.exists()


def test_the_list_counts_the_lead_proposer_among_a_joint_proposals_people(client, cast):
    """X等N人联名 counts everyone who proposes it: the lead and the co-signers who confirmed."""
    session()
    proposal = ProposalFactory(author=cast.member, kind="joint")
    services.set_cosigners(
        proposal=proposal, members=[cast.other_member.member, cast.standing.member], actor=cast.member
    )
    perform(proposal, "invite", actor=cast.member)
    services.respond_cosign(proposal=proposal, actor=cast.other_member, accept=True)
    services.respond_cosign(proposal=proposal, actor=cast.standing, accept=False)
    login(client, cast.member)
    body = client.get(reverse("proposals:list")).content.decode()
    assert "member等2人联名" in body and "等1人联名" not in body


def test_merging_names_the_master_to_the_merged_proposers_and_tells_the_masters_units(
    client, cast, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    master = assigned(cast, author=cast.other_member, title="关于推动区燃气公司搬迁的建议")
    merged = submitted(cast, title="关于加快燃气公司搬迁的建议")
    perform(merged, "pre_review", actor=cast.proposal)
    with django_capture_on_commit_callbacks(execute=True):
        perform(merged, "merge", actor=cast.proposal, data={"master": master.pk})
    # The merged proposal's proposer is told which proposal answers for it.
    notice = Notification.objects.get(recipient=cast.member, object_id=merged.pk, event_key__startswith="status:")
    assert master.number in notice.body and "关于推动区燃气公司搬迁的建议" in notice.body
    # The master's unit now answers this proposer too.
    told = Notification.objects.get(recipient=cast.liaison, object_id=master.pk, event_key__contains=":merged:")
    assert "关于加快燃气公司搬迁的建议" in told.body
    # The master's page lists the merged proposal's proposer among its proposers, marked as such.
    login(client, cast.proposal)
    page = client.get(master.get_absolute_url()).content.decode()
    proposers = page[page.index('data-testid="proposers"') :]
    proposers = proposers[: proposers.index("</dd>")]
    assert "member2" in proposers and "member" in proposers.replace("member2", "")
    assert 'data-testid="merged-proposer"' in proposers
