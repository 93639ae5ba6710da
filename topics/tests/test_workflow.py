"""Refusals of the plan's workflows, and approval chains other than the seed's."""

from datetime import timedelta

import pytest
from constance.test import override_config
from django.utils import timezone

from core.exceptions import ActionForbidden, NoteRequired, Refused
from core.workflow import perform, workflow_for
from topics.models import PlanStatus, RoundStatus, SuggestionStatus
from topics.services import plan as plan_services
from topics.services import publication, suggestions, votes
from topics.tests.factories import (
    RoundFactory,
    SuggestionFactory,
    drive_to_vote,
    plan_with_items,
    sign_all,
    standing_present,
)

pytestmark = pytest.mark.django_db


def names(obj, user) -> set[str]:
    return {a.name for a in workflow_for(obj).available(obj, user)}


# ---- suggestions ---------------------------------------------------------------------------------


def test_a_suggestion_cannot_be_submitted_after_the_deadline(cast):
    rnd = RoundFactory(deadline=timezone.localdate() - timedelta(days=1))
    suggestion = SuggestionFactory(round=rnd, suggester=cast.member)
    with pytest.raises(Refused, match="已截止"):
        perform(suggestion, "submit", actor=cast.member)


def test_nobody_suggests_into_a_closed_round(cast):
    rnd = RoundFactory()
    perform(rnd, "close", actor=cast.clerk)
    with pytest.raises(Refused, match="已截止"):
        suggestions.create_suggestion(round=rnd, title="题", background="背景", suggester=cast.member)


def test_only_the_suggester_submits_and_only_the_office_screens(cast):
    suggestion = SuggestionFactory(suggester=cast.member)
    with pytest.raises(ActionForbidden):
        perform(suggestion, "submit", actor=cast.other_member)
    perform(suggestion, "submit", actor=cast.member)
    with pytest.raises(ActionForbidden):
        perform(suggestion, "shortlist", actor=cast.member)
    assert names(suggestion, cast.clerk) == {"shortlist", "merge", "reject"}


def test_rejection_needs_a_reason(cast):
    suggestion = SuggestionFactory(suggester=cast.member, status=SuggestionStatus.SUBMITTED)
    with pytest.raises(NoteRequired, match="未采纳理由"):
        perform(suggestion, "reject", actor=cast.clerk, note=" ")


def test_a_merge_must_name_another_live_suggestion_of_the_same_round(cast):
    suggestion = SuggestionFactory(suggester=cast.member, status=SuggestionStatus.SUBMITTED)
    elsewhere = SuggestionFactory(status=SuggestionStatus.SUBMITTED)
    rejected = SuggestionFactory(round=suggestion.round, status=SuggestionStatus.REJECTED)
    for target in (suggestion.pk, elsewhere.pk, rejected.pk, "x"):
        with pytest.raises(Refused):
            perform(suggestion, "merge", actor=cast.clerk, data={"into": target})
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.SUBMITTED and suggestion.merged_into is None


def test_reopening_a_round_past_its_deadline_is_refused(cast):
    rnd = RoundFactory(deadline=timezone.localdate() - timedelta(days=1), status=RoundStatus.CLOSED)
    with pytest.raises(Refused, match="截止日期已过"):
        perform(rnd, "reopen", actor=cast.clerk, note="延长")


# ---- plan: the seed's chain ----------------------------------------------------------------------


def test_each_step_belongs_to_its_holder(cast):
    plan = plan_with_items(cast)
    with pytest.raises(ActionForbidden):
        perform(plan, "submit_to_chairs", actor=cast.member)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    with pytest.raises(ActionForbidden):
        perform(plan, "chairs_approve_to_joint", actor=cast.party_leader)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    sign_all(plan, cast)
    perform(plan, "joint_agree_to_leader", actor=cast.clerk)
    with pytest.raises(ActionForbidden):
        perform(plan, "leader_approve_to_vote", actor=cast.clerk)
    assert names(plan, cast.party_leader) == {"leader_approve_to_vote", "leader_return_to_joint"}


def test_an_empty_plan_cannot_be_submitted(cast):
    plan = plan_services.create_plan(year=2031, title="空计划", actor=cast.clerk)
    with pytest.raises(Refused, match="还没有议题"):
        perform(plan, "submit_to_chairs", actor=cast.clerk)


def test_a_leader_return_needs_written_instructions(cast):
    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    sign_all(plan, cast)
    perform(plan, "joint_agree_to_leader", actor=cast.clerk)
    with pytest.raises(NoteRequired, match="批示意见"):
        perform(plan, "leader_return_to_joint", actor=cast.party_leader, note="")
    assert plan.status == PlanStatus.LEADER


