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
    assert "古城保护性建设" in html and "该字段是必填项" in html


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
