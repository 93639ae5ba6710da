import pytest
from django.urls import reverse
from django.utils import timezone

from core.workflow import perform
from topics.models import PlanStatus, SuggestionStatus, TopicSuggestion
from topics.services import plan as plan_services
from topics.services import votes
from topics.tests.factories import (
    RoundFactory,
    SuggestionFactory,
    drive_to_vote,
    plan_with_items,
    standing_present,
)

pytestmark = pytest.mark.django_db


def test_a_member_suggests_a_topic_with_supporting_material(client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rnd = RoundFactory()
    client.force_login(cast.member)
    response = client.post(
        reverse("topics:suggestion_create"),
        {
            "round": rnd.pk,
            "title": "整合农创文旅资源",
            "background": "资源分散",
            "departments": [cast.liaison.department.pk],
            "submit_now": "on",
            "material": SimpleUploadedFile("调研.txt", "调研材料正文".encode(), content_type="text/plain"),
        },
    )
    suggestion = TopicSuggestion.objects.get(title="整合农创文旅资源")
    assert response.status_code == 302 and response.url == suggestion.get_absolute_url()
    assert suggestion.status == SuggestionStatus.SUBMITTED
    page = client.get(suggestion.get_absolute_url()).content.decode()
    assert "调研.txt" in page


def test_a_missing_field_keeps_what_the_member_typed(client, cast):
    rnd = RoundFactory()
    client.force_login(cast.member)
    response = client.post(reverse("topics:suggestion_create"), {"round": rnd.pk, "title": "古城保护性建设"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "古城保护性建设" in html and "请填写背景和现状。" in html


def test_a_member_cannot_suggest_in_the_name_of_another_sector_and_keeps_what_was_typed(client, cast):
    from district.tests.factories import SectorFactory

    rnd = RoundFactory()
    other = SectorFactory(name="另一界别")
    own = cast.member.member.sector
    client.force_login(cast.member)
    page = client.get(reverse("topics:suggestion_create")).content.decode()
    assert f'<option value="{own.pk}">' in page and f'<option value="{other.pk}">' not in page
    with_other = {"round": rnd.pk, "title": "古城保护性建设", "background": "现状", "sector": other.pk}
    response = client.post(reverse("topics:suggestion_create"), with_other)
    assert response.status_code == 200 and "古城保护性建设" in response.content.decode()
    assert not TopicSuggestion.objects.filter(title="古城保护性建设").exists()
    client.post(reverse("topics:suggestion_create"), {**with_other, "sector": own.pk})
    assert TopicSuggestion.objects.get(title="古城保护性建设").sector == own


def test_others_drafts_and_unpublished_plans_are_not_found(client, cast):
    draft = SuggestionFactory(suggester=cast.member)
    plan = plan_with_items(cast)
    client.force_login(cast.other_member)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(plan.get_absolute_url()).status_code == 404
    client.force_login(cast.clerk)
    assert client.get(draft.get_absolute_url()).status_code == 404  # a draft is its author's until submitted
    assert client.get(plan.get_absolute_url()).status_code == 200


def test_a_stale_item_form_is_refused_with_who_changed_it_and_keeps_the_input(client, cast):
    plan = plan_with_items(cast)
    item = plan.items.order_by("order").first()
    stale = item.version
    plan_services.update_item(item=item, expected_version=item.version, actor=cast.clerk, title="先改的标题")
    client.force_login(cast.clerk)
    response = client.post(
        reverse("topics:item_edit", args=[item.pk]),
        {"version": stale, "order": 1, "title": "后改的标题", "format": item.format_id, "quarter": 2},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "clerk于" in html and "后改的标题" in html
    item.refresh_from_db()
    assert item.title == "先改的标题"


def test_the_leaders_return_instructions_are_shown_to_the_joint_meeting(client, cast):
    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    from topics.tests.factories import sign_all

    sign_all(plan, cast)
    perform(plan, "joint_agree_to_leader", actor=cast.clerk)
    perform(plan, "leader_return_to_joint", actor=cast.party_leader, note="请补充基层治理议题")
    client.force_login(cast.gov_office)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "请补充基层治理议题" in html


def test_an_office_signs_off_with_per_item_comments(client, cast):
    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    item = plan.items.order_by("order").first()
    client.force_login(cast.gov_office)
    url = reverse("topics:version", args=[plan.current_version_id])
    response = client.post(url, {"agreed": "0", "comment": "", f"item_{item.pk}": "建议放在第三季度"})
    assert response.status_code == 302
    signoff = plan.current_version.signoffs.get()
    assert not signoff.agreed and signoff.item_comments.get().text == "建议放在第三季度"
    assert "建议放在第三季度" in client.get(url).content.decode()


def test_the_diff_page_shows_both_versions_side_by_side(client, cast):
    plan = plan_with_items(cast)
    plan_services.cut_version(plan=plan, actor=cast.clerk)
    item = plan.items.order_by("order").first()
    plan_services.update_item(item=item, expected_version=item.version, actor=cast.clerk, quarter=3)
    plan_services.cut_version(plan=plan, actor=cast.clerk)
    client.force_login(cast.clerk)
    html = client.get(reverse("topics:diff", args=[plan.pk]) + "?a=1&b=2").content.decode()
    assert 'data-kind="changed"' in html and "第二季度" in html and "第三季度" in html


def test_the_clerk_records_a_vote_through_the_pages(client, cast):
    plan = drive_to_vote(cast)
    client.force_login(cast.clerk)
    response = client.post(
        reverse("topics:vote_open", args=[plan.pk]), {"starts_at": "2030-03-01T09:00", "method": "hands"}
    )
    vote = plan.votes.get()
    assert response.url == vote.get_absolute_url()
    data = {f"m_{p.member_id}": "present" for p in vote.meeting.participants.all()}
    assert 'data-testid="before-meeting"' in client.get(vote.get_absolute_url()).content.decode()
    early = client.post(reverse("topics:vote_attendance", args=[vote.pk]), data, follow=True)
    assert "会议当天才能登记出席情况" in early.content.decode()
    assert not vote.meeting.participants.filter(attendance="present").exists()
    # On the meeting's day.
    vote.meeting.starts_at = timezone.now()
    vote.meeting.save(update_fields=["starts_at"])
    client.post(reverse("topics:vote_attendance", args=[vote.pk]), data)
    bad = client.post(
        reverse("topics:vote_tally", args=[vote.pk]), {"votes_for": 5, "votes_against": 0, "votes_abstain": 0}
    )
    assert bad.status_code == 400 and "超过出席人数" in bad.content.decode()
    client.post(reverse("topics:vote_tally", args=[vote.pk]), {"votes_for": 3, "votes_against": 0, "votes_abstain": 0})
    client.post(reverse("topics:vote_close", args=[vote.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ADOPTED


def test_published_plans_are_on_the_portal_with_their_documents(client, cast):
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    votes.close_vote(vote=vote, actor=cast.clerk)
    assert client.get(reverse("topics:portal_plan", args=[2030])).status_code == 404
    perform(plan, "publish", actor=cast.party_office, data={"doc_number": "同委办〔2030〕12号"})
    home = client.get("/").content.decode()
    assert "年度协商计划" in home
    html = client.get(reverse("topics:portal_plan", args=[2030])).content.decode()
    assert "落实教育“双减”政策" in html and "同委办〔2030〕12号" in html
    pdf = client.get(reverse("topics:portal_document", args=[2030, "pdf"]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_list_pages_keep_a_constant_number_of_queries(client, cast, django_assert_max_num_queries):
    rnd = RoundFactory()
    client.force_login(cast.clerk)

    def load_all():
        for name in ("topics:suggestions", "topics:plans", "topics:items", "topics:overview", "topics:rounds"):
            assert client.get(reverse(name)).status_code == 200

    SuggestionFactory.create_batch(2, round=rnd, status=SuggestionStatus.SUBMITTED)
    plan = plan_with_items(cast, departments=[cast.liaison.department])
    load_all()
    with django_assert_max_num_queries(200) as few:
        load_all()
    SuggestionFactory.create_batch(12, round=rnd, status=SuggestionStatus.SUBMITTED)
    for n in range(10):
        plan_services.add_item(plan=plan, actor=cast.clerk, title=f"议题{n}", format=plan.items.first().format)
    with django_assert_max_num_queries(len(few.captured_queries)):
        load_all()


def test_pages_answer_for_every_stage(client, cast):
    rnd = RoundFactory()
    s = SuggestionFactory(round=rnd, suggester=cast.member, status=SuggestionStatus.SUBMITTED)
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method="online")
    client.force_login(cast.clerk)
    for url in [
        reverse("topics:overview"),
        rnd.get_absolute_url(),
        s.get_absolute_url(),
        plan.get_absolute_url(),
        reverse("topics:version", args=[plan.current_version_id]),
        vote.get_absolute_url(),
        reverse("topics:item_create", args=[plan.pk]),
        reverse("topics:plan_create"),
        reverse("topics:round_create"),
    ]:
        assert client.get(url).status_code == 200, url
    client.force_login(cast.standing)
    assert client.get(vote.get_absolute_url()).status_code == 200


def test_suggestions_are_linked_only_for_viewers_who_may_open_them(client, cast):
    """A member's suggestion merged into another's, and a plan item from someone else's suggestion:
    those pages would be a 404 for the member and the standing committee, so their titles are text."""
    from topics.models import PlanItem

    rnd = RoundFactory()
    theirs = SuggestionFactory(
        round=rnd, suggester=cast.other_member, status=SuggestionStatus.SUBMITTED, title="整合农创文旅资源"
    )
    mine = SuggestionFactory(
        round=rnd, suggester=cast.member, status=SuggestionStatus.MERGED, merged_into=theirs, title="我的议题建议"
    )
    plan = drive_to_vote(cast)
    PlanItem.objects.filter(plan=plan).first().origins.add(theirs)

    client.force_login(cast.member)
    assert client.get(theirs.get_absolute_url()).status_code == 404
    for url in (mine.get_absolute_url(), reverse("topics:suggestions")):
        page = client.get(url).content.decode()
        assert "整合农创文旅资源" in page and f'href="{theirs.get_absolute_url()}"' not in page
    client.force_login(cast.standing)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "整合农创文旅资源" in page and f'href="{theirs.get_absolute_url()}"' not in page
    client.force_login(cast.clerk)
    for url in (mine.get_absolute_url(), plan.get_absolute_url()):
        assert f'href="{theirs.get_absolute_url()}"' in client.get(url).content.decode()


def test_the_suggest_button_is_offered_only_to_those_who_may_suggest(client, cast):
    rnd = RoundFactory()  # accepting suggestions for another 30 days
    create = reverse("topics:suggestion_create")
    for user, offered in ((cast.member, True), (cast.party_leader, False)):
        client.force_login(user)
        for url in (reverse("topics:overview"), rnd.get_absolute_url()):
            response = client.get(url)
            assert response.status_code == 200
            assert (f'href="{create}"' in response.content.decode()) is offered, (user, url)
        assert (client.get(create).status_code == 200) is offered


def test_a_second_plan_for_a_year_names_and_links_the_existing_plan(client, cast):
    existing = plan_with_items(cast, year=2031)
    client.force_login(cast.clerk)
    response = client.post(reverse("topics:plan_create"), {"year": 2031, "title": "另一份计划", "preamble": "说明"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "具有" not in html and "已存在" not in html
    assert f"2031年度已有协商计划《{existing.title}》" in html
    assert f'href="{existing.get_absolute_url()}"' in html
    assert "另一份计划" in html  # what the clerk typed is kept


def test_a_second_round_for_a_year_names_and_links_the_existing_round(client, cast):
    existing = RoundFactory(year=2032, created_by=cast.clerk)
    client.force_login(cast.clerk)
    deadline = (timezone.localdate() + timezone.timedelta(days=10)).isoformat()
    response = client.post(reverse("topics:round_create"), {"year": 2032, "title": "重复征集", "deadline": deadline})
    assert response.status_code == 200
    html = response.content.decode()
    assert "具有" not in html and f"2032年度已发起议题征集“{existing.title}”" in html
    assert f'href="{existing.get_absolute_url()}"' in html


def test_a_version_frozen_in_chinese_reads_in_english_on_its_pages(client, cast):
    """The version page and the public plan word the timing in the reader's language, not in the one
    the snapshot was taken in."""
    from django.utils import translation

    plan = drive_to_vote(cast)  # versions frozen in Chinese
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    votes.close_vote(vote=vote, actor=cast.clerk)
    with translation.override("zh-hans"):
        perform(plan, "publish", actor=cast.party_office, data={"doc_number": "同委办〔2030〕12号"})
    client.cookies["django_language"] = "en"
    public = client.get(reverse("topics:portal_plan", args=[2030])).content.decode()
    client.force_login(cast.clerk)
    version = client.get(reverse("topics:version", args=[plan.current_version_id])).content.decode()
    for html in (public, version):
        assert "Q2" in html and "Month 9" in html
        assert "第二季度" not in html and "9月" not in html


def test_leave_reasons_on_the_vote_page_are_for_the_plan_side_and_the_standing_members(client, cast):
    from consultations.models import Attendance

    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    attendance = {p.member_id: Attendance.PRESENT for p in vote.meeting.participants.all()}
    attendance[cast.vice_chair.member.pk] = Attendance.DECLINED
    votes.record_attendance(
        vote=vote, actor=cast.clerk, attendance=attendance, reasons={cast.vice_chair.member.pk: "住院治疗"}
    )
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    votes.close_vote(vote=vote, actor=cast.clerk)
    perform(plan, "publish", actor=cast.party_office, data={"doc_number": "同委办〔2030〕12号"})
    for user in (cast.clerk, cast.standing):
        client.force_login(user)
        html = client.get(vote.get_absolute_url()).content.decode()
        assert "请假" in html and "住院治疗" in html, user
    # The vote's attendance is the standing committee's business: members, liaisons and the public
    # (who read the published plan on its public page) do not open the vote at all.
    for user in (cast.member, cast.liaison, cast.citizen):
        client.force_login(user)
        assert client.get(vote.get_absolute_url()).status_code == 404, user


def test_announcing_an_online_vote_warns_about_present_members_who_have_not_voted(client, cast):
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method="online")
    standing_present(vote, cast.chair.member, cast.vice_chair.member, cast.standing.member)
    votes.cast_ballot(vote=vote, actor=cast.standing, choice="for")
    client.force_login(cast.clerk)
    html = client.get(vote.get_absolute_url()).content.decode()
    assert "已收到表决票1张（出席3人）" in html and "尚有2位出席常委未表决" in html
    assert 'data-confirm="尚有2位出席常委未表决，宣布后表决结果不能更改。确定现在宣布？"' in html
    for member in (cast.chair, cast.vice_chair):
        votes.cast_ballot(vote=vote, actor=member, choice="for")
    html = client.get(vote.get_absolute_url()).content.decode()
    assert "已收到表决票3张（出席3人）" in html and "未表决" not in html and "data-confirm" not in html


def test_publishing_with_the_suggested_number_left_without_its_serial_is_refused(client, cast):
    """The publish form suggests the district's format with the serial blank (同委办〔2030〕号); a
    clerk who presses 保存 without typing it must not issue a formal document with no number."""
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    votes.close_vote(vote=vote, actor=cast.clerk)
    client.force_login(cast.party_office)
    url = reverse("topics:publish", args=[plan.pk])
    suggested = client.get(url).context["form"].initial["doc_number"]
    today = timezone.localdate().isoformat()
    response = client.post(url, {"doc_number": suggested, "issued_on": today})
    assert response.status_code == 200
    page = response.content.decode()
    assert "发文字号缺少序号" in page
    assert f'value="{today}"' in page  # what was typed stays
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ADOPTED and plan.doc_number == ""
    response = client.post(url, {"doc_number": suggested.replace("〕", "〕7"), "issued_on": today})
    plan.refresh_from_db()
    assert response.status_code == 302 and plan.status == PlanStatus.PUBLISHED and plan.doc_number.endswith("〕7号")


def test_the_suggestion_list_says_who_has_each_suggestion_not_in_a_plan(client, cast):
    """现在在哪里 names the next step for a suggestion still being screened, not a bare dash."""
    rnd = RoundFactory()
    submitted = SuggestionFactory(round=rnd, title="推进社区嵌入式托育服务", status=SuggestionStatus.SUBMITTED)
    SuggestionFactory(round=rnd, title="加强农村养老服务", status=SuggestionStatus.SHORTLISTED)
    client.force_login(cast.clerk)
    page = client.get(reverse("topics:suggestions"), {"round": rnd.pk}).content.decode()
    row = page[page.index(submitted.title) :]
    assert "待政协办公室筛选" in row.split("</tr>")[0]
    assert "已入围，待列入计划草案" in page


def test_the_plan_page_names_the_offices_yet_to_sign_then_the_clerks_final_step(client, cast):
    from topics.selectors import plan_inbox

    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    plan.refresh_from_db()
    plan_services.sign_off(version=plan.current_version, actor=cast.party_office, agreed=True)
    client.force_login(cast.clerk)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "区政府办、区政协办</span>" in html and "区委办、区政府办、区政协办" not in html
    # The party office has agreed: the plan leaves its to-do list, not the government office's.
    assert not plan_inbox(cast.party_office).filter(pk=plan.pk).exists()
    assert plan_inbox(cast.gov_office).filter(pk=plan.pk).exists()
    plan_services.sign_off(version=plan.current_version, actor=cast.gov_office, agreed=True)
    plan_services.sign_off(version=plan.current_version, actor=cast.clerk, agreed=True)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "区政协办公室（三办联席会定稿）" in html and "区委办、区政府办、区政协办" not in html
    assert plan_inbox(cast.clerk).filter(pk=plan.pk).exists()


def test_the_vote_result_is_not_offered_before_a_vote_is_organised(client, cast):
    from core.exceptions import Refused
    from core.workflow import workflow_for

    plan = drive_to_vote(cast)
    client.force_login(cast.clerk)
    html = client.get(plan.get_absolute_url()).content.decode()
    assert 'data-action="vote_pass_to_adopted"' not in html and 'data-action="vote_fail_to_joint"' not in html
    # The page says why, and the server still refuses it with that reason.
    assert "尚未组织常委会表决" in html
    announce = next(
        a for a in workflow_for(plan).actions if a.name.startswith("vote_pass") and a.is_allowed(cast.clerk, plan)
    )
    with pytest.raises(Refused, match="尚未组织常委会表决"):
        perform(plan, announce.name, actor=cast.clerk)


def test_an_expert_reads_published_plans_from_every_tab_of_the_plan_pages(client, cast):
    """Experts read the published plan: the tabs its page shows open for them, listing published plans only."""
    from topics.tests.factories import PlanFactory

    published = PlanFactory(year=2031, title="2031年度协商计划", status=PlanStatus.PUBLISHED)
    draft = PlanFactory(year=2032, title="2032年度协商计划（草案）")
    client.force_login(cast.expert)
    page = client.get(reverse("topics:plan", args=[published.pk])).content.decode()
    for tab in ("topics:overview", "topics:plans", "topics:items"):
        assert f'href="{reverse(tab)}"' in page
        assert client.get(reverse(tab)).status_code == 200, tab
    listing = client.get(reverse("topics:plans")).content.decode()
    assert published.title in listing and draft.title not in listing
    assert 'href="/plan/"' in client.get("/office/").content.decode()  # in the expert's menu too


def test_the_overview_says_the_plan_is_being_approved_to_those_who_may_not_read_it_yet(client, cast):
    """Once the plan has gone to the chairs, a member who may not read it yet is told it is being approved,
    not that there is none; a standing member, once the vote is open, gets a link to cast his ballot."""
    plan = plan_with_items(cast, year=2041)
    overview = reverse("topics:overview") + "?year=2041"
    client.force_login(cast.member)
    assert "本年度计划尚未编制" in client.get(overview).content.decode()  # the clerk is still drafting it
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    for user in (cast.member, cast.standing):
        client.force_login(user)
        page = client.get(reverse("topics:overview")).content.decode()  # the year is offered, and chosen
        assert 'data-testid="overview-under-approval"' in page and "本年度协商计划正在审定中" in page, user
        assert "本年度计划尚未编制" not in page and plan.get_absolute_url() not in page, user
    plan = drive_to_vote(cast, year=2042)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method="online")
    client.force_login(cast.standing)
    page = client.get(reverse("topics:overview") + "?year=2042").content.decode()
    assert 'data-testid="overview-ballot"' in page and f'href="{vote.get_absolute_url()}"' in page
    assert "正在审定中" not in page  # he reads the plan itself
    standing_present(vote, cast.chair.member, cast.vice_chair.member, cast.standing.member)
    votes.cast_ballot(vote=vote, actor=cast.standing, choice="for")
    assert 'data-testid="overview-ballot"' not in client.get(reverse("topics:overview") + "?year=2042").content.decode()
    client.force_login(cast.member)
    page = client.get(reverse("topics:overview") + "?year=2042").content.decode()
    assert "本年度协商计划正在审定中" in page and 'data-testid="overview-ballot"' not in page


def test_the_suggestion_form_says_no_round_is_open_instead_of_an_empty_form(client, cast):
    client.force_login(cast.member)
    response = client.get(reverse("topics:suggestion_create"))
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="no-open-round"' in page
    assert "当前没有正在进行的议题征集" in page and f'href="{reverse("topics:suggestions")}"' in page
    assert 'data-testid="topics-form"' not in page
    response = client.post(reverse("topics:suggestion_create"), {"title": "古城保护性建设", "background": "背景"})
    assert 'data-testid="no-open-round"' in response.content.decode()
    assert not TopicSuggestion.objects.filter(title="古城保护性建设").exists()
    RoundFactory()
    assert 'data-testid="topics-form"' in client.get(reverse("topics:suggestion_create")).content.decode()
