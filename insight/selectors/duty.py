"""Members' duty records (委员履职档案): activities counted from what the other areas recorded, and scored.

Each counter runs one aggregate query grouped by member (never a query per member), so a ranking of
every member of the committee costs about a dozen queries whatever the number of members.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from constance.utils import get_values_for_keys
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import (
    Attendance,
    FieldVisit,
    GroupMembership,
    GroupStatus,
    InvitationResponse,
    MeetingKind,
    MeetingParticipant,
    MeetingStatus,
    Speech,
    SpeechKind,
)
from core.i18n import join_sentences
from district.models import Member
from grassroots.models import Contact, DutyIssue, IssueStatus, ReceptionDay
from insight.models import (
    ACTIVITIES,
    NOT_ACTIVITIES,
    DutyAdjustment,
    DutyQuery,
    GradeMarks,
    Item,
    ScoringRule,
    Variant,
    activity_label,
)
from opinions.selectors import adopted_in, adoption_day, members_reports, submitted_in
from proposals.models import FILED_STATES, Kind, Proposal, ProposalSigner
from proposals.models import Status as ProposalStatus

Counts = dict[int, dict[tuple[str, str], int]]  # member id -> (item, variant) -> count

ATTENDANCE_VARIANT = {
    Attendance.PRESENT: Variant.PRESENT,
    Attendance.DECLINED: Variant.EXCUSED,
    Attendance.DEPUTY: Variant.EXCUSED,
    Attendance.ABSENT: Variant.ABSENT,
}
KIND_ITEM = {
    MeetingKind.PLENARY: Item.PLENARY,
    MeetingKind.STANDING: Item.STANDING,
    MeetingKind.MICRO: Item.MICRO,
    MeetingKind.COMMUNITY: Item.COMMUNITY,
}
# The meetings whose attendance is scored present / excused / absent (micro-consultations and
# community meetings count only when attended, as their own items).
MEETING_ITEMS = (Item.PLENARY, Item.STANDING, Item.MEETING)
UNSUBMITTED_PROPOSALS = (ProposalStatus.DRAFT, ProposalStatus.COSIGNING)
# A proposal merged into another (并案) was accepted and is handled with its master: its proposers are
# credited as for a filed one (立案), not as for one not filed (不予立案).
CREDITED_AS_FILED = frozenset({*FILED_STATES, ProposalStatus.MERGED})

GRADES = {
    "excellent": _("优秀"),
    "good": _("良好"),
    "pass": _("合格"),
    "fail": _("不合格"),
}


@dataclass
class Line:
    item: str
    variant: str
    count: int
    rule: ScoringRule | None
    # The office's corrections or notes on this line (DutyAdjustment), in the order they were made.
    adjustments: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return activity_label(self.item, self.variant)

    @property
    def points(self) -> Decimal:
        """The points counted by the rule (the office's adjustments are `adjusted`, added to the total)."""
        return self.rule.score(self.count) if self.rule else Decimal(0)

    @property
    def adjusted(self) -> Decimal:
        return sum((a.points for a in self.adjustments), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.points + self.adjusted


@dataclass
class DutyRecord:
    member: Member
    year: int
    lines: list[Line] = field(default_factory=list)
    rank: int = 0
    thresholds: tuple[int, int, int] | None = None  # read once per ranking, not once per member

    @property
    def total(self) -> Decimal:
        """Every line's points, with the office's adjustments."""
        return sum((line.total for line in self.lines), Decimal(0))

    @property
    def adjusted(self) -> Decimal:
        return sum((line.adjusted for line in self.lines), Decimal(0))

    @property
    def adjustments(self) -> list:
        return [a for line in self.lines for a in line.adjustments]

    @property
    def activity_count(self) -> int:
        """Activities done, each once: meetings attended, proposals and reports submitted, groups, visits,
        duty days, contacts, issues collected; not a meeting missed nor an outcome (立案、采用 …) of an
        activity already counted (`insight.models.NOT_ACTIVITIES`)."""
        return sum(line.count for line in self.lines if (line.item, line.variant) not in NOT_ACTIVITIES)

    def count_of(self, item: str, variant: str = "") -> int:
        return next((line.count for line in self.lines if (line.item, line.variant) == (item, variant)), 0)

    @property
    def meetings_present(self) -> int:
        """Meetings attended: the plenary, the standing committee's and the others (the ranking's
        会议出席 column; the record and the export list them one by one)."""
        return sum(self.count_of(item, Variant.PRESENT) for item in MEETING_ITEMS)

    @property
    def proposals_lead(self) -> int:
        return self.count_of(Item.PROPOSAL, Variant.LEAD)

    @property
    def opinions(self) -> int:
        return self.count_of(Item.OPINION, Variant.SUBMITTED)

    @property
    def grade(self) -> str:
        return grade_for(self.total, self.thresholds)

    @property
    def grade_label(self) -> str:
        return str(GRADES[self.grade])


GRADE_KEYS = ("DUTY_GRADE_EXCELLENT", "DUTY_GRADE_GOOD", "DUTY_GRADE_PASS")


def grade_thresholds(year: int | None = None) -> tuple[int, int, int]:
    """The grade marks in force in year (this year when None): excellent, good, pass. The latest
    GradeMarks row from that year or before, else the district rules' defaults (one query each)."""
    marks = grade_marks_of(year or timezone.localdate().year)
    if marks is not None:
        return marks.excellent, marks.good, marks.passing
    values = get_values_for_keys(GRADE_KEYS)
    return tuple(int(values[k]) for k in GRADE_KEYS)


def grade_marks_of(year: int) -> GradeMarks | None:
    """The GradeMarks row in force in year, or None when the defaults apply: the latest from that year
    or before that has not ended (a row kept for past years when the defaults changed ends)."""
    return (
        GradeMarks.objects.filter(effective_year__lte=year)
        .filter(Q(until_year__isnull=True) | Q(until_year__gte=year))
        .order_by("-effective_year")
        .first()
    )


# A total is points, not a percentage: the sum of every item's points (count × points per activity,
# within the item's yearly cap). Items without a cap (proposals, reports, speeches) keep adding, so an
# active member passes 100 (the 2022 demo's best is about 170). Grades compare the total with the
# configured pass marks. Every page, export and the annual report say so with these two texts.
SCALE_LABEL = _("积分制：各项得分之和，总分不设上限")


def scale_note(thresholds: tuple[int, int, int] | None = None) -> str:
    """How to read a duty total: points summed by the rule table (not a 100-point scale), and the grade marks."""
    excellent, good, passing = thresholds or grade_thresholds()
    how = _("履职积分为各项得分之和：每项按“每次分值 × 次数”计算，设有年度上限的不超过上限；总分不设上限，不是百分制。")
    marks = _("等次分数线：优秀%(e)s分、良好%(g)s分、合格%(p)s分。") % {"e": excellent, "g": good, "p": passing}
    return join_sentences(how, marks)  # a space between them in English


def grade_for(total: Decimal, thresholds: tuple[int, int, int] | None = None) -> str:
    """The grade band of a total, by the configured thresholds."""
    excellent, good, passing = thresholds or grade_thresholds()
    if total >= excellent:
        return "excellent"
    if total >= good:
        return "good"
    if total >= passing:
        return "pass"
    return "fail"


# ---- rules -------------------------------------------------------------------------------------


def rules_for(year: int) -> dict[tuple[str, str], ScoringRule]:
    """The rule in force in year for each activity: the latest effective year not after it."""
    out: dict[tuple[str, str], ScoringRule] = {}
    for rule in ScoringRule.objects.filter(effective_year__lte=year).order_by("item", "variant", "-effective_year"):
        out.setdefault((rule.item, rule.variant), rule)
    return out


def rules_table(year: int) -> list[dict]:
    """Every activity with the rule in force in year (or None), in catalogue order, for the rules page."""
    rules = rules_for(year)
    return [
        {"item": item, "variant": variant, "label": activity_label(item, variant), "rule": rules.get((item, variant))}
        for item, variant in ACTIVITIES
    ]


# ---- counters: one aggregate query each ------------------------------------------------------


def _member_of_participant(prefix: str = ""):
    """A participant's member: the member invited, or the member record of the user invited."""
    return Coalesce(f"{prefix}member_id", f"{prefix}user__member__id")


def _restrict(qs: QuerySet, column: str, member_ids: Iterable[int] | None) -> QuerySet:
    return qs if member_ids is None else qs.filter(**{f"{column}__in": list(member_ids)})


# Each counter and the record's details read the same base query, so that a count and the list of
# what it counted cannot disagree.


def _participations(year: int) -> QuerySet:
    """Attendance rows of the year's meetings held so far (not cancelled), with the member (`mid`)."""
    return (
        MeetingParticipant.objects.filter(meeting__starts_at__year=year, meeting__starts_at__lte=timezone.now())
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .filter(attendance__in=list(ATTENDANCE_VARIANT))
        .annotate(mid=_member_of_participant())
        .filter(mid__isnull=False)
    )


def _meeting_key(kind: str, attendance: str) -> tuple[str, str] | None:
    """The (item, variant) a participation counts as, or None (a micro-consultation not attended)."""
    item = KIND_ITEM.get(kind, Item.MEETING)
    variant = ATTENDANCE_VARIANT[attendance]
    if item in (Item.MICRO, Item.COMMUNITY) and variant != Variant.PRESENT:
        return None
    return item, variant


def _count_meetings(year: int, member_ids, counts: Counts) -> None:
    qs = _participations(year)
    rows = _restrict(qs, "mid", member_ids).values("mid", "meeting__kind", "attendance")
    for row in rows.annotate(n=Count("meeting", distinct=True)).order_by():
        key = _meeting_key(row["meeting__kind"], row["attendance"])
        if key is not None:
            counts[row["mid"]][key] = counts[row["mid"]].get(key, 0) + row["n"]


def _speeches(year: int) -> QuerySet:
    return (
        Speech.objects.filter(kind=SpeechKind.SPEECH, meeting__starts_at__year=year)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .annotate(mid=_member_of_participant("participant__"))
        .filter(mid__isnull=False)
    )


def _count_speeches(year: int, member_ids, counts: Counts) -> None:
    qs = _speeches(year)
    for row in _restrict(qs, "mid", member_ids).values("mid").annotate(n=Count("id")).order_by():
        counts[row["mid"]][(Item.SPEECH, Variant.NONE)] = row["n"]


def _proposal_year(year: int, prefix: str = "") -> Q:
    """A proposal belongs to its session's year, or to the year it was submitted between sessions."""
    return Q(**{f"{prefix}session__year": year}) | Q(
        **{f"{prefix}session__isnull": True, f"{prefix}submitted_at__year": year}
    )


def _lead_proposals(year: int) -> QuerySet:
    return (
        Proposal.objects.filter(_proposal_year(year), member__isnull=False)
        .exclude(status__in=UNSUBMITTED_PROPOSALS)
        .exclude(kind=Kind.COLLECTIVE)
    )


def _joint_signatures(year: int) -> QuerySet:
    return ProposalSigner.objects.filter(_proposal_year(year, "proposal__"), accepted=True).exclude(
        proposal__status__in=UNSUBMITTED_PROPOSALS
    )


def _count_proposals(year: int, member_ids, counts: Counts) -> None:
    lead = _lead_proposals(year)
    rows = (
        _restrict(lead, "member_id", member_ids)
        .values("member_id")
        .annotate(
            n=Count("id"),
            filed=Count("id", filter=Q(status__in=CREDITED_AS_FILED)),
            key=Count("id", filter=Q(is_key=True)),
            excellent=Count("id", filter=Q(is_excellent=True)),
        )
        .order_by()
    )
    for row in rows:
        c = counts[row["member_id"]]
        c[(Item.PROPOSAL, Variant.LEAD)] = row["n"]
        c[(Item.PROPOSAL, Variant.FILED_LEAD)] = row["filed"]
        c[(Item.PROPOSAL, Variant.KEY)] = row["key"]
        c[(Item.PROPOSAL, Variant.EXCELLENT)] = row["excellent"]
    joint = _joint_signatures(year)
    rows = (
        _restrict(joint, "member_id", member_ids)
        .values("member_id")
        .annotate(
            n=Count("proposal", distinct=True),
            filed=Count("proposal", distinct=True, filter=Q(proposal__status__in=CREDITED_AS_FILED)),
        )
        .order_by()
    )
    for row in rows:
        c = counts[row["member_id"]]
        c[(Item.PROPOSAL, Variant.JOINT)] = row["n"]
        c[(Item.PROPOSAL, Variant.FILED_JOINT)] = row["filed"]


def _members_reports() -> QuerySet:
    """Members' submitted reports, each with the member it counts for (`credited_member_id`, the same
    reports as the member's dashboard and the statistics per member, `opinions.selectors`) and the day it
    was adopted (`adopted_on`, for those adopted: `opinions.selectors.adoption_day`, the rule the
    statistics per member share)."""
    return members_reports().annotate(adopted_on=adoption_day())


def _opinion_reports(year: int) -> QuerySet:
    """The reports of members submitted in year (报送)."""
    return _members_reports().filter(submitted_in(year))


def _adopted_reports(year: int) -> QuerySet:
    """The reports of members adopted in year (采用), whenever they were submitted."""
    return _members_reports().filter(adopted_in(year))


def _count_opinions(year: int, member_ids, counts: Counts) -> None:
    submitted, adopted_in_year = submitted_in(year), adopted_in(year)
    qs = _members_reports().filter(submitted | adopted_in_year)
    rows = (
        _restrict(qs, "credited_member_id", member_ids)
        .values("credited_member_id")
        .annotate(n=Count("id", filter=submitted), adopted=Count("id", filter=adopted_in_year))
        .order_by()
    )
    for row in rows:
        counts[row["credited_member_id"]][(Item.OPINION, Variant.SUBMITTED)] = row["n"]
        counts[row["credited_member_id"]][(Item.OPINION, Variant.ADOPTED)] = row["adopted"]


def _group_memberships(year: int) -> QuerySet:
    return GroupMembership.objects.filter(
        member__isnull=False, response=InvitationResponse.ACCEPTED, group__year=year
    ).exclude(group__status=GroupStatus.CANCELLED)


def _visit_memberships(year: int) -> QuerySet:
    return GroupMembership.objects.filter(member__isnull=False, visits__visited_on__year=year)


def _count_research(year: int, member_ids, counts: Counts) -> None:
    groups = _group_memberships(year)
    rows = _restrict(groups, "member_id", member_ids).values("member_id").annotate(n=Count("group", distinct=True))
    for row in rows.order_by():
        counts[row["member_id"]][(Item.RESEARCH, Variant.GROUP)] = row["n"]
    visits = _visit_memberships(year)
    rows = _restrict(visits, "member_id", member_ids).values("member_id").annotate(n=Count("visits", distinct=True))
    for row in rows.order_by():
        counts[row["member_id"]][(Item.RESEARCH, Variant.VISIT)] = row["n"]


def _duty_days(year: int) -> QuerySet:
    return ReceptionDay.on_duty.through.objects.filter(
        receptionday__date__year=year,
        receptionday__date__lte=timezone.localdate(),
        receptionday__is_cancelled=False,
    )


def _contact_members(year: int) -> QuerySet:
    return Contact.members.through.objects.filter(contact__date__year=year)


def _count_workstations(year: int, member_ids, counts: Counts) -> None:
    duty = _duty_days(year)
    for row in _restrict(duty, "member_id", member_ids).values("member_id").annotate(n=Count("id")).order_by():
        counts[row["member_id"]][(Item.RECEPTION, Variant.DUTY_DAY)] = row["n"]
    contacts = _contact_members(year)
    for row in _restrict(contacts, "member_id", member_ids).values("member_id").annotate(n=Count("id")).order_by():
        counts[row["member_id"]][(Item.RECEPTION, Variant.CONTACT)] = row["n"]


def _duty_issues(year: int) -> QuerySet:
    """Livelihood issues of the duty groups collected in year (民生问题), with the member who collected
    and recorded them (`mid`); one resolved (已办结) is also a follow-up done, in the same year."""
    return DutyIssue.objects.filter(collected_on__year=year, created_by__member__isnull=False).annotate(
        mid=F("created_by__member__id")
    )


def _count_duty_groups(year: int, member_ids, counts: Counts) -> None:
    resolved = Q(status=IssueStatus.RESOLVED)
    rows = _restrict(_duty_issues(year), "mid", member_ids).values("mid")
    for row in rows.annotate(n=Count("id"), resolved=Count("id", filter=resolved)).order_by():
        counts[row["mid"]][(Item.DUTY_GROUP, Variant.COLLECTED)] = row["n"]
        counts[row["mid"]][(Item.DUTY_GROUP, Variant.RESOLVED)] = row["resolved"]


COUNTERS = (
    _count_meetings,
    _count_speeches,
    _count_proposals,
    _count_opinions,
    _count_research,
    _count_workstations,
    _count_duty_groups,
)


def adjustments_of(year: int, member_ids: Iterable[int] | None = None) -> dict[int, list[DutyAdjustment]]:
    """The office's adjustments of year per member (one query)."""
    qs = DutyAdjustment.objects.filter(year=year).select_related("created_by").order_by("created_at", "id")
    out: dict[int, list[DutyAdjustment]] = defaultdict(list)
    for adjustment in _restrict(qs, "member_id", member_ids):
        out[adjustment.member_id].append(adjustment)
    return out


def queries_of(member: Member, year: int) -> list[DutyQuery]:
    """A member's questions about their record of year, with the answers."""
    return list(
        DutyQuery.objects.filter(member=member, year=year)
        .select_related("asked_by", "answered_by")
        .order_by("created_at", "id")
    )


def open_queries_count() -> int:
    return DutyQuery.objects.filter(answered_at__isnull=True).count()


def rule_changes(limit: int = 50) -> list:
    """The latest changes of the scoring rules and grade marks: who, when, before → after, the year it
    applies from and the reason (core.StatusChange rows written by insight.services)."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import StatusChange
    from insight.services import MARKS_CHANGED, RULE_CHANGED

    types = ContentType.objects.get_for_models(ScoringRule, GradeMarks).values()
    rows = (
        StatusChange.objects.filter(content_type__in=types, action__in=[RULE_CHANGED, MARKS_CHANGED])
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
    out = []
    for row in rows:
        data = row.data or {}
        if row.action == RULE_CHANGED:
            label = activity_label(data.get("item", ""), data.get("variant", ""))
        else:
            label = _("等次分数线（优秀/良好/合格）")
        out.append({"change": row, "label": label, "effective_year": data.get("effective_year")})
    return out


def activity_counts(year: int, member_ids: Iterable[int] | None = None) -> Counts:
    """Counted activities per member in year (all members when member_ids is None)."""
    counts: Counts = defaultdict(dict)
    ids = None if member_ids is None else list(member_ids)
    for counter in COUNTERS:
        counter(year, ids, counts)
    return counts


@dataclass
class Entry:
    """One activity behind a count in a member's record: when, what, and where to read it."""

    on: object  # a date
    title: str
    url: str = ""
    # A proposal's or a 社情民意 report's id: linked only for a viewer who may open it (`linked_for`).
    proposal_id: int | None = None
    report_id: int | None = None


def duty_details(member: Member, year: int) -> dict[tuple[str, str], list[Entry]]:
    """What each count of a member's year is made of, (item, variant) -> entries by date: the same
    base queries as the counters, one query each, whatever the number of activities."""
    out: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    seen: set[tuple] = set()
    for p in _participations(year).filter(mid=member.pk).select_related("meeting").order_by("meeting__starts_at"):
        key = _meeting_key(p.meeting.kind, p.attendance)
        if key is not None and (key, p.meeting_id) not in seen:  # counted once per meeting, as the counter does
            seen.add((key, p.meeting_id))
            out[key].append(
                Entry(timezone.localdate(p.meeting.starts_at), p.meeting.title, p.meeting.get_absolute_url())
            )
    for sp in _speeches(year).filter(mid=member.pk).select_related("meeting").order_by("meeting__starts_at", "order"):
        meeting = sp.meeting
        out[(Item.SPEECH, Variant.NONE)].append(
            Entry(timezone.localdate(meeting.starts_at), meeting.title, meeting.get_absolute_url())
        )
    for pr in _lead_proposals(year).filter(member_id=member.pk).order_by("submitted_at", "id"):
        entry = Entry(_day_of(pr.submitted_at), pr.title, pr.get_absolute_url(), proposal_id=pr.pk)
        out[(Item.PROPOSAL, Variant.LEAD)].append(entry)
        if pr.status in CREDITED_AS_FILED:
            out[(Item.PROPOSAL, Variant.FILED_LEAD)].append(entry)
        if pr.is_key:
            out[(Item.PROPOSAL, Variant.KEY)].append(entry)
        if pr.is_excellent:
            out[(Item.PROPOSAL, Variant.EXCELLENT)].append(entry)
    signed = _joint_signatures(year).filter(member_id=member.pk).select_related("proposal")
    for pr in {s.proposal_id: s.proposal for s in signed.order_by("proposal__submitted_at", "proposal_id")}.values():
        entry = Entry(_day_of(pr.submitted_at), pr.title, pr.get_absolute_url(), proposal_id=pr.pk)
        out[(Item.PROPOSAL, Variant.JOINT)].append(entry)
        if pr.status in CREDITED_AS_FILED:
            out[(Item.PROPOSAL, Variant.FILED_JOINT)].append(entry)
    for op in _opinion_reports(year).filter(credited_member_id=member.pk).order_by("submitted_at", "id"):
        entry = Entry(_day_of(op.submitted_at), op.title, op.get_absolute_url(), report_id=op.pk)
        out[(Item.OPINION, Variant.SUBMITTED)].append(entry)
    for op in _adopted_reports(year).filter(credited_member_id=member.pk).order_by("adopted_on", "id"):
        entry = Entry(op.adopted_on, op.title, op.get_absolute_url(), report_id=op.pk)
        out[(Item.OPINION, Variant.ADOPTED)].append(entry)
    # A group counts in its own year, dated when the member accepted the invitation (the lead, when the
    # group was formed); a membership entered by hand without an answer time, by the group's creation.
    groups = _group_memberships(year).filter(member_id=member.pk).select_related("group")
    joined = {m.group_id: (_day_of(m.responded_at or m.group.created_at), m.group) for m in groups}
    for on, g in sorted(joined.values(), key=lambda row: (row[0], row[1].pk)):
        out[(Item.RESEARCH, Variant.GROUP)].append(Entry(on, str(g), g.get_absolute_url()))
    visits = FieldVisit.objects.filter(
        pk__in=_visit_memberships(year).filter(member_id=member.pk).values("visits"),
        visited_on__year=year,
    ).select_related("group")
    for v in visits.order_by("visited_on", "id"):
        out[(Item.RESEARCH, Variant.VISIT)].append(Entry(v.visited_on, f"{v.group} · {v.place}", v.get_absolute_url()))
    days = _duty_days(year).filter(member_id=member.pk).select_related("receptionday__workstation")
    for d in days.order_by("receptionday__date"):
        day = d.receptionday
        out[(Item.RECEPTION, Variant.DUTY_DAY)].append(Entry(day.date, str(day.workstation), day.get_absolute_url()))
    contacts = _contact_members(year).filter(member_id=member.pk).select_related("contact__workstation")
    for c in contacts.order_by("contact__date", "contact_id"):
        contact = c.contact
        title = f"{contact.workstation} · {contact.get_kind_display()}"
        out[(Item.RECEPTION, Variant.CONTACT)].append(Entry(contact.date, title, _contact_url(contact)))
    for issue in _duty_issues(year).filter(mid=member.pk).select_related("group").order_by("collected_on", "id"):
        entry = Entry(issue.collected_on, f"{issue.group} · {issue.title}", issue.get_absolute_url())
        out[(Item.DUTY_GROUP, Variant.COLLECTED)].append(entry)
        if issue.status == IssueStatus.RESOLVED:
            out[(Item.DUTY_GROUP, Variant.RESOLVED)].append(entry)
    return dict(out)


def _contact_url(contact) -> str:
    """Where the contact counted is listed: its reception day, else the workstation's office page for its
    year (接待走访记录), not the public portal page (which lists no contacts)."""
    if contact.reception_day_id:
        return reverse("grassroots:day", args=[contact.reception_day_id])
    return reverse("grassroots:ws-office", args=[contact.workstation_id]) + f"?year={contact.date.year}"


def linked_for(viewer, details: dict[tuple[str, str], list[Entry]]) -> dict[tuple[str, str], list[Entry]]:
    """The details with the links the viewer may follow: a proposal or report the viewer may not open
    (a colleague's proposal still under review, say) is listed by title, unlinked. One query per kind."""
    from opinions.selectors import reports_visible_to
    from proposals.selectors import proposals_visible_to

    entries = [e for rows in details.values() for e in rows]
    proposal_ids = {e.proposal_id for e in entries if e.proposal_id}
    report_ids = {e.report_id for e in entries if e.report_id}
    open_proposals = (
        set(proposals_visible_to(viewer).filter(pk__in=proposal_ids).values_list("pk", flat=True))
        if proposal_ids
        else set()
    )
    open_reports = (
        set(reports_visible_to(viewer).filter(pk__in=report_ids).values_list("pk", flat=True)) if report_ids else set()
    )
    for e in entries:
        if (e.proposal_id and e.proposal_id not in open_proposals) or (e.report_id and e.report_id not in open_reports):
            e.url = ""
    return details


def _day_of(moment):
    return timezone.localdate(moment) if moment else None


def _record(member: Member, year: int, counts: dict, rules: dict, thresholds=None, adjustments=()) -> DutyRecord:
    by_line: dict[tuple[str, str], list] = defaultdict(list)
    for adjustment in adjustments:
        by_line[(adjustment.item, adjustment.variant)].append(adjustment)
    lines = [
        Line(item, variant, counts.get(key, 0), rules.get(key), by_line.get(key, []))
        for key in ACTIVITIES
        for item, variant in [key]
    ]
    return DutyRecord(member=member, year=year, lines=lines, thresholds=thresholds or grade_thresholds(year))


# ---- records and rankings --------------------------------------------------------------------


def sees_all_records(viewer) -> bool:
    """The office and the committee's leaders see every member's record and the rankings."""
    from accounts.predicates import is_cppcc_leader, is_office

    return bool(getattr(viewer, "is_authenticated", False) and (is_office(viewer) or is_cppcc_leader(viewer)))


def all_members() -> QuerySet[Member]:
    return Member.objects.select_related("sector", "party", "body", "term")


def members_visible_to(viewer) -> QuerySet[Member]:
    """Members whose duty record viewer may open: everyone for the office and leaders, else only oneself."""
    qs = all_members()
    if sees_all_records(viewer):
        return qs
    if not getattr(viewer, "is_authenticated", False):
        return qs.none()
    return qs.filter(user=viewer)


def get_member_for(viewer, pk: int) -> Member:
    """One member whose record viewer may see, else 404."""
    member = members_visible_to(viewer).filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def duty_record(member: Member, year: int) -> DutyRecord:
    """One member's year: every activity with its count, the rule in force and the points."""
    counts = activity_counts(year, [member.pk])
    adjustments = adjustments_of(year, [member.pk]).get(member.pk, [])
    return _record(member, year, counts.get(member.pk, {}), rules_for(year), adjustments=adjustments)


def ranking(viewer, year: int, *, sector=None, body=None, q: str = "") -> list[DutyRecord]:
    """Active members' records for year that viewer may see, highest total first.

    Those who see everyone's records get each member's place among all the district's active
    members: a filter (sector, committee, name) narrows the list, not the ranking, so 1st in a
    committee's list (or its export, passed around) is 1st only if 1st in the district. Others get 0."""
    everyone = members_visible_to(viewer).filter(is_active=True)
    members = everyone
    if sector:
        members = members.filter(sector=sector)
    if body:
        members = members.filter(body=body)
    if q:
        members = members.filter(name__contains=q)
    if not sees_all_records(viewer):
        # A member sees their own record only: a place among the records they see would be "1st".
        # Rankings are for those who see everyone's (the office and the leaders), as on the pages.
        records = rank(members, year)
        for record in records:
            record.rank = 0
        return records
    records = rank(everyone, year)
    if members is not everyone:
        keep = set(members.values_list("pk", flat=True))
        records = [r for r in records if r.member.pk in keep]
    return records


def filter_label(*, sector=None, body=None, q: str = "", **_other) -> str:
    """The ranking's filters in words ("专委会：提案委员会 · 姓名含“陈”"), "" when it lists everyone:
    the page and the export name them, so that a filtered list is not read as the district's."""
    parts = []
    if sector:
        parts.append(_("界别：%(v)s") % {"v": sector})
    if body:
        parts.append(_("专委会：%(v)s") % {"v": body})
    if q:
        parts.append(_("姓名含“%(v)s”") % {"v": q})
    return " · ".join(str(p) for p in parts)


# What a rank means in a filtered list (the page's note and the export's title).
FILTERED_RANK_NOTE = _("名次为在全区委员中的名次")


def rank(members: QuerySet[Member], year: int) -> list[DutyRecord]:
    """Records of the given members, highest total first, ranked (ties share a rank)."""
    members = list(members.order_by("id"))
    # Counting everyone's activities and keeping ours is cheaper than a long IN list of ids.
    counts = activity_counts(year)
    rules, thresholds = rules_for(year), grade_thresholds(year)
    adjustments = adjustments_of(year)
    records = [_record(m, year, counts.get(m.pk, {}), rules, thresholds, adjustments.get(m.pk, [])) for m in members]
    records.sort(key=lambda r: (-r.total, -r.activity_count, r.member.pk))
    previous, position = None, 0
    for i, record in enumerate(records, start=1):
        if record.total != previous:
            position, previous = i, record.total
        record.rank = position
    return records


def group_summary(records: list[DutyRecord], key) -> list[dict]:
    """Members, average and best total per group (sector or committee) of already computed records."""
    groups: dict[str, list[DutyRecord]] = defaultdict(list)
    for r in records:
        groups[str(key(r.member) or _("未分组"))].append(r)
    rows = []
    for name, items in groups.items():
        totals = [r.total for r in items]
        rows.append(
            {
                "name": name,
                "members": len(items),
                "average": (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.1")),
                "best": max(totals),
                "passed": sum(1 for r in items if r.grade != "fail"),
            }
        )
    return sorted(rows, key=lambda row: (-row["average"], row["name"]))


def duty_years() -> list[int]:
    """Years to offer in the year picker: from the first term's start to this year, newest first."""
    this_year = timezone.localdate().year
    first = Member.objects.order_by("term__start_year").values_list("term__start_year", flat=True).first()
    start = min(first or this_year, this_year)
    return list(range(this_year, start - 1, -1))


def default_duty_year() -> int:
    """The year duty records and rankings open on: the statistics dashboard's (`stats.default_year`)."""
    from insight.selectors import stats

    return stats.default_year()
