"""Fixes after the review of the 2027 plan walk: a version the standing committee voted down is not
finalised again unchanged, the collection round closed early by the plan's submission, who hears of the
published plan, and the 序号 of a new or moved item."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.exceptions import Refused
from core.workflow import perform, workflow_for
from district.tests.factories import BodyFactory
from notifications.models import Notification
from topics.models import PlanStatus, PlanVote, RoundStatus, SuggestionStatus
from topics.services import plan as plan_services
from topics.services import votes
from topics.tests.factories import (
    RoundFactory,
    SuggestionFactory,
    drive_to_vote,
    fmt,
    plan_with_items,
    sign_all,
    standing_present,
)

pytestmark = pytest.mark.django_db


# ---- 2. a version voted down goes back revised, as after the leader's return


def _voted_down(cast):
    """A plan whose standing-committee vote failed (1 for, 1 against of 3): back at the joint meeting."""
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=1, votes_against=1, votes_abstain=0)
    votes.close_vote(vote=vote, actor=cast.clerk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.JOINT
    return plan, vote


def test_the_version_the_standing_committee_voted_down_is_not_finalised_again(cast):
    plan, _vote = _voted_down(cast)
    # Its three sign-offs from before the vote still stand, but 定稿 is neither offered nor let through.
    assert not plan_services.missing_signoffs(plan.current_version)
    assert "joint_agree_to_leader" not in [a.name for a in workflow_for(plan).available(plan, cast.clerk)]
    with pytest.raises(Refused, match="未获常委会表决通过"):
        perform(plan, "joint_agree_to_leader", actor=cast.clerk)
    assert plan.status == PlanStatus.JOINT


def test_a_revised_version_signed_again_is_finalised_after_a_failed_vote(cast):
    plan, _vote = _voted_down(cast)
    item = plan.items.first()
    plan_services.update_item(item=item, expected_version=item.version, actor=cast.clerk, quarter=3)
    plan_services.cut_version(plan=plan, actor=cast.clerk, note="按常委会意见修改")
    sign_all(plan, cast)
    perform(plan, "joint_agree_to_leader", actor=cast.clerk)
    assert plan.status == PlanStatus.LEADER


def test_the_plan_page_says_why_the_voted_down_version_waits(cast, client):
    plan, _vote = _voted_down(cast)
    client.force_login(cast.clerk)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert 'data-action="joint_agree_to_leader"' not in page
    assert 'data-testid="not-ready"' in page and "未获常委会表决通过" in page


def test_a_meeting_closed_for_lack_of_quorum_does_not_count_as_voted_down(cast):
    plan, vote = _voted_down(cast)
    # The same version, had its only closed vote been a meeting without quorum, may be finalised.
    PlanVote.objects.filter(pk=vote.pk).update(result=PlanVote.Result.NO_QUORUM)
    plan_services.guard_joint_agree(plan)
    assert "joint_agree_to_leader" in [a.name for a in workflow_for(plan).available(plan, cast.clerk)]


# ---- 8. submitting the draft closes the round early: the clerk is warned, the members are told


def _open_round(cast, *, days: int, year: int = 2030):
    return RoundFactory(year=year, created_by=cast.clerk, deadline=timezone.localdate() + timedelta(days=days))


def test_the_clerk_is_warned_that_submitting_closes_the_round_early(cast, client):
    rnd = _open_round(cast, days=21)
    SuggestionFactory(round=rnd, suggester=cast.member)  # a draft not yet submitted
    plan = plan_with_items(cast)
    client.force_login(cast.clerk)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert 'data-testid="round-closes-early"' in page
    assert f"原定{rnd.deadline:%Y-%m-%d}截止，将提前21天截止" in page
    assert "目前还有1件建议草稿尚未提交" in page
    # Not to those who cannot submit the plan.
    client.force_login(cast.chair)
    assert 'data-testid="round-closes-early"' not in client.get(plan.get_absolute_url()).content.decode()


def test_no_warning_once_the_round_is_closed_or_due_today(cast, client):
    rnd = _open_round(cast, days=0)
    plan = plan_with_items(cast)
    client.force_login(cast.clerk)
    assert 'data-testid="round-closes-early"' not in client.get(plan.get_absolute_url()).content.decode()
    rnd.deadline = timezone.localdate() + timedelta(days=5)
    rnd.status = RoundStatus.CLOSED
    rnd.save()
    assert 'data-testid="round-closes-early"' not in client.get(plan.get_absolute_url()).content.decode()


def test_submitting_the_plan_tells_the_members_the_round_closed_early(cast, django_capture_on_commit_callbacks):
    rnd = _open_round(cast, days=21)
    draft = SuggestionFactory(round=rnd, suggester=cast.member)
    plan = plan_with_items(cast)
    with django_capture_on_commit_callbacks(execute=True):
        perform(plan, "submit_to_chairs", actor=cast.clerk)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED
    told = Notification.objects.filter(event_key__startswith="round-closed-early:")
    # Everyone who was asked to suggest until the deadline, once; the drafter is told the draft cannot go in.
    expected = {cast.member, cast.other_member, cast.standing, cast.chair, cast.vice_chair, cast.secgen}
    assert {n.recipient for n in told} == expected
    assert told.count() == len(expected)
    mine = told.get(recipient=draft.suggester)
    assert "已提前截止" in mine.title and "尚未提交的议题建议草稿不能再提交" in mine.title
    other = told.get(recipient=cast.other_member)
    assert f"原定{rnd.deadline:%Y-%m-%d}截止" in other.title and "草稿" not in other.title
    assert other.url == rnd.get_absolute_url()
    assert not told.filter(recipient=cast.clerk).exists()


def test_closing_a_round_by_hand_before_its_deadline_tells_the_members(cast, django_capture_on_commit_callbacks):
    rnd = _open_round(cast, days=10)
    with django_capture_on_commit_callbacks(execute=True):
        perform(rnd, "close", actor=cast.clerk, note="议题已足够")
    assert Notification.objects.filter(recipient=cast.member, event_key__startswith="round-closed-early:").exists()


def test_closing_a_round_on_or_after_its_deadline_tells_nobody_it_closed_early(
    cast, django_capture_on_commit_callbacks
):
    rnd = _open_round(cast, days=0)
    plan = plan_with_items(cast)
    with django_capture_on_commit_callbacks(execute=True):
        perform(plan, "submit_to_chairs", actor=cast.clerk)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.CLOSED
    assert not Notification.objects.filter(event_key__startswith="round-closed-early:").exists()


# ---- 11. the published plan is told to those its items concern


def _passed_with_concerns(cast):
    """A passed plan: item 1 led by the vice-chair with a lead committee that has a staff account, from the
    member's suggestion (the other member's duplicate merged into it); item 2 led by the chair, who
    suggested it."""
    body = BodyFactory(name="教科卫体委员会")
    staff = UserFactory(username="body_staff", body=body)
    rnd = _open_round(cast, days=10)
    kept = SuggestionFactory(round=rnd, suggester=cast.member, status=SuggestionStatus.SUBMITTED)
    duplicate = SuggestionFactory(round=rnd, suggester=cast.other_member, status=SuggestionStatus.SUBMITTED)
    perform(duplicate, "merge", actor=cast.clerk, data={"into": kept.pk})
    by_chair = SuggestionFactory(round=rnd, suggester=cast.chair, status=SuggestionStatus.SUBMITTED)
    plan = plan_with_items(cast, departments=[cast.liaison.department])
    first, second = plan.items.order_by("order")
    first = plan_services.update_item(
        item=first,
        expected_version=first.version,
        actor=cast.clerk,
        lead_member=cast.vice_chair.member,
        lead_body=body,
        origins=[kept],
    )
    second = plan_services.update_item(
        item=second,
        expected_version=second.version,
        actor=cast.clerk,
        lead_member=cast.chair.member,
        origins=[by_chair],
    )
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    sign_all(plan, cast)
    perform(plan, "joint_agree_to_leader", actor=cast.clerk)
    perform(plan, "leader_approve_to_vote", actor=cast.party_leader)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    votes.close_vote(vote=vote, actor=cast.clerk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ADOPTED
    return plan, first, second, staff


def test_publishing_tells_the_item_leads_the_lead_committee_and_the_suggesters_once_each(
    cast, django_capture_on_commit_callbacks
):
    plan, first, second, staff = _passed_with_concerns(cast)
    with django_capture_on_commit_callbacks(execute=True):
        perform(plan, "publish", actor=cast.party_office, data={"doc_number": "同委办〔2030〕58号"})
    told = Notification.objects.filter(event_key__startswith="plan-published:")
    by_user = {n.recipient: n for n in told}
    assert set(by_user) == {cast.vice_chair, cast.chair, staff, cast.member, cast.other_member}
    assert told.count() == 5  # the chair leads item 2 and suggested it: told once, as its lead
    lead = by_user[cast.vice_chair]
    assert "同委办〔2030〕58号" in lead.title and f"您牵头的议题：{first.title}" in lead.title
    assert "组建课题组" in lead.body and lead.url == first.get_absolute_url()
    assert f"您牵头的议题：{second.title}" in by_user[cast.chair].title
    assert f"教科卫体委员会牵头的议题：{first.title}" in by_user[staff].title
    for suggester in (cast.member, cast.other_member):
        note = by_user[suggester]
        assert f"您提出的议题已列入计划：{first.title}" in note.title and note.url == first.get_absolute_url()
    # The liaisons are still asked to sign for it, as before; the publisher is told nothing.
    assert Notification.objects.filter(recipient=cast.liaison, event_key__startswith="status:").exists()
    assert not Notification.objects.filter(recipient=cast.party_office, event_key__startswith="plan-published:")


def test_a_suggester_reads_the_document_number_of_the_plan_that_adopted_the_topic(cast, client):
    plan, first, _second, _staff = _passed_with_concerns(cast)
    perform(plan, "publish", actor=cast.party_office, data={"doc_number": "同委办〔2030〕58号"})
    client.force_login(cast.member)
    page = client.get(first.origins.get().get_absolute_url()).content.decode()
    assert "已印发 · 同委办〔2030〕58号" in page


# ---- 12. 序号: a new item goes last; a taken order moves the others


def _titles(plan) -> list[tuple[int, str]]:
    return list(plan.items.order_by("order", "id").values_list("order", "title"))


def test_the_new_item_form_offers_the_next_order(cast, client):
    plan = plan_with_items(cast)
    plan_services.add_item(plan=plan, actor=cast.clerk, title="第三项", format=fmt(), quarter=3)
    client.force_login(cast.clerk)
    page = client.get(reverse("topics:item_create", args=[plan.pk])).content.decode()
    assert 'name="order" value="4"' in page


def test_a_new_item_saved_as_offered_goes_last(cast, client):
    plan = plan_with_items(cast)
    client.force_login(cast.clerk)
    data = {"title": "推进老城区更新", "format": fmt().pk, "quarter": 3, "order": ""}
    response = client.post(reverse("topics:item_create", args=[plan.pk]), data)
    assert response.status_code == 302
    assert [o for o, _t in _titles(plan)] == [1, 2, 3] and _titles(plan)[-1][1] == "推进老城区更新"


def test_a_new_item_given_a_taken_order_moves_the_others_down(cast):
    plan = plan_with_items(cast)
    a, b = (t for _o, t in _titles(plan))
    item = plan_services.add_item(plan=plan, actor=cast.clerk, title="插入", format=fmt(), quarter=3, order=1)
    assert _titles(plan) == [(1, "插入"), (2, a), (3, b)]
    moved = plan.items.get(title=a)
    assert moved.version == 2  # a form opened on it before is refused, not allowed to put back order 1
    assert item.order == 1


def test_moving_an_item_down_or_up_renumbers_the_others(cast):
    plan = plan_with_items(cast)
    plan_services.add_item(plan=plan, actor=cast.clerk, title="三", format=fmt(), quarter=3)
    plan_services.add_item(plan=plan, actor=cast.clerk, title="四", format=fmt(), quarter=4)
    a, b = plan.items.order_by("order")[:2]
    plan_services.update_item(item=a, expected_version=a.version, actor=cast.clerk, order=3)
    assert _titles(plan) == [(1, b.title), (2, "三"), (3, a.title), (4, "四")]
    four = plan.items.get(title="四")
    plan_services.update_item(item=four, expected_version=four.version, actor=cast.clerk, order=1)
    assert _titles(plan) == [(1, "四"), (2, b.title), (3, "三"), (4, a.title)]


def test_taking_an_item_out_closes_up_the_order(cast):
    plan = plan_with_items(cast)
    plan_services.add_item(plan=plan, actor=cast.clerk, title="三", format=fmt(), quarter=3)
    plan_services.delete_item(item=plan.items.get(order=1), actor=cast.clerk)
    assert [o for o, _t in _titles(plan)] == [1, 2]
    assert plan_services.add_item(plan=plan, actor=cast.clerk, title="新", format=fmt(), quarter=4).order == 3
