"""The proposal cycle, rule by rule: drafting, co-signing, review, assignment, reply, rating."""

from datetime import timedelta

import pytest
import time_machine
from constance.test import override_config
from django.utils import timezone

from core.exceptions import ActionForbidden, NoteRequired, Refused
from core.workflow import perform
from district.tests.factories import DepartmentFactory, MemberFactory, SectorFactory, SessionFactory, TermFactory
from opinions.models import OpinionReport
from proposals import services
from proposals.models import Proposal, ProposalRating, ReplyClass, Status
from proposals.selectors import proposer_user_ids
from proposals.tests.factories import (
    ProposalFactory,
    assigned,
    contact,
    filed,
    in_progress,
    replied,
    session,
    submitted,
)

pytestmark = pytest.mark.django_db


def joint_draft(cast, **kwargs):
    session()
    proposal = ProposalFactory(author=cast.member, kind="joint", **kwargs)
    services.set_cosigners(proposal=proposal, members=[cast.other_member.member], actor=cast.member)
    return proposal


# Drafting and submission


def test_submit_refuses_missing_parts_and_names_them(cast):
    session()
    proposal = ProposalFactory(author=cast.member, analysis="", suggestions=" ")
    with pytest.raises(Refused) as err:
        perform(proposal, "submit", actor=cast.member)
    assert "分析" in str(err.value.message) and "具体建议" in str(err.value.message)
    assert set(err.value.fields) == {"analysis", "suggestions"}
    proposal.refresh_from_db()
    assert proposal.status == Status.DRAFT


def test_submit_stamps_time_and_session(cast):
    proposal = submitted(cast)
    assert proposal.status == Status.SUBMITTED
    assert proposal.submitted_at is not None
    assert proposal.session.year == 2022


def test_only_the_author_submits(cast):
    session()
    proposal = ProposalFactory(author=cast.member)
    with pytest.raises(ActionForbidden):
        perform(proposal, "submit", actor=cast.other_member)


def test_collective_proposal_needs_exactly_one_organisation(cast):
    with pytest.raises(Refused) as err:
        services.create_proposal(actor=cast.member, kind="collective", title="关于界别协商的建议")
    assert "界别" in str(err.value.message)
    sector = cast.member.member.sector
    proposal = services.create_proposal(
        actor=cast.member, kind="collective", title="关于界别协商的建议", org_sector=sector
    )
    assert proposal.proposer_label == sector.name
    # Only in the name of an organisation the member speaks for (his own sector here).
    with pytest.raises(Refused, match="不能以其名义"):
        services.create_proposal(
            actor=cast.member, kind="collective", title="关于界别协商的建议", org_sector=SectorFactory(name="经贸")
        )


def test_non_member_cannot_make_an_individual_proposal(cast):
    with pytest.raises(ActionForbidden):
        services.create_proposal(actor=cast.liaison, kind="individual", title="标题")
    with pytest.raises(Refused):
        services.create_proposal(actor=cast.proposal, kind="individual", title="标题")


# Co-signing


def test_cosigner_who_is_not_a_member_is_refused_by_name(cast):
    with pytest.raises(Refused) as err:
        services.resolve_cosigner_names("member2、王某某")
    assert "“王某某”不是在任政协委员" in str(err.value.message)
    assert [m.name for m in services.resolve_cosigner_names("member2，standing")] == ["member2", "standing"]


def test_cosigner_must_be_an_active_member_with_an_account(cast):
    session()
    proposal = ProposalFactory(author=cast.member, kind="joint")
    retired = MemberFactory(name="已离任委员", is_active=False)
    with pytest.raises(Refused, match="不是在任政协委员"):
        services.set_cosigners(proposal=proposal, members=[retired], actor=cast.member)
    offline = MemberFactory(name="无账号委员")
    with pytest.raises(Refused, match="尚未开通平台账号"):
        services.set_cosigners(proposal=proposal, members=[offline], actor=cast.member)
    with pytest.raises(Refused, match="第一提案人"):
        services.set_cosigners(proposal=proposal, members=[cast.member.member], actor=cast.member)


def test_joint_proposal_cannot_be_submitted_before_cosigners_are_asked(cast):
    proposal = joint_draft(cast)
    with pytest.raises(Refused, match="须先发起联名"):
        perform(proposal, "submit", actor=cast.member)


