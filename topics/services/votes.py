"""The standing committee's vote on the plan (常委会表决), on the shared consultations.Meeting record.

Rule (政协章程, domain.md): the meeting needs more than half of ALL standing members present, and
the plan passes with the votes of more than half of ALL standing members. The fractions are
`config.STANDING_QUORUM_FRACTION` and `config.STANDING_PASS_FRACTION`.
"""

from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction

from constance import config
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.predicates import is_clerk
from consultations.models import Attendance, MeetingKind, MeetingParticipant, MeetingStatus, ParticipantRole
from consultations.selectors import meeting_day_reached, meeting_has_begun
from consultations.services.meetings import create_meeting
from core.exceptions import ActionForbidden, Refused, passes
from core.i18n import join_list, recorded
from core.services import record_status_change
from core.workflow import perform
from district.models import Member
from notifications.services import notify
from topics import chain
from topics.models import Ballot, ConsultationPlan, PlanStatus, PlanVote, VoteChoice
from topics.services.plan import missing_signoffs

RECORDABLE = (Attendance.PRESENT, Attendance.ABSENT, Attendance.DECLINED)


def standing_members():
    """All current standing-committee members: the base of quorum and majority."""
    return Member.objects.filter(is_standing=True, is_active=True)


def lacks_account(member: Member) -> bool:
    """A standing member who cannot sign in (no account, or a disabled one) cannot vote online
    himself: if present, he votes on a paper ballot the office enters (`record_paper_ballot`)."""
    return member.user_id is None or not member.user.is_active


def standing_without_account():
    """The standing members who cannot vote online themselves (`lacks_account`)."""
    return standing_members().filter(Q(user__isnull=True) | Q(user__is_active=False)).order_by("pk")


def online_vote_warning() -> str:
    """What the clerk is told when choosing (or running) an online vote while some standing members
    cannot sign in; empty when every standing member can vote online."""
    names = list(standing_without_account().values_list("name", flat=True))
    if not names:
        return ""
    return _(
        "%(n)s位常委没有可登录的账号（%(names)s），不能自行在线表决，但出席会议时计入到会人数。"
        "选择委员在线表决时，请在会上收取其书面表决票，由政协办公室在表决页面代为录入。"
    ) % {"n": len(names), "names": join_list(names)}


def more_than(count: int, total: int, fraction: str) -> bool:
    """count > fraction × total (a fraction such as "0.5" or "2/3")."""
    return Fraction(count) > Fraction(str(fraction)) * total


def needed(total: int, fraction: str) -> int:
    """The smallest count that is more than fraction × total."""
    n = 0
    while not more_than(n, total, fraction):
        n += 1
    return n


@dataclass
class VoteOutcome:
    total: int
    present: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    ready: bool  # votes have been recorded (a tally, or at least one ballot)
    quorum_fraction: str = "0.5"
    pass_fraction: str = "0.5"

    @property
    def quorum(self) -> bool:
        return more_than(self.present, self.total, self.quorum_fraction)

    @property
    def passed(self) -> bool:
        return self.quorum and more_than(self.votes_for, self.total, self.pass_fraction)

    @property
    def quorum_needed(self) -> int:
        return needed(self.total, self.quorum_fraction)

    @property
    def pass_needed(self) -> int:
        return needed(self.total, self.pass_fraction)


def rule_of(vote: PlanVote) -> tuple[str, str]:
    """The quorum and pass fractions the vote is decided by: those in force when it was opened."""
    return (
        vote.quorum_fraction or str(config.STANDING_QUORUM_FRACTION),
        vote.pass_fraction or str(config.STANDING_PASS_FRACTION),
    )