def test_joint_agreement_needs_all_three_sign_offs_of_the_current_version(cast):
    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    plan_services.sign_off(version=plan.current_version, actor=cast.party_office, agreed=True)
    plan_services.sign_off(version=plan.current_version, actor=cast.clerk, agreed=True)
    with pytest.raises(Refused, match="区政府办"):
        perform(plan, "joint_agree_to_leader", actor=cast.clerk)
    plan_services.sign_off(version=plan.current_version, actor=cast.gov_office, agreed=True)
    # An edit after the sign-offs needs a new version, signed again.
    item = plan.items.first()
    plan_services.update_item(item=item, expected_version=item.version, actor=cast.clerk, month=5, quarter=None)
    with pytest.raises(Refused, match="尚未形成版本"):
        perform(plan, "joint_agree_to_leader", actor=cast.clerk)
    plan_services.cut_version(plan=plan, actor=cast.clerk)
    plan.refresh_from_db()
    with pytest.raises(Refused, match="三办会签未齐"):
        perform(plan, "joint_agree_to_leader", actor=cast.clerk)


def test_an_office_signs_a_version_once_and_only_the_current_one(cast):
    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    v1 = plan.current_version
    plan_services.sign_off(version=v1, actor=cast.party_office, agreed=True)
    with pytest.raises(Refused, match="不能重复会签"):
        plan_services.sign_off(version=v1, actor=cast.party_office, agreed=True)
    with pytest.raises(ActionForbidden):
        plan_services.sign_off(version=v1, actor=cast.member, agreed=True)
    item = plan.items.first()
    plan_services.update_item(item=item, expected_version=item.version, actor=cast.clerk, title="新题")
    plan_services.cut_version(plan=plan, actor=cast.clerk)
    with pytest.raises(Refused, match="只能会签当前版本"):
        plan_services.sign_off(version=v1, actor=cast.gov_office, agreed=True)


def test_disagreeing_needs_a_comment(cast):
    from django.core.exceptions import ValidationError

    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    with pytest.raises(ValidationError):
        plan_services.sign_off(version=plan.current_version, actor=cast.gov_office, agreed=False)


# ---- standing-committee vote ---------------------------------------------------------------------


def test_a_vote_without_quorum_is_refused(cast):
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member)  # 1 of 3 is not more than half
    with pytest.raises(Refused, match="未达到表决所需的到会人数（全体常委3人，至少需2人）"):
        votes.record_tally(vote=vote, actor=cast.clerk, votes_for=1, votes_against=0, votes_abstain=0)
    with pytest.raises(Refused, match="到会人数"):
        perform(plan, "vote_pass_to_adopted", actor=cast.clerk)


def test_a_vote_keeps_the_rule_it_was_opened_under(cast):
    """A district changing its pass mark later does not rewrite a vote already taken."""
    plan = drive_to_vote(cast)
    with override_config(STANDING_QUORUM_FRACTION="0.5", STANDING_PASS_FRACTION="0.5"):
        vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    vote.refresh_from_db()
    with override_config(STANDING_QUORUM_FRACTION="2/3", STANDING_PASS_FRACTION="2/3"):
        outcome = votes.outcome_of(vote)
        assert (outcome.quorum_needed, outcome.pass_needed, outcome.passed) == (2, 2, True)
        perform(plan, "vote_pass_to_adopted", actor=cast.clerk)
    assert plan.status == PlanStatus.ADOPTED


def test_a_tally_is_recorded_once(cast):
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    with pytest.raises(Refused, match="不能重复录入"):
        votes.record_tally(vote=vote, actor=cast.clerk, votes_for=0, votes_against=2, votes_abstain=0)
    with pytest.raises(Refused, match="不能再修改出席"):
        standing_present(vote, cast.chair.member)


def test_a_tally_larger_than_attendance_is_refused(cast):
    from django.core.exceptions import ValidationError

    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    with pytest.raises(ValidationError):
        votes.record_tally(vote=vote, actor=cast.clerk, votes_for=3, votes_against=0, votes_abstain=0)


def test_a_member_votes_online_once_and_only_when_present(cast):
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method="online")
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.cast_ballot(vote=vote, actor=cast.chair, choice="for")
    with pytest.raises(Refused, match="不能重复投票"):
        votes.cast_ballot(vote=vote, actor=cast.chair, choice="against")
    with pytest.raises(Refused, match="未登记出席"):
        votes.cast_ballot(vote=vote, actor=cast.standing, choice="for")
    with pytest.raises(ActionForbidden):
        votes.cast_ballot(vote=vote, actor=cast.member, choice="for")
    assert vote.ballots.count() == 1


def test_a_plan_lacking_a_sign_off_is_not_put_to_the_vote(cast):
    with override_config(PLAN_APPROVAL_CHAIN="chairs_meeting,party_leader,standing_vote"):
        plan = plan_with_items(cast)
        perform(plan, "submit_to_chairs", actor=cast.clerk)
        perform(plan, "chairs_approve_to_leader", actor=cast.chair)
        perform(plan, "leader_approve_to_vote", actor=cast.party_leader)
    # The district puts the joint offices back into the chain while the plan waits for its vote.
    with pytest.raises(Refused, match="缺少三办会签"):
        votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())