def test_joint_proposal_waits_for_confirmation_then_counts_the_cosigner_as_proposer(cast):
    proposal = joint_draft(cast)
    perform(proposal, "invite", actor=cast.member)
    assert proposal.cosign_deadline == timezone.localdate() + timedelta(days=7)
    with pytest.raises(Refused, match="尚有1位联名人未确认"):
        perform(proposal, "submit", actor=cast.member)
    services.respond_cosign(proposal=proposal, actor=cast.other_member, accept=True)
    perform(proposal, "submit", actor=cast.member)
    assert proposal.status == Status.SUBMITTED
    assert proposer_user_ids(proposal) == {cast.member.pk, cast.other_member.pk}


def test_confirmation_after_the_deadline_is_refused(cast):
    proposal = joint_draft(cast)
    perform(proposal, "invite", actor=cast.member)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        with pytest.raises(Refused, match="联名确认已于"):
            services.respond_cosign(proposal=proposal, actor=cast.other_member, accept=True)
        # Past the deadline with nobody confirmed: the author is told to submit it as an individual one.
        with pytest.raises(Refused, match="没有联名人确认"):
            perform(proposal, "submit", actor=cast.member)


def test_only_invited_cosigners_confirm(cast):
    proposal = joint_draft(cast)
    perform(proposal, "invite", actor=cast.member)
    with pytest.raises(ActionForbidden):
        services.respond_cosign(proposal=proposal, actor=cast.standing, accept=True)


def test_recall_reopens_the_draft_and_voids_confirmations(cast):
    proposal = joint_draft(cast)
    perform(proposal, "invite", actor=cast.member)
    services.respond_cosign(proposal=proposal, actor=cast.other_member, accept=True)
    perform(proposal, "recall", actor=cast.member)
    assert proposal.status == Status.DRAFT
    assert proposal.signers.get().accepted is None


def test_autosave_refuses_a_stale_version_and_keeps_the_newer_text(cast):
    from core.exceptions import ConcurrentEdit

    session()
    proposal = ProposalFactory(author=cast.member)
    services.update_draft(proposal=proposal, actor=cast.member, expected_version=1, case="第一次保存")
    stale = Proposal.objects.get(pk=proposal.pk)
    stale.version = 1
    with pytest.raises(ConcurrentEdit):
        services.update_draft(proposal=stale, actor=cast.member, expected_version=1, case="旧页面的内容")
    proposal.refresh_from_db()
    assert (proposal.case, proposal.version) == ("第一次保存", 2)


def test_submitted_proposal_is_no_longer_editable(cast):
    proposal = submitted(cast)
    with pytest.raises(Refused, match="不能再修改"):
        services.update_draft(proposal=proposal, actor=cast.member, expected_version=proposal.version, case="x")
    with pytest.raises(ActionForbidden):
        services.update_draft(proposal=proposal, actor=cast.other_member, expected_version=1, case="x")


# Review


def test_pre_review_is_for_the_proposal_office_and_returning_needs_a_reason(cast):
    proposal = submitted(cast)
    with pytest.raises(ActionForbidden):
        perform(proposal, "pre_review", actor=cast.member)
    with pytest.raises(NoteRequired):
        perform(proposal, "return_to_draft", actor=cast.proposal)
    perform(proposal, "return_to_draft", actor=cast.proposal, note="请补充数据")
    assert proposal.status == Status.DRAFT


def test_filing_numbers_per_session(cast):
    first, second = filed(cast), filed(cast)
    assert (first.serial, second.serial) == (1, 2)
    assert first.number == "2022年14届1次第001号"
    new_session = SessionFactory(term=TermFactory(), number=2, year=2023)
    third = submitted(cast)
    Proposal.objects.filter(pk=third.pk).update(session=new_session)
    perform(third, "pre_review", actor=cast.proposal)
    perform(third, "file", actor=cast.proposal)
    assert third.serial == 1 and third.number == "2023年14届2次第001号"