def outcome_of(vote: PlanVote) -> VoteOutcome:
    """Attendance and votes of one vote, from the clerk's tally or the members' ballots."""
    present = vote.meeting.participants.filter(attendance=Attendance.PRESENT).count()
    if vote.method == PlanVote.Method.ONLINE and not vote.tally_recorded:
        counts = vote.ballots.aggregate(
            f=Count("id", filter=Q(choice=VoteChoice.FOR)),
            a=Count("id", filter=Q(choice=VoteChoice.AGAINST)),
            s=Count("id", filter=Q(choice=VoteChoice.ABSTAIN)),
        )
        return VoteOutcome(
            vote.standing_total, present, counts["f"], counts["a"], counts["s"], any(counts.values()), *rule_of(vote)
        )
    return VoteOutcome(
        vote.standing_total,
        present,
        vote.votes_for or 0,
        vote.votes_against or 0,
        vote.votes_abstain or 0,
        vote.tally_recorded,
        *rule_of(vote),
    )


def open_vote_of(plan: ConsultationPlan) -> PlanVote | None:
    return plan.votes.select_related("meeting").filter(closed_at__isnull=True).first()


def open_vote_outcome(plan: ConsultationPlan) -> VoteOutcome | None:
    vote = open_vote_of(plan)
    return outcome_of(vote) if vote else None


def _quorum_refusal(outcome: VoteOutcome) -> Refused:
    return Refused(
        _("出席常委%(present)s人，未达到表决所需的到会人数（全体常委%(total)s人，至少需%(needed)s人），不能表决。")
        % {"present": outcome.present, "total": outcome.total, "needed": outcome.quorum_needed}
    )


@transaction.atomic
def open_vote(
    *, plan: ConsultationPlan, actor, starts_at, method: str = PlanVote.Method.HANDS, place: str = "", title: str = ""
) -> PlanVote:
    """Put the plan's current version to a standing-committee meeting; every standing member is invited."""
    if not is_clerk(actor):
        raise ActionForbidden(_("只有政协办公室可以组织常委会表决。"))
    plan = ConsultationPlan.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=plan.pk)
    if plan.status != PlanStatus.VOTE:
        raise Refused(_("计划当前为“%(state)s”，尚未提交常委会表决。") % {"state": plan.get_status_display()})
    if chain.requires_signoffs():
        missing = missing_signoffs(plan.current_version)
        if missing:
            raise Refused(
                _("计划%(version)s缺少三办会签（尚缺%(offices)s），不能交付表决。")
                % {"version": plan.current_version or "", "offices": join_list(missing)}
            )
    if plan.votes.filter(closed_at__isnull=True).exists():
        raise Refused(_("该计划已有正在进行的表决。"))
    if method not in PlanVote.Method.values:
        raise ValidationError({"method": _("请选择表决方式。")})
    meeting = create_meeting(
        kind=MeetingKind.STANDING,
        title=title or recorded(gettext_lazy("常委会会议：审议%(plan)s"), {"plan": plan}),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        place=place,
        agenda=recorded(gettext_lazy("审议并表决%(plan)s"), {"plan": plan}),
        subject=plan,
        conveners=recorded(gettext_lazy("区政协办公室")),
        actor=actor,
    )
    members = list(standing_members().select_related("user"))
    MeetingParticipant.objects.bulk_create(
        MeetingParticipant(meeting=meeting, role=ParticipantRole.MEMBER, member=m, user=m.user, name=m.name)
        for m in members
    )
    vote = PlanVote(
        plan=plan,
        version=plan.current_version,
        meeting=meeting,
        method=method,
        standing_total=len(members),
        quorum_fraction=str(config.STANDING_QUORUM_FRACTION),
        pass_fraction=str(config.STANDING_PASS_FRACTION),
        opened_by=actor,
    )
    vote._history_user = actor
    vote.save()
    if method == PlanVote.Method.ONLINE:
        users = [m.user for m in members if m.user_id]
        transaction.on_commit(lambda: _announce_online_vote(vote, users))
    return vote


