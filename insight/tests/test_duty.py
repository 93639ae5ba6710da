"""Duty records: every activity counted from the records, scored by the rules in force, ranked."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from constance.test import override_config

from consultations.models import (
    Attendance,
    FieldVisit,
    GroupMembership,
    InvitationResponse,
    MeetingKind,
    MeetingStatus,
    ResearchGroup,
)
from district.tests.factories import MemberFactory, SectorFactory
from grassroots.models import Contact
from grassroots.tests.factories import ReceptionDayFactory, WorkstationFactory, service
from insight import services
from insight.models import Item, ScoringRule, Variant
from insight.selectors import duty
from insight.tests.factories import attend, meeting, moment, speech
from opinions.models import OpinionReport
from opinions.models import Status as OpinionStatus
from proposals.models import Proposal, ProposalSigner
from proposals.models import Status as ProposalStatus

pytestmark = pytest.mark.django_db


def proposal(author, member, *, status, on=date(2022, 3, 1)):
    p = Proposal.objects.create(title="提案", author=author, member=member, status=status)
    Proposal.objects.filter(pk=p.pk).update(submitted_at=moment(on.year, on.month, on.day))
    return p


@pytest.fixture
def busy(cast):
    """cast.member's 2022, counted by hand (see the expected lines in the tests)."""
    me = cast.member.member
    clerk = cast.clerk
    # Standing committee: present once (as a user invited without a member row), on leave once.
    attend(meeting(clerk, kind=MeetingKind.STANDING, on=date(2022, 2, 1)), user=cast.member)
    attend(meeting(clerk, kind=MeetingKind.STANDING, on=date(2022, 4, 1)), member=me, attendance=Attendance.DECLINED)
    # Seven other meetings attended (capped at 10 points), one absent, one cancelled (not counted).
    for day in range(1, 8):
        p = attend(meeting(clerk, kind=MeetingKind.THEMATIC, on=date(2022, 5, day)), member=me)
    speech(p, clerk)
    speech(p, clerk)
    attend(meeting(clerk, on=date(2022, 6, 1)), member=me, attendance=Attendance.ABSENT)
    attend(meeting(clerk, on=date(2022, 6, 2), status=MeetingStatus.CANCELLED), member=me)
    # A micro-consultation and a meeting of another year.
    attend(meeting(clerk, kind=MeetingKind.MICRO, on=date(2022, 7, 1), status=MeetingStatus.PLANNED), member=me)
    attend(meeting(clerk, on=date(2021, 7, 1)), member=me)
    # Proposals: two as lead (one filed, one rejected), a draft (not counted), one co-signed and filed.
    proposal(cast.member, me, status=ProposalStatus.FILED)
    proposal(cast.member, me, status=ProposalStatus.REJECTED)
    proposal(cast.member, me, status=ProposalStatus.DRAFT)
    other = proposal(cast.other_member, cast.other_member.member, status=ProposalStatus.CLOSED)
    ProposalSigner.objects.create(proposal=other, member=me, user=cast.member, accepted=True)
    # Opinion reports: three submitted, one adopted upstream.
    for status in (OpinionStatus.SUBMITTED, OpinionStatus.NOT_ADOPTED, OpinionStatus.ADOPTED_UPPER):
        r = OpinionReport.objects.create(title="信息", body="正文", author=cast.member, member=me, status=status)
        OpinionReport.objects.filter(pk=r.pk).update(submitted_at=moment(2022, 8, 1))
    # Research: one group accepted, two field visits.
    group = ResearchGroup.objects.create(title="课题", year=2022, lead=cast.vice_chair.member, created_by=clerk)
    row = GroupMembership.objects.create(group=group, member=me, name=me.name, response=InvitationResponse.ACCEPTED)
    for day in (3, 4):
        FieldVisit.objects.create(
            group=group, visited_on=date(2022, 9, day), place="学校", notes="记录", created_by=clerk
        ).participants.add(row)
    # Workstation: three duty days (one cancelled), two contacts.
    ws = WorkstationFactory()
    for day, cancelled in ((10, False), (11, False), (12, True)):
        ReceptionDayFactory(workstation=ws, date=date(2022, 10, day), is_cancelled=cancelled).on_duty.add(me)
    for day in (10, 11):
        Contact.objects.create(
            workstation=ws,
            kind="reception",
            date=date(2022, 10, day),
            service=service("policy"),
            summary="接待",
            recorded_by=clerk,
        ).members.add(me)
    return me