def test_second_subject_is_a_reason_for_not_filing(cast):
    proposal = submitted(cast, title="关于燃气公司搬迁和老城区停车难的建议")
    perform(proposal, "pre_review", actor=cast.proposal)
    with pytest.raises(Refused, match="理由类别"):
        perform(proposal, "reject", actor=cast.proposal, note="含两个事项")
    perform(
        proposal, "reject", actor=cast.proposal, note="含两个事项，请分别提出", data={"ground": "multiple_subjects"}
    )
    assert proposal.status == Status.REJECTED
    assert proposal.get_reject_ground_display() == "一案多事，不符合一事一案要求"
    assert proposal.serial is None


def test_conversion_needs_the_proposers_consent(cast):
    proposal = submitted(cast)
    perform(proposal, "pre_review", actor=cast.proposal)
    data = {"ground": "no_suggestion", "conversion": "report"}
    with pytest.raises(Refused, match="未同意"):
        perform(proposal, "convert", actor=cast.proposal, note="建议不具体", data=data)


def test_conversion_to_a_report_lands_with_the_information_office(cast):
    proposal = submitted(cast, consents_to_conversion=True)
    perform(proposal, "pre_review", actor=cast.proposal)
    perform(
        proposal,
        "convert",
        actor=cast.proposal,
        note="建议不具体",
        data={"ground": "no_suggestion", "conversion": "report"},
    )
    report = proposal.converted_report
    assert proposal.status == Status.CONVERTED
    assert (report.status, report.author, report.source, report.title) == (
        "submitted",
        cast.member,
        proposal,
        proposal.title,
    )
    assert proposal.suggestions in report.body


def test_merged_proposal_keeps_its_author_who_rates_the_masters_reply(cast):
    master = assigned(cast)
    other = submitted(cast, author=cast.other_member)
    perform(other, "pre_review", actor=cast.proposal)
    with pytest.raises(Refused, match="请选择要并入"):
        perform(other, "merge", actor=cast.proposal, data={"master": other.pk})
    perform(other, "merge", actor=cast.proposal, data={"master": master.pk})
    assert other.status == Status.MERGED and other.merged_into == master
    assert proposer_user_ids(master) == {cast.member.pk, cast.other_member.pk}


def test_cannot_merge_into_a_proposal_that_is_not_filed(cast):
    draft_master = submitted(cast)
    other = submitted(cast)
    perform(other, "pre_review", actor=cast.proposal)
    with pytest.raises(Refused, match="已立案"):
        perform(other, "merge", actor=cast.proposal, data={"master": draft_master.pk})


# Assignment


def test_units_need_one_lead_or_two_separate_units(cast):
    proposal = filed(cast)
    with pytest.raises(Refused, match="主办单位"):
        perform(proposal, "set_units", actor=cast.proposal, data={"mode": "lead", "co": "1"})
    with pytest.raises(Refused, match="两个以上"):
        perform(
            proposal,
            "set_units",
            actor=cast.proposal,
            data={"mode": "separate", "units": str(cast.liaison.department_id)},
        )
    closed_dept = DepartmentFactory(is_active=False)
    with pytest.raises(Refused, match="停用"):
        perform(proposal, "set_units", actor=cast.proposal, data={"mode": "lead", "lead": closed_dept.pk})
    with pytest.raises(ActionForbidden):
        perform(proposal, "set_units", actor=cast.member, data={"mode": "lead", "lead": cast.liaison.department_id})


def test_assignment_starts_the_reply_clock_shorter_when_urgent(cast):
    normal, urgent = assigned(cast), assigned(cast, is_urgent=True)
    today = timezone.localdate()
    assert normal.reply_due == today + timedelta(days=90)
    assert urgent.reply_due == today + timedelta(days=30)
    assert normal.status == Status.ASSIGNED


def test_unit_may_ask_for_adjustment_within_the_window_and_the_assigner_reassigns(cast):
    proposal = assigned(cast)
    with pytest.raises(NoteRequired):
        perform(proposal, "request_return", actor=cast.liaison)
    perform(proposal, "request_return", actor=cast.liaison, note="不属于我局职责")
    perform(proposal, "accept_return", actor=cast.proposal)
    assert proposal.status == Status.TO_ASSIGN
    assert not proposal.assignments.filter(is_active=True).exists()
    with pytest.raises(Refused, match="承办单位"):
        perform(proposal, "assign", actor=cast.proposal)
    perform(
        proposal, "set_units", actor=cast.gov_office, data={"mode": "lead", "lead": cast.other_liaison.department_id}
    )
    perform(proposal, "assign", actor=cast.gov_office)
    assert proposal.assignments.get(is_active=True).department == cast.other_liaison.department
    assert proposal.assignments.get(is_active=False).return_reason == "不属于我局职责"