def _announce_online_vote(vote: PlanVote, users) -> None:
    """Tell the standing members who can vote online when and where the vote is taken, linking to
    the vote's page: the ballot opens there when the meeting begins, for those recorded present."""
    meeting = vote.meeting
    notify(
        recipients=users,
        event_key=f"plan-vote:{vote.pk}",
        title=gettext_lazy("常委会会议将于%(when)s审议并在线表决%(plan)s"),
        body=gettext_lazy(
            "会议时间：%(when)s\n会议地点：%(place)s\n表决方式：委员在线表决\n"
            "会议开始后，经登记出席的常委在表决页面提交表决意见；会前不能表决。"
        ),
        params={
            "plan": vote.plan,
            "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
            "place": meeting.place or gettext_lazy("地点另行通知"),
        },
        target=vote,
    )


def before_meeting_message(vote: PlanVote) -> str:
    """Why nothing of the vote can be recorded yet: its meeting has not begun."""
    return _("常委会会议定于%(time)s开始，会议开始后才能表决。") % {
        "time": timezone.localtime(vote.meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    }


def attendance_day_message(vote: PlanVote) -> str:
    """Why attendance cannot be recorded yet: members sign in on the meeting's day, not before."""
    return _("常委会会议定于%(date)s召开，会议当天才能登记出席情况。") % {
        "date": timezone.localtime(vote.meeting.starts_at).strftime("%Y-%m-%d")
    }


def _require_open(vote: PlanVote, *, signing_in: bool = False) -> PlanVote:
    """The vote, locked, still open and its meeting begun: a show of hands and online ballots are
    taken at the standing-committee meeting, never ahead of it (not even that morning). Attendance
    (`signing_in`) is recorded from the meeting's day on, as members sign in at the door."""
    vote = PlanVote.objects.select_for_update(of=("self",)).select_related("meeting", "plan").get(pk=vote.pk)
    if not vote.is_open:
        raise Refused(_("该次表决已宣布结果。"))
    if signing_in:
        if not meeting_day_reached(vote.meeting):
            raise Refused(attendance_day_message(vote))
    elif not meeting_has_begun(vote.meeting):
        raise Refused(before_meeting_message(vote))
    return vote


def attendance_locked(vote: PlanVote) -> bool:
    """Attendance is fixed once voting has started: a ballot cast or the tally entered."""
    return vote.tally_recorded or vote.ballots.exists()


@transaction.atomic
def record_attendance(*, vote: PlanVote, actor, attendance: dict[int, str], reasons: dict | None = None) -> int:
    """Record who came (member id → present/absent/declined) before the voting starts."""
    if not is_clerk(actor):
        raise ActionForbidden(_("只有政协办公室可以登记出席情况。"))
    vote = _require_open(vote, signing_in=True)
    if attendance_locked(vote):
        raise Refused(_("表决已经开始，不能再修改出席情况。"))
    reasons = reasons or {}
    now = timezone.now()
    changed = 0
    for participant in vote.meeting.participants.filter(member_id__in=attendance):
        status = attendance[participant.member_id]
        if status not in RECORDABLE:
            raise ValidationError({"attendance": _("出席情况只能是出席、缺席或请假。")})
        participant.attendance = status
        participant.reason = (reasons.get(participant.member_id) or "")[:200] if status == Attendance.DECLINED else ""
        participant.checked_in_at = now if status == Attendance.PRESENT else None
        participant.save(update_fields=["attendance", "reason", "checked_in_at"])
        changed += 1
    return changed


@transaction.atomic
def record_tally(*, vote: PlanVote, actor, votes_for: int, votes_against: int, votes_abstain: int) -> PlanVote:
    """The clerk enters the counts of a show of hands, once."""
    if not is_clerk(actor):
        raise ActionForbidden(_("只有政协办公室可以录入表决结果。"))
    vote = _require_open(vote)
    if vote.tally_recorded:
        raise Refused(_("本次表决结果已经录入，不能重复录入。"))
    if vote.method == PlanVote.Method.ONLINE:
        raise Refused(_("本次为委员在线表决，票数按委员投票自动统计，不能另行录入。"))
    outcome = outcome_of(vote)
    if not outcome.quorum:
        raise _quorum_refusal(outcome)
    counts = [votes_for, votes_against, votes_abstain]
    if any(c is None or c < 0 for c in counts):
        raise ValidationError({"votes_for": _("票数须为不小于0的整数。")})
    if sum(counts) > outcome.present:
        raise ValidationError(
            {
                "votes_for": _("票数合计%(sum)s超过出席人数%(present)s。")
                % {"sum": sum(counts), "present": outcome.present}
            }
        )
    vote.votes_for, vote.votes_against, vote.votes_abstain = counts
    vote.tally_recorded_by = actor
    vote._history_user = actor
    vote.save()
    return vote


def guard_ballot(vote: PlanVote, member: Member, *, on_paper: bool = False) -> None:
    """Whether the member's ballot can be taken now: the one rule of the ballot form offered (to the
    member, or to the office for a paper ballot) and of the ballot accepted. The vote is open online,
    its meeting has begun, the member is recorded present and has not voted, and the attendance
    reaches the quorum. A paper ballot is for a member who cannot sign in (`lacks_account`)."""
    if not vote.is_open:
        raise Refused(_("该次表决已宣布结果。"))
    if vote.method != PlanVote.Method.ONLINE:
        raise Refused(_("本次表决为举手表决，由工作人员录入结果。"))
    if not meeting_has_begun(vote.meeting):
        raise Refused(before_meeting_message(vote))
    if vote.ballots.filter(member=member).exists():
        if on_paper:
            raise Refused(_("%(name)s已经表决，不能重复录入。") % {"name": member.name})
        raise Refused(_("您已经投过票，不能重复投票。"))
    if on_paper and not lacks_account(member):
        raise Refused(_("%(name)s有登录账号，请其本人在线表决。") % {"name": member.name})
    attendance = vote.meeting.participants.filter(member=member).values_list("attendance", flat=True).first()
    if attendance != Attendance.PRESENT:
        if attendance in RECORDABLE or attendance is None:
            if on_paper:
                raise Refused(_("%(name)s未登记出席本次会议，不能表决。") % {"name": member.name})
            raise Refused(_("您未登记出席本次会议，不能表决。"))
        raise Refused(_("出席情况尚未登记，工作人员登记出席后才能表决。"))
    outcome = outcome_of(vote)
    if not outcome.quorum:
        raise Refused(
            _("出席人数未达到法定人数，暂不能表决（出席常委%(present)s人，全体常委%(total)s人，至少需%(needed)s人）。")
            % {"present": outcome.present, "total": outcome.total, "needed": outcome.quorum_needed}
        )


def ballot_refusal(vote: PlanVote, member: Member) -> str | None:
    """Why the member cannot vote online now (`guard_ballot`), or None when the ballot form is offered."""
    try:
        guard_ballot(vote, member)
    except Refused as exc:
        return str(exc.message)
    return None


def paper_ballot_members(vote: PlanVote) -> list[Member]:
    """Present members whose paper ballot the office may enter now (`guard_ballot` on paper)."""
    if not vote.is_open or vote.method != PlanVote.Method.ONLINE:
        return []
    present = Member.objects.filter(
        meeting_participations__meeting=vote.meeting, meeting_participations__attendance=Attendance.PRESENT
    ).select_related("user")
    return [m for m in present.order_by("pk") if lacks_account(m) and passes(guard_ballot, vote, m, on_paper=True)]


@transaction.atomic
def cast_ballot(*, vote: PlanVote, actor, choice: str) -> Ballot:
    """A standing member present at the meeting votes online, once."""
    member = getattr(actor, "member", None)
    if member is None or not member.is_standing or not member.is_active:
        raise ActionForbidden(_("只有常委可以参加表决。"))
    vote = _require_open(vote)
    if choice not in VoteChoice.values:
        raise ValidationError({"choice": _("请选择赞成、反对或弃权。")})
    guard_ballot(vote, member)
    try:
        with transaction.atomic():
            return Ballot.objects.create(vote=vote, member=member, choice=choice, cast_by=actor)
    except IntegrityError:
        raise Refused(_("您已经投过票，不能重复投票。")) from None


@transaction.atomic
def record_paper_ballot(*, vote: PlanVote, actor, member_id: int, choice: str) -> Ballot:
    """The office enters the paper ballot of a present standing member who cannot sign in (谁组织谁记录):
    counted as his own vote, marked as entered on paper, and recorded on the plan's timeline."""
    if not is_clerk(actor):
        raise ActionForbidden(_("只有政协办公室可以代为录入书面表决票。"))
    vote = _require_open(vote)
    member = (
        Member.objects.select_related("user").filter(pk=member_id, meeting_participations__meeting=vote.meeting).first()
    )
    if member is None:
        raise ValidationError({"member": _("请选择出席会议的常委。")})
    if choice not in VoteChoice.values:
        raise ValidationError({"choice": _("请选择赞成、反对或弃权。")})
    guard_ballot(vote, member, on_paper=True)
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(vote=vote, member=member, choice=choice, cast_by=actor, on_paper=True)
    except IntegrityError:
        raise Refused(_("%(name)s已经表决，不能重复录入。") % {"name": member.name}) from None
    plan = vote.plan
    record_status_change(
        plan,
        "paper_ballot",
        plan.status,
        plan.status,
        actor=actor,
        note=recorded(
            gettext_lazy("%(name)s没有可登录的账号，其书面表决票由政协办公室代为录入。"), {"name": member.name}
        ),
        data={"vote": vote.pk, "member": member.pk, "ballot": ballot.pk},
    )
    return ballot


def _checked_outcome(plan: ConsultationPlan) -> VoteOutcome:
    outcome = open_vote_outcome(plan)
    if outcome is None:
        raise Refused(_("尚未组织常委会表决。"))
    if not outcome.quorum:
        raise _quorum_refusal(outcome)
    if not outcome.ready:
        raise Refused(_("尚未录入表决票数。"))
    return outcome


def guard_vote_passes(plan: ConsultationPlan, **kwargs) -> None:
    outcome = _checked_outcome(plan)
    if not outcome.passed:
        raise Refused(
            _("赞成%(n)s票，未达到通过所需的票数（全体常委%(total)s人，至少需%(needed)s票），不能宣布通过。")
            % {"n": outcome.votes_for, "total": outcome.total, "needed": outcome.pass_needed}
        )


def guard_vote_fails(plan: ConsultationPlan, **kwargs) -> None:
    if _checked_outcome(plan).passed:
        raise Refused(_("赞成票已达到通过所需的票数，表决通过，不能宣布未通过。"))


def guard_no_quorum(plan: ConsultationPlan, **kwargs) -> None:
    """A meeting that lacks its quorum is closed without a vote once everyone's attendance is known."""
    vote = open_vote_of(plan)
    if vote is None:
        raise Refused(_("尚未组织常委会表决。"))
    if not meeting_has_begun(vote.meeting):
        raise Refused(before_meeting_message(vote))
    if vote.meeting.participants.exclude(attendance__in=RECORDABLE).exists():
        raise Refused(_("请先登记全部常委的出席情况，再宣布未达到法定人数。"))
    if outcome_of(vote).quorum:
        raise Refused(_("出席人数已达到表决所需的到会人数，请录入表决结果后宣布。"))


def pass_offered(user, plan: ConsultationPlan) -> bool:
    """宣布表决通过 is offered once the open vote has passed (not while votes are missing or short)."""
    return passes(guard_vote_passes, plan)


def fail_offered(user, plan: ConsultationPlan) -> bool:
    """宣布表决未通过 is offered once the open vote's counts are in and short of a majority."""
    return passes(guard_vote_fails, plan)


def no_quorum_offered(user, plan: ConsultationPlan) -> bool:
    """宣布未达到法定人数 is offered once everyone's attendance is recorded and the quorum is missing."""
    return passes(guard_no_quorum, plan)


def announce_refusal(plan: ConsultationPlan) -> str | None:
    """Why the open vote's result cannot be announced now (`close_vote` would refuse), or None."""
    outcome = open_vote_outcome(plan)
    if outcome is None or not outcome.quorum:
        guard = guard_no_quorum
    else:
        guard = guard_vote_passes if outcome.passed else guard_vote_fails
    try:
        guard(plan)
    except Refused as exc:
        return str(exc.message)
    return None


def no_quorum_note(outcome: VoteOutcome) -> str:
    """The audited note of a meeting closed without a vote, in the record's language."""
    return recorded(
        gettext_lazy(
            "全体常委%(total)s人，出席%(present)s人，未达到表决所需的到会人数（至少需%(needed)s人），本次会议未进行表决。"
        ),
        {"total": outcome.total, "present": outcome.present, "needed": outcome.quorum_needed},
    )


def on_vote_closed(plan: ConsultationPlan, *, actor, change, **kwargs) -> None:
    """Freeze the counts and the result on the vote and on the audited status change."""
    vote = PlanVote.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=open_vote_of(plan).pk)
    outcome = outcome_of(vote)
    data = {"vote": vote.pk, "standing_total": outcome.total, "present": outcome.present}
    if outcome.quorum:
        vote.votes_for, vote.votes_against, vote.votes_abstain = (
            outcome.votes_for,
            outcome.votes_against,
            outcome.votes_abstain,
        )
        vote.result = PlanVote.Result.PASSED if outcome.passed else PlanVote.Result.FAILED
        data |= {"for": outcome.votes_for, "against": outcome.votes_against, "abstain": outcome.votes_abstain}
        note = summary(outcome)
    else:
        # No quorum (guard_no_quorum): no vote was taken, so there are no counts and nothing failed.
        vote.votes_for = vote.votes_against = vote.votes_abstain = None
        vote.result = PlanVote.Result.NO_QUORUM
        note = no_quorum_note(outcome)
    vote.closed_at = timezone.now()
    vote._history_user = actor
    vote.save()
    change.data = {**change.data, **data}
    change.save(update_fields=["data"])
    # Announced at (or after) the meeting: it is recorded as held, unless it was already.
    if vote.meeting.status in (MeetingStatus.PLANNED, MeetingStatus.INVITED) and meeting_day_reached(vote.meeting):
        perform(vote.meeting, "hold", actor=actor, note=note)


