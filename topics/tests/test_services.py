"""The whole path from a collection round to a published plan acknowledged by departments."""

import io
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document

from consultations.models import Attendance, Meeting, MeetingKind
from core.exceptions import ConcurrentEdit, Refused
from core.models import Attachment, StatusChange
from core.workflow import perform
from district.tests.factories import DepartmentFactory
from notifications.models import Notification
from topics.models import (
    DepartmentReceipt,
    LeaderReview,
    PlanStatus,
    PlanVote,
    SuggestionStatus,
)
from topics.services import plan as plan_services
from topics.services import publication, suggestions, votes
from topics.services.plan import open_instructions
from topics.tests.factories import fmt, sign_all, standing_present

pytestmark = pytest.mark.django_db


def test_whole_path_from_suggestion_to_acknowledged_plan(cast, django_capture_on_commit_callbacks, tmp_path):
    edu = cast.liaison.department
    # 征集: the office opens the round; members and a committee suggest topics.
    rnd = suggestions.open_round(
        year=2030, title="2030年度协商议题征集", deadline=timezone.localdate() + timedelta(days=10), actor=cast.clerk
    )
    double = suggestions.create_suggestion(
        round=rnd,
        title="落实教育“双减”政策",
        background="课后服务供给不足",
        why_now="政策落地第二年",
        suggested_format=fmt("standing"),
        departments=[edu],
        suggester=cast.member,
        submit=True,
    )
    duplicate = suggestions.create_suggestion(
        round=rnd, title="减轻学生课业负担", background="作业多", suggester=cast.other_member, submit=True
    )
    dropped = suggestions.create_suggestion(
        round=rnd, title="建设城市地标", background="想法", suggester=cast.standing, submit=True
    )
    # 务虚会: shortlist, merge the duplicate (both origins stay), reject with a reason the suggester sees.
    perform(double, "shortlist", actor=cast.clerk)
    perform(duplicate, "merge", actor=cast.clerk, data={"into": double.pk})
    with django_capture_on_commit_callbacks(execute=True):
        perform(dropped, "reject", actor=cast.clerk, note="不属于本年度协商重点")
    assert duplicate.merged_into == double
    assert [s.pk for s in suggestions.origins_of(double)] == [double.pk, duplicate.pk]
    assert dropped.rejection_reason == "不属于本年度协商重点"
    assert Notification.objects.get(recipient=cast.standing).body == "不属于本年度协商重点"
    perform(rnd, "close", actor=cast.clerk)

    # 主席会议: the draft plan with its items.
    plan = plan_services.create_plan(year=2030, title="2030年度政治协商计划", round=rnd, actor=cast.clerk)
    item = plan_services.add_item(
        plan=plan,
        actor=cast.clerk,
        title="落实教育“双减”政策",
        format=fmt("standing"),
        quarter=2,
        lead_member=cast.vice_chair.member,
        departments=[edu],
        origins=[double],
    )
    plan_services.add_item(plan=plan, actor=cast.clerk, title="提升丙洲陈化成公园品位", format=fmt("chairs"), month=9)
    double.refresh_from_db()
    assert double.status == SuggestionStatus.ADOPTED
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    assert plan.current_version.number == 1
    perform(plan, "chairs_approve_to_joint", actor=cast.chair, note="原则通过")
    assert plan.status == PlanStatus.JOINT

    # 三办联席会: the government office comments on an item; the office revises; all three sign.
    plan_services.sign_off(
        version=plan.current_version,
        actor=cast.gov_office,
        agreed=False,
        item_comments={item.pk: "建议调整到第三季度"},
    )
    with pytest.raises(Refused, match="三办会签未齐"):
        perform(plan, "joint_agree_to_leader", actor=cast.clerk)
    plan_services.update_item(item=item, expected_version=item.version, actor=cast.clerk, quarter=3)
    v2 = plan_services.cut_version(plan=plan, actor=cast.clerk, note="按政府办意见调整时间")
    sign_all(plan, cast)
    perform(plan, "joint_agree_to_leader", actor=cast.clerk)

    # 区委领导: returns with instructions, which the joint meeting sees; then approves.
    perform(plan, "leader_return_to_joint", actor=cast.party_leader, note="增加基层减负内容")
    assert plan.status == PlanStatus.JOINT
    assert open_instructions(plan).instructions == "增加基层减负内容"
    plan_services.add_item(plan=plan, actor=cast.clerk, title="社区网格化管理", format=fmt("counterpart"), quarter=4)
    v3 = plan_services.cut_version(plan=plan, actor=cast.clerk, note="落实批示")
    sign_all(plan, cast)
    perform(plan, "joint_agree_to_leader", actor=cast.clerk)
    perform(plan, "leader_approve_to_vote", actor=cast.party_leader, note="同意提交常委会")
    assert open_instructions(plan) is None
    assert list(plan.leader_reviews.values_list("decision", flat=True)) == [
        LeaderReview.Decision.RETURN,
        LeaderReview.Decision.APPROVE,
    ]

    # 常委会: a meeting with attendance and a show of hands.
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), place="区政协常委会议室")
    assert vote.meeting.kind == MeetingKind.STANDING and vote.meeting.subject == plan
    assert vote.standing_total == 3 and vote.version == v3
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    votes.close_vote(vote=vote, actor=cast.clerk)
    plan.refresh_from_db()
    vote.refresh_from_db()
    assert plan.status == PlanStatus.ADOPTED and vote.result == PlanVote.Result.PASSED
    assert vote.meeting.status == "held"
    change = StatusChange.objects.get(object_id=plan.pk, action="vote_pass_to_adopted")
    assert (change.data["present"], change.data["for"]) == (2, 2)
    assert "出席2人" in change.note

    # 发文: numbered DOCX and PDF; each related department acknowledges receipt.
    with django_capture_on_commit_callbacks(execute=True):
        perform(plan, "publish", actor=cast.party_office, data={"doc_number": "同委办〔2030〕12号"})
    assert plan.status == PlanStatus.PUBLISHED and plan.doc_number == "同委办〔2030〕12号"
    docx = publication.plan_document(plan, "docx")
    doc = Document(io.BytesIO(docx.file.read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "同委办〔2030〕12号" in text and "2030年度政治协商计划" in text
    table = doc.tables[0]
    assert [table.cell(r, 1).text for r in range(1, len(table.rows))] == [
        "落实教育“双减”政策",
        "提升丙洲陈化成公园品位",
        "社区网格化管理",
    ]
    assert table.cell(1, 3).text == "第三季度"
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(publication.plan_document(plan, "pdf").file.read())
    pdf_text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "同委办〔2030〕12号" in pdf_text and "网格化" in pdf_text
    receipt = DepartmentReceipt.objects.get(plan=plan)
    assert receipt.department == edu
    assert Notification.objects.filter(recipient=cast.liaison, object_id=plan.pk).exists()
    assert not Notification.objects.filter(recipient=cast.other_liaison).exists()
    publication.acknowledge_receipt(plan=plan, actor=cast.liaison)
    receipt.refresh_from_db()
    assert receipt.acknowledged_by == cast.liaison and receipt.acknowledged_at
    assert v2.number == 2 and plan.versions.count() == 3


def test_only_the_office_suggests_in_the_name_of_a_committee_or_sector_not_its_own(cast):
    from district.tests.factories import BodyFactory, SectorFactory

    rnd = suggestions.open_round(
        year=2030, title="2030年度协商议题征集", deadline=timezone.localdate() + timedelta(days=10), actor=cast.clerk
    )
    body, sector = BodyFactory(), SectorFactory()
    for name, value in [("body", body), ("sector", sector)]:
        with pytest.raises(Refused) as err:
            suggestions.create_suggestion(
                round=rnd, title="题", background="背景", suggester=cast.member, **{name: value}
            )
        assert name in err.value.fields
    draft = suggestions.create_suggestion(round=rnd, title="题", background="背景", suggester=cast.member)
    with pytest.raises(Refused):
        suggestions.update_suggestion(
            suggestion=draft, expected_version=draft.version, actor=cast.member, sector=sector
        )
    own = suggestions.create_suggestion(
        round=rnd, title="题", background="背景", suggester=cast.member, sector=cast.member.member.sector
    )
    assert own.sector == cast.member.member.sector
    by_office = suggestions.create_suggestion(round=rnd, title="题", background="背景", suggester=cast.clerk, body=body)
    assert by_office.body == body


def test_a_failed_vote_sends_the_plan_back_to_the_joint_meeting(cast):
    from topics.tests.factories import drive_to_vote

    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member, cast.standing.member)
    # 2 of 3 present voters for would pass; 1 for is not more than half of ALL standing members.
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=1, votes_against=1, votes_abstain=1)
    with pytest.raises(Refused, match="不能宣布通过"):
        perform(plan, "vote_pass_to_adopted", actor=cast.clerk)
    votes.close_vote(vote=vote, actor=cast.clerk)
    plan.refresh_from_db()
    vote.refresh_from_db()
    assert plan.status == PlanStatus.JOINT and vote.result == PlanVote.Result.FAILED