def test_adjustment_after_the_window_is_refused(cast):
    proposal = assigned(cast)
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        with pytest.raises(Refused, match="超过5天"):
            perform(proposal, "request_return", actor=cast.liaison, note="太晚了")


def test_assigner_may_refuse_an_adjustment_with_a_reason(cast):
    proposal = assigned(cast)
    perform(proposal, "request_return", actor=cast.liaison, note="不属于我局职责")
    perform(proposal, "refuse_return", actor=cast.proposal, note="属于教育局职责")
    assert proposal.status == Status.ASSIGNED


def test_unit_not_assigned_cannot_acknowledge(cast):
    proposal = assigned(cast)
    with pytest.raises(ActionForbidden):
        perform(proposal, "acknowledge", actor=cast.other_liaison)


def test_extension_is_capped_at_the_maximum(cast):
    proposal = in_progress(cast)
    start = timezone.localdate()
    with pytest.raises(Refused, match="晚于原期限"):
        perform(proposal, "extend", actor=cast.proposal, note="需要调研", data={"due": start.isoformat()})
    too_late = start + timedelta(days=181)
    with pytest.raises(Refused, match="180天"):
        perform(proposal, "extend", actor=cast.proposal, note="需要调研", data={"due": too_late.isoformat()})
    ok = start + timedelta(days=150)
    perform(proposal, "extend", actor=cast.proposal, note="需要调研", data={"due": ok.isoformat()})
    assert proposal.reply_due == ok and proposal.status == Status.IN_PROGRESS


def test_an_overdue_proposal_cannot_be_extended_to_a_day_already_past(cast):
    proposal = in_progress(cast)
    today = timezone.localdate()
    type(proposal).objects.filter(pk=proposal.pk).update(reply_due=today - timedelta(days=10))
    proposal.refresh_from_db()
    with pytest.raises(Refused, match="晚于今天"):
        perform(
            proposal, "extend", actor=cast.proposal, note="补办", data={"due": (today - timedelta(days=3)).isoformat()}
        )
    perform(proposal, "extend", actor=cast.proposal, note="补办", data={"due": (today + timedelta(days=7)).isoformat()})
    assert proposal.reply_due == today + timedelta(days=7)


# Handling and replies


def reply(cast, proposal, *, actor=None, code="A"):
    klass = ReplyClass.objects.filter(code=code).first() if code else None
    return services.submit_reply(
        proposal=proposal, actor=actor or cast.liaison, reply_class=klass, body="答复内容", signed_by="局长"
    )


def test_unit_replying_to_a_proposal_not_assigned_to_it_is_refused(cast):
    proposal = in_progress(cast)
    with pytest.raises(Refused, match="未交办给您所在的单位"):
        reply(cast, proposal, actor=cast.other_liaison)
    with pytest.raises(ActionForbidden):
        reply(cast, proposal, actor=cast.member)


def test_reply_without_a_class_is_refused(cast):
    proposal = in_progress(cast)
    contact(cast, proposal)
    with pytest.raises(Refused, match="请选择答复类别") as err:
        reply(cast, proposal, code=None)
    assert "reply_class" in err.value.fields


def test_reply_needs_a_recorded_contact_with_the_proposer(cast):
    proposal = in_progress(cast)
    with pytest.raises(Refused, match="沟通"):
        reply(cast, proposal)


def _contact_on(cast, proposal, day):
    from datetime import date

    return services.record_contact(
        proposal=proposal,
        actor=cast.liaison,
        method="phone",
        contacted_on=date.fromisoformat(day),
        proposer_name="member",
        summary="电话沟通",
    )