def summary(outcome: VoteOutcome) -> str:
    """The audited note of the announced result, in the record's language."""
    return recorded(
        gettext_lazy("全体常委%(total)s人，出席%(present)s人；赞成%(f)s票，反对%(a)s票，弃权%(s)s票。"),
        {
            "total": outcome.total,
            "present": outcome.present,
            "f": outcome.votes_for,
            "a": outcome.votes_against,
            "s": outcome.votes_abstain,
        },
    )


def close_vote(*, vote: PlanVote, actor) -> ConsultationPlan:
    """Announce the result: the plan moves on when it passed, or back for revision when it failed."""
    vote = PlanVote.objects.select_related("plan", "meeting").get(pk=vote.pk)
    plan = vote.plan
    outcome = outcome_of(vote)
    if not vote.is_open:
        raise Refused(_("该次表决已宣布结果。"))
    if not outcome.quorum:
        # The meeting lacked its quorum: the vote is closed as not taken (result no_quorum, never
        # counted as failed), the attendance kept, and the plan waits for another standing-committee meeting.
        return perform(plan, "vote_no_quorum", actor=actor, note=no_quorum_note(outcome))
    if outcome.passed:
        action = f"vote_pass_to_{chain.next_state('standing_vote')}"
    else:
        action = f"vote_fail_to_{chain.return_state('standing_vote')}"
    return perform(plan, action, actor=actor, note=summary(outcome))