def test_votes_for_must_exceed_half_of_all_standing_members_not_of_those_present(cast):
    from district.tests.factories import MemberFactory
    from topics.tests.factories import drive_to_vote

    MemberFactory.create_batch(3, is_standing=True)  # 6 standing members in all
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    everyone = [p.member for p in vote.meeting.participants.select_related("member")]
    standing_present(vote, *everyone[:4])  # 4 of 6 present: quorum
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=3, votes_against=1, votes_abstain=0)
    outcome = votes.outcome_of(vote)
    assert outcome.quorum and not outcome.passed  # 3 of 4 present, but not more than 3 of 6


def test_attendance_is_recorded_on_the_shared_meeting_record(cast):
    from topics.tests.factories import drive_to_vote

    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    votes.record_attendance(
        vote=vote,
        actor=cast.clerk,
        attendance={cast.chair.member.pk: Attendance.PRESENT, cast.standing.member.pk: Attendance.DECLINED},
        reasons={cast.standing.member.pk: "出差"},
    )
    meeting = Meeting.objects.get(plan_vote=vote)
    rows = {p.member_id: (p.attendance, p.reason) for p in meeting.participants.all()}
    assert rows[cast.chair.member.pk] == (Attendance.PRESENT, "")
    assert rows[cast.standing.member.pk] == (Attendance.DECLINED, "出差")
    assert rows[cast.vice_chair.member.pk] == (Attendance.INVITED, "")