def test_a_contact_cannot_predate_the_hand_over(cast):
    """A contact counts for the reply (答复前须与提案者沟通): one dated before the unit had the proposal is refused."""
    with time_machine.travel("2022-05-10 10:00 +0800", tick=False):
        proposal = in_progress(cast)
    with time_machine.travel("2022-05-20 10:00 +0800", tick=False):
        with pytest.raises(Refused, match="沟通日期不能早于交办日期（2022-05-10）") as refused:
            _contact_on(cast, proposal, "2022-05-09")
        assert "contacted_on" in refused.value.fields
        assert not proposal.contacts.exists()
        assert _contact_on(cast, proposal, "2022-05-10").round == 1


def test_a_re_handling_rounds_contact_cannot_predate_the_decision_to_handle_again(cast):
    with time_machine.travel("2022-05-10 10:00 +0800", tick=False):
        proposal = replied(cast)
        services.rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied", reason="未回应核心问题")
    with time_machine.travel("2022-06-01 10:00 +0800", tick=False):
        perform(proposal, "rehandle", actor=cast.proposal, note="请就搬迁时间表重新答复")
    with time_machine.travel("2022-06-05 10:00 +0800", tick=False):
        # After the hand-over but before the office sent it back: it cannot count for the second round.
        with pytest.raises(Refused, match="沟通日期不能早于交重新办理的日期（2022-06-01）"):
            _contact_on(cast, proposal, "2022-05-20")
        assert _contact_on(cast, proposal, "2022-06-01").round == 2


def test_co_unit_sends_its_opinion_to_the_lead_which_replies_for_all(cast):
    proposal = in_progress(cast, co=cast.other_liaison)
    contact(cast, proposal)
    with pytest.raises(Refused, match="会办单位不直接答复"):
        reply(cast, proposal, actor=cast.other_liaison)
    with pytest.raises(Refused, match="尚未提交会办意见"):
        reply(cast, proposal)
    with pytest.raises(Refused, match="只有会办单位"):
        services.submit_opinion(proposal=proposal, actor=cast.liaison, opinion="x")
    services.submit_opinion(proposal=proposal, actor=cast.other_liaison, opinion="同意主办单位意见")
    reply(cast, proposal)
    proposal.refresh_from_db()
    assert proposal.status == Status.REVIEW


def test_separate_units_each_reply_and_review_waits_for_the_last(cast):
    proposal = filed(cast)
    units = f"{cast.liaison.department_id},{cast.other_liaison.department_id}"
    perform(proposal, "set_units", actor=cast.proposal, data={"mode": "separate", "units": units})
    perform(proposal, "assign", actor=cast.proposal)
    perform(proposal, "acknowledge", actor=cast.liaison)
    contact(cast, proposal)
    contact(cast, proposal, liaison=cast.other_liaison)
    reply(cast, proposal)
    proposal.refresh_from_db()
    assert proposal.status == Status.IN_PROGRESS
    # The other separate unit signs for the proposal itself before it replies.
    with pytest.raises(Refused, match="请先签收"):
        reply(cast, proposal, actor=cast.other_liaison, code="B")
    perform(proposal, "acknowledge_separate", actor=cast.other_liaison)
    reply(cast, proposal, actor=cast.other_liaison, code="B")
    proposal.refresh_from_db()
    assert proposal.status == Status.REVIEW
    assert proposal.replies.count() == 2


def test_office_may_change_the_class_when_approving_or_return_the_reply(cast):
    proposal = in_progress(cast)
    contact(cast, proposal)
    reply(cast, proposal, code="A")
    proposal.refresh_from_db()
    perform(proposal, "return_reply", actor=cast.proposal, note="答复过于简单")
    assert proposal.status == Status.IN_PROGRESS
    reply(cast, proposal, code="A")
    proposal.refresh_from_db()
    perform(proposal, "approve_reply", actor=cast.proposal, data={"reply_class": "B"})
    assert proposal.status == Status.REPLIED
    assert proposal.replies.get().reply_class.code == "B"


# Rating and re-handling


def test_rating_by_someone_who_is_not_a_proposer_is_refused(cast):
    proposal = replied(cast)
    with pytest.raises(ActionForbidden, match="只有提案者本人"):
        services.rate_reply(proposal=proposal, actor=cast.other_member, rating="satisfied")