EXPECTED_2022 = {
    (Item.STANDING, Variant.PRESENT): (1, Decimal("0")),
    (Item.STANDING, Variant.EXCUSED): (1, Decimal("-2")),
    (Item.MEETING, Variant.PRESENT): (7, Decimal("10")),  # 7 × 2 = 14, capped at 10
    (Item.MEETING, Variant.ABSENT): (1, Decimal("0")),
    (Item.SPEECH, Variant.NONE): (2, Decimal("10")),
    (Item.PROPOSAL, Variant.LEAD): (2, Decimal("20")),
    (Item.PROPOSAL, Variant.FILED_LEAD): (1, Decimal("15")),
    (Item.PROPOSAL, Variant.JOINT): (1, Decimal("5")),
    (Item.PROPOSAL, Variant.FILED_JOINT): (1, Decimal("7.5")),
    (Item.OPINION, Variant.SUBMITTED): (3, Decimal("30")),
    (Item.OPINION, Variant.ADOPTED): (1, Decimal("5")),
    (Item.RESEARCH, Variant.GROUP): (1, Decimal("2")),
    (Item.RESEARCH, Variant.VISIT): (2, Decimal("4")),
    (Item.RECEPTION, Variant.DUTY_DAY): (2, Decimal("4")),
    (Item.RECEPTION, Variant.CONTACT): (2, Decimal("4")),
    (Item.MICRO, Variant.PRESENT): (1, Decimal("2")),
}


def test_every_activity_is_counted_and_scored_by_the_default_rules(busy):
    record = duty.duty_record(busy, 2022)
    counted = {(line.item, line.variant): (line.count, line.points) for line in record.lines if line.count}
    assert counted == EXPECTED_2022
    assert record.total == sum(points for _count, points in EXPECTED_2022.values()) == Decimal("116.5")
    assert record.grade == "excellent"


def test_each_count_of_a_record_lists_the_activities_it_counted(busy, django_assert_max_num_queries):
    """A member checks a score line by line: every count comes with exactly the records behind it."""
    record = duty.duty_record(busy, 2022)
    with django_assert_max_num_queries(12):
        details = duty.duty_details(busy, 2022)
    for line in record.lines:
        assert len(details.get((line.item, line.variant), [])) == line.count, line.label
    visits = details[(Item.RESEARCH, Variant.VISIT)]
    assert [(e.on, e.title) for e in visits] == [(date(2022, 9, 3), "课题 · 学校"), (date(2022, 9, 4), "课题 · 学校")]
    assert all(e.url for entries in details.values() for e in entries)
    assert duty.duty_details(busy, 2023) == {}


def test_other_years_are_counted_apart(busy):
    record = duty.duty_record(busy, 2021)
    assert record.count_of(Item.MEETING, Variant.PRESENT) == 1
    assert record.activity_count == 1
    assert record.total == Decimal("2")


def test_a_new_rule_applies_from_its_year_and_leaves_earlier_years_alone(busy, cast):
    services.set_scoring_rule(
        item=Item.SPEECH,
        variant="",
        points=Decimal("8"),
        cap=Decimal("12"),
        effective_year=2022,
        actor=cast.clerk,
        reason="主席会议决定",
    )
    assert duty.duty_record(busy, 2022).total == Decimal("116.5") - 10 + 12
    assert duty.rules_for(2021)[(Item.SPEECH, "")].points == Decimal("5")
    rule = ScoringRule.objects.get(item=Item.SPEECH, effective_year=2022)
    assert rule.history.first().history_user == cast.clerk


def test_a_cap_on_deductions_limits_the_loss(cast):
    rule = ScoringRule(
        item=Item.STANDING, variant=Variant.ABSENT, points=Decimal("-5"), cap=Decimal("8"), effective_year=2022
    )
    assert rule.score(1) == Decimal("-5")
    assert rule.score(3) == Decimal("-8")


def test_a_deduction_never_counted_scores_zero_not_minus_zero(cast):
    rule = ScoringRule(item=Item.STANDING, variant=Variant.EXCUSED, points=Decimal("-2.0"), effective_year=2022)
    assert str(rule.score(0)) == "0.0"
    capped = ScoringRule(
        item=Item.STANDING, variant=Variant.ABSENT, points=Decimal("-5.0"), cap=Decimal("8"), effective_year=2022
    )
    assert str(capped.score(0)) == "0.0"