def test_a_second_open_vote_on_the_same_plan_is_refused(cast):
    plan = drive_to_vote(cast)
    votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    with pytest.raises(Refused, match="正在进行"):
        votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())


# ---- publication and receipts --------------------------------------------------------------------


def _adopted(cast, **kwargs):
    plan = drive_to_vote(cast, **kwargs)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    votes.close_vote(vote=vote, actor=cast.clerk)
    plan.refresh_from_db()
    return plan


def test_publishing_needs_a_document_number_not_used_before(cast):
    plan = _adopted(cast, year=2031)
    with pytest.raises(Refused, match="发文字号"):
        perform(plan, "publish", actor=cast.party_office, data={})
    other = plan_services.create_plan(year=2032, title="另一计划", actor=cast.clerk)
    other.doc_number = "同委办〔2031〕1号"
    other.save()
    with pytest.raises(Refused, match="已被使用"):
        perform(plan, "publish", actor=cast.party_office, data={"doc_number": "同委办〔2031〕1号"})
    with pytest.raises(ActionForbidden):
        perform(plan, "publish", actor=cast.gov_office, data={"doc_number": "同委办〔2031〕2号"})


def test_a_department_acknowledges_once_and_only_its_own_receipt(cast):
    plan = _adopted(cast, departments=[cast.liaison.department])
    perform(plan, "publish", actor=cast.party_office, data={"doc_number": "同委办〔2030〕12号"})
    with pytest.raises(Refused, match="不在本计划的印发范围"):
        publication.acknowledge_receipt(plan=plan, actor=cast.other_liaison)
    publication.acknowledge_receipt(plan=plan, actor=cast.liaison)
    with pytest.raises(Refused, match="已于"):
        publication.acknowledge_receipt(plan=plan, actor=cast.liaison)


# ---- other approval chains -----------------------------------------------------------------------


@override_config(PLAN_APPROVAL_CHAIN="joint_offices,chairs_meeting,party_leader")
def test_a_district_may_reorder_and_drop_steps(cast):
    """Daxing's order: the three offices first, then the chairs' meeting; no standing-committee vote."""
    plan = plan_with_items(cast)
    assert names(plan, cast.clerk) == {"submit_to_joint"}
    perform(plan, "submit_to_joint", actor=cast.clerk)
    sign_all(plan, cast)
    assert names(plan, cast.clerk) == {"joint_agree_to_chairs"}
    perform(plan, "joint_agree_to_chairs", actor=cast.clerk)
    assert names(plan, cast.chair) == {"chairs_approve_to_leader", "chairs_return_to_joint"}
    perform(plan, "chairs_approve_to_leader", actor=cast.chair)
    perform(plan, "leader_return_to_joint", actor=cast.party_leader, note="补充议题")
    assert plan.status == PlanStatus.JOINT
    with pytest.raises(Refused, match="按批示修改"):
        perform(plan, "joint_agree_to_chairs", actor=cast.clerk)
    plan_services.add_item(plan=plan, actor=cast.clerk, title="粮食生产安全", format=plan.items.first().format)
    plan_services.cut_version(plan=plan, actor=cast.clerk, note="按批示补充")
    sign_all(plan, cast)
    perform(plan, "joint_agree_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_leader", actor=cast.chair)
    assert names(plan, cast.party_leader) == {"leader_approve_to_adopted", "leader_return_to_joint"}
    perform(plan, "leader_approve_to_adopted", actor=cast.party_leader)
    assert plan.status == PlanStatus.ADOPTED


@override_config(PLAN_APPROVAL_CHAIN="party_leader")
def test_without_the_joint_offices_a_return_goes_back_to_the_draft(cast):
    plan = plan_with_items(cast)
    perform(plan, "submit_to_leader", actor=cast.clerk)
    perform(plan, "leader_return_to_draft", actor=cast.party_leader, note="重新研究")
    assert plan.status == PlanStatus.DRAFT


@override_config(PLAN_APPROVAL_CHAIN="chairs_meeting, bogus ,chairs_meeting,standing_vote")
def test_unknown_and_repeated_steps_in_the_chain_are_ignored(cast):
    from topics.chain import approval_chain

    assert approval_chain() == ["chairs_meeting", "standing_vote"]
    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    assert names(plan, cast.chair) == {"chairs_approve_to_vote", "chairs_return_to_draft"}


def test_a_step_taken_out_of_the_chain_while_a_plan_waits_on_it_leads_on_not_back(cast):
    from topics.chain import next_state

    with override_config(PLAN_APPROVAL_CHAIN="chairs_meeting,party_leader,standing_vote"):
        # The plan waited on the three offices when they were dropped: it goes on to the leader.
        assert next_state("joint_offices") == PlanStatus.LEADER
    with override_config(PLAN_APPROVAL_CHAIN="chairs_meeting,joint_offices"):
        assert next_state("party_leader") == PlanStatus.ADOPTED
        assert next_state("chairs_meeting") == PlanStatus.JOINT