def test_unsatisfied_rating_needs_a_reason_and_each_proposer_rates_once(cast):
    proposal = replied(cast)
    with pytest.raises(Refused, match="请填写理由"):
        services.rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied")
    with pytest.raises(Refused, match="请选择满意"):
        services.rate_reply(proposal=proposal, actor=cast.member, rating="great")


def test_satisfied_with_class_a_closes_and_class_b_goes_to_follow_up(cast):
    a, b = replied(cast, code="A"), replied(cast, code="B")
    services.rate_reply(proposal=a, actor=cast.member, rating="satisfied")
    services.rate_reply(proposal=b, actor=cast.member, rating="basic")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (Status.CLOSED, Status.FOLLOW_UP)
    assert a.closed_at is not None
    perform(b, "close", actor=cast.proposal, note="已列入年度计划并完成")
    assert b.status == Status.CLOSED


def test_joint_proposal_concludes_only_when_every_proposer_has_rated(cast):
    proposal = joint_draft(cast)
    perform(proposal, "invite", actor=cast.member)
    services.respond_cosign(proposal=proposal, actor=cast.other_member, accept=True)
    perform(proposal, "submit", actor=cast.member)
    perform(proposal, "pre_review", actor=cast.proposal)
    perform(proposal, "file", actor=cast.proposal)
    perform(proposal, "set_units", actor=cast.proposal, data={"mode": "lead", "lead": cast.liaison.department_id})
    perform(proposal, "assign", actor=cast.proposal)
    perform(proposal, "acknowledge", actor=cast.liaison)
    contact(cast, proposal)
    reply(cast, proposal)
    perform(proposal, "approve_reply", actor=cast.proposal)
    services.rate_reply(proposal=proposal, actor=cast.member, rating="satisfied")
    proposal.refresh_from_db()
    assert proposal.status == Status.REPLIED
    services.rate_reply(proposal=proposal, actor=cast.other_member, rating="unsatisfied", reason="没有回应搬迁时间")
    proposal.refresh_from_db()
    assert proposal.status == Status.UNSATISFIED


def test_unsatisfied_goes_back_for_one_rehandling_and_the_second_reply_is_rated_again(cast):
    proposal = replied(cast)
    services.rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied", reason="未回应核心问题")
    proposal.refresh_from_db()
    assert proposal.status == Status.UNSATISFIED
    with pytest.raises(NoteRequired):
        perform(proposal, "rehandle", actor=cast.proposal)
    perform(proposal, "rehandle", actor=cast.proposal, note="请就搬迁时间表重新答复")
    assert (proposal.status, proposal.round) == (Status.REHANDLING, 2)
    assert proposal.reply_due >= timezone.localdate() + timedelta(days=30)
    with pytest.raises(Refused, match="沟通"):
        reply(cast, proposal)
    contact(cast, proposal)
    reply(cast, proposal, code="B")
    proposal.refresh_from_db()
    perform(proposal, "approve_reply", actor=cast.proposal)
    services.rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied", reason="仍不满意")
    proposal.refresh_from_db()
    assert proposal.status == Status.UNSATISFIED
    assert ProposalRating.objects.filter(proposal=proposal).count() == 2
    with pytest.raises(Refused, match="已重新办理过"):
        perform(proposal, "rehandle", actor=cast.proposal, note="再次办理")
    perform(proposal, "close", actor=cast.proposal, note="已向提案者说明，办结")
    assert proposal.status == Status.CLOSED


def test_rehandling_keeps_a_later_reply_deadline_and_says_which_applies(cast):
    from core.models import StatusChange

    proposal = replied(cast)
    later = timezone.localdate() + timedelta(days=75)
    Proposal.objects.filter(pk=proposal.pk).update(reply_due=later)
    services.rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied", reason="未回应核心问题")
    proposal.refresh_from_db()
    perform(proposal, "rehandle", actor=cast.proposal, note="请就搬迁时间表重新答复")
    assert proposal.reply_due == later
    change = StatusChange.objects.get(object_id=proposal.pk, action="rehandle")
    assert change.note.startswith("请就搬迁时间表重新答复")
    assert f"重新办理期限：{later.isoformat()}" in change.note and "保留原期限" in change.note