def test_only_the_office_sets_rules(cast):
    from core.exceptions import ActionForbidden

    with pytest.raises(ActionForbidden):
        services.set_scoring_rule(
            item="speech", variant="", points=Decimal(1), cap=None, effective_year=2022, actor=cast.chair, reason="x"
        )


def test_grades_follow_the_configured_thresholds():
    assert duty.grade_for(Decimal(90)) == "excellent"
    assert duty.grade_for(Decimal("89.9")) == "good"
    assert duty.grade_for(Decimal(60)) == "pass"
    assert duty.grade_for(Decimal("59.5")) == "fail"
    with override_config(DUTY_GRADE_PASS=50):
        assert duty.grade_for(Decimal(55)) == "pass"


def test_raising_the_grade_marks_from_a_year_leaves_earlier_years_graded_as_they_were(busy, cast, client):
    """116.5 points in 2022 is 优秀 by the default marks; marks raised from 2023 on do not change that."""
    from insight import services

    assert duty.duty_record(busy, 2022).grade == "excellent"
    client.force_login(cast.clerk)
    form = {
        "excellent": 150,
        "good": 120,
        "passing": 80,
        "effective_year": 2023,
        "note": "新考核办法",
        "reason": "新考核办法",
    }
    assert client.post("/insight/rules/grades/edit/", {**form, "good": 160}).status_code == 400  # out of order
    assert client.post("/insight/rules/grades/edit/", form).status_code == 302
    assert duty.duty_record(busy, 2022).grade == "excellent"
    assert duty.grade_thresholds(2023) == duty.grade_thresholds(2030) == (150, 120, 80)
    assert duty.grade_for(Decimal("116.5"), duty.grade_thresholds(2023)) == "pass"
    page = client.get("/insight/rules/?year=2023").content.decode()
    assert "优秀150分、良好120分、合格80分" in page and "自2023年度起" in page
    from core.exceptions import ActionForbidden

    with pytest.raises(ActionForbidden):  # not the chair's to set: leaders read them
        services.set_grade_marks(excellent=100, good=90, passing=70, effective_year=2024, actor=cast.chair, reason="x")


def test_ranking_orders_by_total_and_ties_share_a_rank(busy, cast):
    sector = SectorFactory(name="经济界")
    a = MemberFactory(name="甲", sector=sector, term=busy.term)
    b = MemberFactory(name="乙", sector=sector, term=busy.term)
    for m in (a, b):
        attend(meeting(cast.clerk, on=date(2022, 11, 1)), member=m)
    records = duty.ranking(cast.clerk, 2022)
    assert records[0].member == busy and records[0].rank == 1
    tied = [r for r in records if r.member in (a, b)]
    assert [r.total for r in tied] == [Decimal(2), Decimal(2)] and tied[0].rank == tied[1].rank
    only_sector = duty.ranking(cast.clerk, 2022, sector=sector)
    assert {r.member for r in only_sector} == {a, b}
    # A member lists their own record only: not ranked "1st" among one.
    own = duty.ranking(cast.member, 2022)
    assert [(r.member, r.rank) for r in own] == [(busy, 0)]


def test_ranking_costs_the_same_queries_for_many_members(busy, cast, django_assert_max_num_queries):
    # 15, and the duty-group issues counted and the office's adjustments read: one query each.
    with django_assert_max_num_queries(17) as few:
        duty.ranking(cast.clerk, 2022)
    for i in range(40):
        m = MemberFactory(name=f"委员{i}", term=busy.term)
        attend(meeting(cast.clerk, on=date(2022, 3, 1) + timedelta(days=i)), member=m)
    with django_assert_max_num_queries(len(few.captured_queries)):
        records = duty.ranking(cast.clerk, 2022)
    assert len(records) > 40


def test_members_see_only_their_own_record(cast):
    assert list(duty.members_visible_to(cast.member)) == [cast.member.member]
    assert duty.members_visible_to(cast.liaison).count() == 0
    assert duty.members_visible_to(cast.clerk).count() == duty.members_visible_to(cast.chair).count() > 1