def test_online_votes_are_counted_from_members_ballots(cast):
    from topics.tests.factories import drive_to_vote

    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method=PlanVote.Method.ONLINE)
    standing_present(vote, cast.chair.member, cast.vice_chair.member, cast.standing.member)
    votes.cast_ballot(vote=vote, actor=cast.chair, choice="for")
    votes.cast_ballot(vote=vote, actor=cast.vice_chair, choice="for")
    votes.cast_ballot(vote=vote, actor=cast.standing, choice="against")
    votes.close_vote(vote=vote, actor=cast.clerk)
    vote.refresh_from_db()
    assert (vote.votes_for, vote.votes_against, vote.result) == (2, 1, PlanVote.Result.PASSED)


def test_two_clerks_editing_the_same_item_never_lose_an_edit(cast):
    from accounts.services import create_user
    from topics.tests.factories import plan_with_items

    second_clerk = create_user(username="clerk2", password=None, roles=["clerk"], full_name="李文书")
    plan = plan_with_items(cast)
    first, other = list(plan.items.order_by("order"))
    mine, theirs = type(first).objects.get(pk=first.pk), type(first).objects.get(pk=first.pk)
    plan_services.update_item(item=mine, expected_version=mine.version, actor=second_clerk, title="落实“双减”政策")
    with pytest.raises(ConcurrentEdit) as err:
        plan_services.update_item(item=theirs, expected_version=theirs.version, actor=cast.clerk, quarter=3)
    assert "李文书" in str(err.value.message)
    # Edits of different items of the same version both stand.
    plan_services.update_item(item=other, expected_version=other.version, actor=cast.clerk, month=10)
    first.refresh_from_db()
    other.refresh_from_db()
    assert (first.title, first.quarter, other.month) == ("落实“双减”政策", 2, 10)


def test_items_cannot_be_edited_once_the_plan_left_revision(cast):
    from topics.tests.factories import drive_to_vote

    plan = drive_to_vote(cast)
    item = plan.items.first()
    with pytest.raises(Refused, match="不能修改议题"):
        plan_services.update_item(item=item, expected_version=item.version, actor=cast.clerk, title="改")


def test_an_unchanged_working_copy_does_not_make_a_new_version(cast):
    from topics.tests.factories import plan_with_items

    plan = plan_with_items(cast)
    plan_services.cut_version(plan=plan, actor=cast.clerk)
    with pytest.raises(Refused, match="没有修改"):
        plan_services.cut_version(plan=plan, actor=cast.clerk)


def test_diff_between_versions_shows_added_removed_and_changed_items(cast):
    from topics.diff import diff_items
    from topics.tests.factories import plan_with_items

    plan = plan_with_items(cast)
    v1 = plan_services.cut_version(plan=plan, actor=cast.clerk)
    first, second = list(plan.items.order_by("order"))
    plan_services.update_item(item=first, expected_version=first.version, actor=cast.clerk, quarter=3)
    plan_services.delete_item(item=second, actor=cast.clerk)
    plan_services.add_item(plan=plan, actor=cast.clerk, title="粮食生产安全", format=fmt(), quarter=3)
    plan.refresh_from_db()
    v2 = plan_services.cut_version(plan=plan, actor=cast.clerk)
    rows = {r.title: r for r in diff_items(v1.items, v2.items)}
    assert rows["落实教育“双减”政策"].kind == "changed" and rows["落实教育“双减”政策"].changed == ["timing"]
    assert rows["提升丙洲陈化成公园品位"].kind == "removed"
    assert rows["粮食生产安全"].kind == "added"