def test_rehandling_after_a_past_deadline_gives_the_configured_period(cast):
    from core.models import StatusChange

    proposal = replied(cast)
    Proposal.objects.filter(pk=proposal.pk).update(reply_due=timezone.localdate() - timedelta(days=3))
    services.rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied", reason="未回应核心问题")
    proposal.refresh_from_db()
    perform(proposal, "rehandle", actor=cast.proposal, note="请重新答复")
    fresh = timezone.localdate() + timedelta(days=30)
    assert proposal.reply_due == fresh
    assert f"重新办理期限：{fresh.isoformat()}（今日起30天）" in StatusChange.objects.get(action="rehandle").note


def _offered_to_office(proposal, cast) -> set[str]:
    from core.workflow import workflow_for

    return {a.name for a in workflow_for(proposal).available(proposal, cast.proposal)}


def test_the_office_may_not_close_a_replied_proposal_while_the_proposer_may_still_rate(cast):
    with override_config(PROPOSAL_RATING_DAYS=5):
        proposal = replied(cast)
        end = (timezone.localdate(proposal.replied_at) + timedelta(days=5)).isoformat()
        assert "close" not in _offered_to_office(proposal, cast)
        with pytest.raises(Refused, match=f"委员评价期限至{end}，期满或全部评价后方可办结"):
            perform(proposal, "close", actor=cast.proposal, note="已办结")
        # The last day of the period is still the proposer's.
        with time_machine.travel(timezone.now() + timedelta(days=5)):
            with pytest.raises(Refused, match=end):
                perform(proposal, "close", actor=cast.proposal, note="已办结")
    proposal.refresh_from_db()
    assert proposal.status == Status.REPLIED
    services.rate_reply(proposal=proposal, actor=cast.member, rating="satisfied")
    proposal.refresh_from_db()
    assert proposal.status == Status.CLOSED


def test_the_office_closes_a_replied_proposal_once_the_rating_period_is_over(cast):
    with override_config(PROPOSAL_RATING_DAYS=5):
        proposal = replied(cast)
        with time_machine.travel(timezone.now() + timedelta(days=6)):
            assert "close" in _offered_to_office(proposal, cast)
            perform(proposal, "close", actor=cast.proposal, note="提案者逾期未评价，办结")
    assert proposal.status == Status.CLOSED and proposal.closed_at is not None


def test_the_rating_period_starts_again_with_the_second_rounds_reply(cast):
    proposal = replied(cast)
    services.rate_reply(proposal=proposal, actor=cast.member, rating="unsatisfied", reason="未回应核心问题")
    proposal.refresh_from_db()
    assert "close" in _offered_to_office(proposal, cast)  # from 不满意 the office closes as before
    perform(proposal, "rehandle", actor=cast.proposal, note="请重新答复")
    contact(cast, proposal)
    with time_machine.travel(timezone.now() + timedelta(days=25)):
        reply(cast, proposal)
        proposal.refresh_from_db()
        perform(proposal, "approve_reply", actor=cast.proposal)
        with pytest.raises(Refused, match="委员评价期限至"):
            perform(proposal, "close", actor=cast.proposal, note="已办结")


def test_contact_phone_on_a_reply_must_be_a_phone_number(cast):
    proposal = in_progress(cast)
    contact(cast, proposal)
    with pytest.raises(Refused, match="请填写有效的电话号码") as err:
        services.submit_reply(
            proposal=proposal,
            actor=cast.liaison,
            reply_class="A",
            body="答复内容",
            signed_by="局长",
            contact_phone="abc",
        )
    assert set(err.value.fields) == {"contact_phone"}
    row = services.submit_reply(
        proposal=proposal,
        actor=cast.liaison,
        reply_class="A",
        body="答复内容",
        signed_by="局长",
        contact_phone="0592-7031234",
    )
    assert row.contact_phone == "0592-7031234"


def test_excellent_proposal_needs_an_answer_first(cast):
    unanswered = in_progress(cast)
    with pytest.raises(Refused, match="已答复"):
        services.select_excellent(proposal=unanswered, actor=cast.proposal, year=2022)
    unanswered.refresh_from_db()
    assert not unanswered.is_excellent
    answered = replied(cast)
    services.select_excellent(proposal=answered, actor=cast.proposal, year=2022)
    answered.refresh_from_db()
    assert answered.is_excellent