def test_a_record_links_only_the_proposals_and_reports_its_viewer_may_open(cast, client):
    """The information office reads every member's record, but not the proposals themselves: their
    titles are listed (a count must be checkable), without links that would only answer 404."""
    from django.urls import reverse

    me = cast.member.member
    under_review = proposal(cast.member, me, status=ProposalStatus.SUBMITTED)
    filed = proposal(cast.member, me, status=ProposalStatus.FILED)
    Proposal.objects.filter(pk=filed.pk).update(title="加快老旧小区加装电梯")
    url = reverse("insight:duty-member", args=[me.pk]) + "?year=2022"
    client.force_login(cast.info)
    page = client.get(url).content.decode()
    assert "加快老旧小区加装电梯" in page
    assert f'href="{filed.get_absolute_url()}"' not in page
    assert f'href="{under_review.get_absolute_url()}"' not in page
    assert client.get(filed.get_absolute_url()).status_code == 404
    # The member himself opens both.
    client.force_login(cast.member)
    page = client.get(url).content.decode()
    assert f'href="{filed.get_absolute_url()}"' in page and f'href="{under_review.get_absolute_url()}"' in page


# ---- dates of 社情民意 adoptions and research groups ----------------------------------------------


def test_an_adoption_counts_in_the_year_of_its_publication_dated_so(cast, client, time_machine):
    """A report sent in December and published in the district bulletin (采用) in January: submitted
    in the old year, adopted in the new one, and the record's 采用 line carries the bulletin's day."""
    from core.workflow import perform
    from opinions.tests.factories import received

    me = cast.member.member
    time_machine.move_to(moment(2022, 12, 28), tick=False)
    report = received(cast, title="关于农村留守老人助餐服务覆盖不足的问题")
    time_machine.move_to(moment(2023, 1, 6), tick=False)
    perform(report, "sign_off", actor=cast.secgen)
    perform(report, "publish", actor=cast.info)

    old, new = duty.duty_record(me, 2022), duty.duty_record(me, 2023)
    assert (old.count_of(Item.OPINION, Variant.SUBMITTED), old.count_of(Item.OPINION, Variant.ADOPTED)) == (1, 0)
    assert (new.count_of(Item.OPINION, Variant.SUBMITTED), new.count_of(Item.OPINION, Variant.ADOPTED)) == (0, 1)
    assert new.total == Decimal("5") and old.total == Decimal("10")
    assert [r.count_of(Item.OPINION, Variant.ADOPTED) for r in duty.ranking(cast.clerk, 2023) if r.member == me] == [1]
    submitted = duty.duty_details(me, 2022)[(Item.OPINION, Variant.SUBMITTED)]
    assert [(e.on, e.title) for e in submitted] == [(date(2022, 12, 28), "关于农村留守老人助餐服务覆盖不足的问题")]
    assert (Item.OPINION, Variant.ADOPTED) not in duty.duty_details(me, 2022)
    adopted = duty.duty_details(me, 2023)[(Item.OPINION, Variant.ADOPTED)]
    assert [(e.on, e.title) for e in adopted] == [(date(2023, 1, 6), "关于农村留守老人助餐服务覆盖不足的问题")]
    client.force_login(cast.member)
    page = client.get(f"/insight/duty/{me.pk}/?year=2023").content.decode()
    assert "2023-01-06 <a" in page


def test_a_research_group_is_dated_by_the_members_acceptance(cast, time_machine):
    from consultations import services

    me = cast.member.member
    time_machine.move_to(moment(2022, 3, 28), tick=False)
    group = services.create_research_group(
        title="落实教育“双减”政策", year=2022, lead=cast.chair.member, actor=cast.research
    )
    row = services.invite_to_group(group=group, actor=cast.research, member=me)
    time_machine.move_to(moment(2022, 3, 30), tick=False)
    services.respond_to_group_invitation(membership=row, actor=cast.member, accept=True)
    time_machine.move_to(moment(2022, 4, 2), tick=False)
    entries = duty.duty_details(me, 2022)[(Item.RESEARCH, Variant.GROUP)]
    assert [(e.on, e.title) for e in entries] == [(date(2022, 3, 30), "落实教育“双减”政策")]
    lead = duty.duty_details(cast.chair.member, 2022)[(Item.RESEARCH, Variant.GROUP)]
    assert [e.on for e in lead] == [date(2022, 3, 28)]  # the lead is in the group from its creation
    # A membership without an answer time (entered by hand) is dated by the group's creation.
    GroupMembership.objects.filter(pk=row.pk).update(responded_at=None)
    assert [e.on for e in duty.duty_details(me, 2022)[(Item.RESEARCH, Variant.GROUP)]] == [date(2022, 3, 28)]


def test_the_rules_page_says_in_which_year_an_adoption_counts(cast, client):
    client.force_login(cast.clerk)
    page = client.get("/insight/rules/?year=2023").content.decode()
    assert "“采用”计入编发《社情民意》（即采用）当年" in page