def test_publication_stores_both_documents_on_the_status_change(cast):
    from topics.tests.factories import drive_to_vote

    edu = cast.liaison.department
    plan = drive_to_vote(cast, departments=[edu, DepartmentFactory(name="区财政局")])
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    votes.close_vote(vote=vote, actor=cast.clerk)
    today = timezone.localdate().isoformat()
    perform(plan, "publish", actor=cast.clerk, data={"doc_number": "同委办〔2030〕3号", "issued_on": today})
    change = StatusChange.objects.get(object_id=plan.pk, action="publish")
    kinds = set(Attachment.objects.filter(status_change=change).values_list("kind", flat=True))
    assert kinds == {"plan_docx", "plan_pdf"}
    assert str(plan.published_on) == today
    assert plan.receipts.count() == 2


def test_a_version_frozen_in_chinese_is_not_changed_for_a_clerk_working_in_english(cast):
    """The snapshot words the timing in the language of whoever froze it; reading the plan in another
    language must not make it look edited, nor block the joint meeting's final agreement."""
    from django.utils import translation

    from topics.tests.factories import plan_with_items

    plan = plan_with_items(cast)
    with translation.override("zh-hans"):
        perform(plan, "submit_to_chairs", actor=cast.clerk)
        perform(plan, "chairs_approve_to_joint", actor=cast.chair)
        sign_all(plan, cast)
    plan.refresh_from_db()
    with translation.override("en"):
        assert not plan_services.has_unversioned_changes(plan)
        with pytest.raises(Refused):
            plan_services.cut_version(plan=plan, actor=cast.clerk)
        perform(plan, "joint_agree_to_leader", actor=cast.clerk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.LEADER


def test_the_diff_words_the_timing_in_the_readers_language_whoever_froze_each_version(cast):
    from django.utils import translation

    from topics.diff import as_cells, diff_items
    from topics.tests.factories import plan_with_items

    plan = plan_with_items(cast)
    with translation.override("zh-hans"):
        v1 = plan_services.cut_version(plan=plan, actor=cast.clerk)
    plan_services.add_item(plan=plan, actor=cast.clerk, title="粮食生产安全", format=fmt(), quarter=3)
    with translation.override("en"):
        v2 = plan_services.cut_version(plan=plan, actor=cast.clerk)
        rows = {r.title: r for r in diff_items(v1.items, v2.items)}
        assert rows["落实教育“双减”政策"].kind == "same"
        assert as_cells(rows["落实教育“双减”政策"].old)["timing"] == "Q2"
    with translation.override("zh-hans"):
        rows = {r.title: r for r in diff_items(v1.items, v2.items)}
        assert as_cells(rows["粮食生产安全"].new)["timing"] == "第三季度"
        assert as_cells(rows["提升丙洲陈化成公园品位"].new)["timing"] == "9月"


def test_the_offices_are_told_the_joint_meeting_waits_for_their_sign_off(cast, django_capture_on_commit_callbacks):
    """Signing is not a workflow action, yet the plan waits for 区委办 and 区政府办 at the joint meeting:
    their message must say so, not merely that the plan moved on."""
    from topics.tests.factories import plan_with_items

    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    for office in (cast.party_office, cast.gov_office):
        assert "待您处理" in str(Notification.objects.filter(recipient=office).latest("id").title)


def test_a_new_version_at_the_joint_meeting_asks_the_offices_to_sign_again(cast, django_capture_on_commit_callbacks):
    """Sign-offs belong to a version: once the clerk freezes 第2稿 after comments, the other offices
    must learn that it waits for their signature."""
    from topics.tests.factories import plan_with_items

    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    plan.refresh_from_db()
    plan_services.sign_off(version=plan.current_version, actor=cast.party_office, agreed=False, comment="调整时间")
    item = plan.items.first()
    plan_services.update_item(item=item, expected_version=item.version, actor=cast.clerk, quarter=3)
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.cut_version(plan=plan, actor=cast.clerk, note="按区委办意见调整")
    for office in (cast.party_office, cast.gov_office):
        note = Notification.objects.filter(recipient=office, event_key__startswith="plan-version:").get()
        assert "第2稿已形成，请会签" in str(note.title) and note.body == "按区委办意见调整"
    assert not Notification.objects.filter(recipient=cast.clerk, event_key__startswith="plan-version:").exists()


def test_a_related_departments_liaison_is_told_the_published_plan_waits_for_its_receipt(
    cast, django_capture_on_commit_callbacks
):
    from topics.tests.factories import drive_to_vote

    plan = drive_to_vote(cast, departments=[cast.liaison.department])
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    votes.close_vote(vote=vote, actor=cast.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        perform(plan, "publish", actor=cast.party_office, data={"doc_number": "同委办〔2030〕5号"})
    note = Notification.objects.filter(recipient=cast.liaison, event_key__startswith="status:").latest("id")
    assert "待您处理" in str(note.title)