def test_withdrawing_an_excellent_selection_needs_the_office_and_a_reason(cast):
    proposal = replied(cast)
    services.select_excellent(proposal=proposal, actor=cast.proposal, year=2022)
    with pytest.raises(ActionForbidden):
        services.withdraw_excellent(proposal=proposal, actor=cast.member, reason="不同意")
    with pytest.raises(Refused, match="理由") as err:
        services.withdraw_excellent(proposal=proposal, actor=cast.proposal, reason=" ")
    assert set(err.value.fields) == {"reason"}
    services.withdraw_excellent(proposal=proposal, actor=cast.proposal, reason="成效未落实")
    proposal.refresh_from_db()
    assert not proposal.is_excellent and proposal.excellent_withdrawn_reason == "成效未落实"
    with pytest.raises(Refused, match="不是优秀提案"):
        services.withdraw_excellent(proposal=proposal, actor=cast.proposal, reason="再次撤销")


def test_office_enters_a_paper_rating_on_behalf_of_a_proposer(cast):
    proposal = replied(cast)
    with pytest.raises(ActionForbidden):
        services.rate_reply(proposal=proposal, actor=cast.other_member, rating="satisfied", on_behalf_of=cast.member)
    row = services.rate_reply(proposal=proposal, actor=cast.proposal, rating="satisfied", on_behalf_of=cast.member)
    assert (row.user, row.recorded_by) == (cast.member, cast.proposal)


def test_rating_before_the_reply_is_refused(cast):
    proposal = in_progress(cast)
    with pytest.raises(Refused, match="暂不能评价"):
        services.rate_reply(proposal=proposal, actor=cast.member, rating="satisfied")


def test_conversion_leaves_a_report_linked_back(cast):
    proposal = submitted(cast, consents_to_conversion=True)
    perform(proposal, "pre_review", actor=cast.proposal)
    perform(proposal, "convert", actor=cast.proposal, note="转信息", data={"ground": "other", "conversion": "letter"})
    assert proposal.conversion == "letter" and proposal.converted_report is None
    assert not OpinionReport.objects.exists()


def test_the_proposer_is_told_when_the_proposal_is_filed_and_handed_to_its_units(
    cast, django_capture_on_commit_callbacks
):
    from notifications.models import Notification
    from proposals.tests.factories import assigned

    with django_capture_on_commit_callbacks(execute=True):
        proposal = assigned(cast)
    titles = [n.shown_title for n in Notification.objects.filter(recipient=cast.member).order_by("id")]
    assert any("有新进展" in t and str(Status.FILED.label) in t for t in titles)
    assert any("有新进展" in t and str(Status.ASSIGNED.label) in t for t in titles)
    assert proposal.status == Status.ASSIGNED


def test_the_offices_note_on_approving_a_reply_is_not_sent_to_the_proposer(cast, django_capture_on_commit_callbacks):
    from notifications.models import Notification
    from proposals.tests.factories import contact, in_progress, reply_classes

    reply_classes()
    proposal = in_progress(cast)
    contact(cast, proposal)
    services.submit_reply(
        proposal=proposal,
        actor=cast.liaison,
        reply_class=ReplyClass.objects.get(code="A"),
        body="答复如下",
        signed_by="局长",
    )
    proposal.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        perform(proposal, "approve_reply", actor=cast.proposal, note="答复规范，格式完整", data={"reply_class": "A"})
    told = Notification.objects.filter(recipient=cast.member, event_key__startswith="status:").order_by("-id").first()
    assert str(Status.REPLIED.label) in told.shown_title
    assert "答复规范" not in told.shown_body


def test_the_rating_window_is_fixed_when_the_reply_is_sent(cast):
    """A district lengthening its rating window later does not reopen windows already closed."""
    from proposals.services.feedback import rating_period_end
    from proposals.tests.factories import replied, reply_classes

    reply_classes()
    with override_config(PROPOSAL_RATING_DAYS=21):
        proposal = replied(cast)
    sent = timezone.localdate(proposal.replied_at)
    assert proposal.rating_due == sent + timedelta(days=21)
    with override_config(PROPOSAL_RATING_DAYS=90):
        assert rating_period_end(proposal) == sent + timedelta(days=21)
