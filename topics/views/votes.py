"""常委会表决 pages: open a vote, record attendance and the tally, members' ballots, the result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.predicates import is_clerk
from consultations.selectors import meeting_day_reached, meeting_has_begun
from core.exceptions import DomainError
from core.http import as_int
from core.i18n import join_clauses
from topics import predicates as p
from topics import selectors
from topics.forms import ATTENDANCE_CHOICES, BallotForm, OpenVoteForm, TallyForm
from topics.models import PlanVote, VoteChoice
from topics.services import votes as services
from topics.views.common import add_errors


@login_required
def vote_open(request, pk: int):
    plan = selectors.get_plan_for(request.user, pk)
    if not is_clerk(request.user):
        raise PermissionDenied
    form = OpenVoteForm(request.POST or None)
    warning = services.online_vote_warning()
    if request.method == "POST" and form.is_valid():
        try:
            vote = services.open_vote(plan=plan, actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已安排常委会表决。请在会议页面发出会议通知，会议当天登记出席情况。"))
            if warning and vote.method == PlanVote.Method.ONLINE:
                messages.warning(request, warning)
            return redirect(vote)
    if warning and request.method == "GET":
        # Before the clerk chooses 委员在线表决: who cannot vote online and how their vote is taken.
        messages.warning(request, warning)
    return render(request, "topics/form.html", {"form": form, "title": _("安排常委会表决"), "back": plan})


def _vote_page(request, vote: PlanVote, *, tally_form=None, status=200):
    participants = list(vote.meeting.participants.select_related("member").order_by("member__id"))
    member = getattr(request.user, "member", None)
    my_ballot = vote.ballots.filter(member=member).first() if member else None
    mine = next((x for x in participants if member and x.member_id == member.pk), None)
    outcome = services.outcome_of(vote)
    online = vote.is_open and vote.method == PlanVote.Method.ONLINE and not vote.tally_recorded
    before_meeting = vote.is_open and not meeting_has_begun(vote.meeting)
    clerk = is_clerk(request.user)
    # The clerk edits attendance while the vote is open and voting has not started (then it is read-only).
    edits_attendance = clerk and vote.is_open and not services.attendance_locked(vote)
    cast = outcome.votes_for + outcome.votes_against + outcome.votes_abstain
    # The member's own ballot: offered exactly when `cast_ballot` would take it (services.guard_ballot);
    # otherwise, once the meeting has begun, why not (no quorum yet, attendance not recorded…).
    ballot_refusal = (
        services.ballot_refusal(vote, member)
        if mine is not None and my_ballot is None and online and not before_meeting
        else None
    )
    paper_members = services.paper_ballot_members(vote) if clerk and online and not before_meeting else []
    return render(
        request,
        "topics/vote_detail.html",
        {
            "vote": vote,
            "plan": vote.plan,
            "outcome": outcome,
            # Present members who have not voted online yet: announcing now counts them as not voting for.
            "ballots_cast": cast if online else None,
            "ballots_pending": max(outcome.present - cast, 0) if online else 0,
            "participants": participants,
            "attendance_choices": ATTENDANCE_CHOICES,
            "recordable": [value for value, _label in ATTENDANCE_CHOICES],
            "is_clerk": clerk,
            "before_meeting": services.before_meeting_message(vote) if before_meeting else "",
            # Members sign in at the door: attendance is recorded from the meeting's day, voting once it begins.
            "edits_attendance": edits_attendance,
            "attendance_locked": clerk and vote.is_open and not edits_attendance,
            "may_sign_in": edits_attendance and meeting_day_reached(vote.meeting),
            # Why the result cannot be announced yet (no button then): votes not entered, attendance incomplete.
            "announce_refusal": services.announce_refusal(vote.plan)
            if clerk and vote.is_open and not before_meeting
            else None,
            # Leave reasons are personal: for those who run or follow the plan and the standing members.
            "show_reasons": p.sees_all_plans(request.user) or mine is not None,
            "tally_form": tally_form or TallyForm(),
            "ballot_form": BallotForm(),
            "my_ballot": my_ballot,
            "may_vote": mine is not None and my_ballot is None and online and not before_meeting and not ballot_refusal,
            "ballot_refusal": ballot_refusal,
            # Present members who cannot sign in: the office enters their paper ballots.
            "paper_members": paper_members,
            "vote_choices": VoteChoice.choices,
            "no_account_warning": services.online_vote_warning() if clerk and online else "",
        },
        status=status,
    )


@login_required
def vote_detail(request, pk: int):
    return _vote_page(request, selectors.get_vote_for(request.user, pk))


@login_required
@require_POST
def vote_attendance(request, pk: int):
    vote = selectors.get_vote_for(request.user, pk)
    attendance = {}
    for key, value in request.POST.items():
        # An empty choice is a member whose attendance the clerk has not recorded yet: left as it is.
        if key.startswith("m_") and as_int(key[2:]) is not None and value:
            attendance[int(key[2:])] = value
    reasons = {int(k[2:]): v for k, v in request.POST.items() if k.startswith("r_") and as_int(k[2:]) is not None}
    try:
        services.record_attendance(vote=vote, actor=request.user, attendance=attendance, reasons=reasons)
    except (DomainError, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", None) or join_clauses(exc.messages))
    else:
        messages.success(request, _("出席情况已保存。"))
    return redirect(vote)


@login_required
@require_POST
def vote_tally(request, pk: int):
    vote = selectors.get_vote_for(request.user, pk)
    form = TallyForm(request.POST)
    if form.is_valid():
        try:
            services.record_tally(vote=vote, actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("表决票数已录入。"))
            return redirect(vote)
    return _vote_page(request, vote, tally_form=form, status=400)


@login_required
@require_POST
def vote_ballot(request, pk: int):
    vote = selectors.get_vote_for(request.user, pk)
    form = BallotForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择赞成、反对或弃权。"))
        return redirect(vote)
    try:
        services.cast_ballot(vote=vote, actor=request.user, choice=form.cleaned_data["choice"])
    except (DomainError, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", None) or join_clauses(exc.messages))
    else:
        messages.success(request, _("您的表决意见已提交。"))
    return redirect(vote)


@login_required
@require_POST
def vote_paper_ballot(request, pk: int):
    vote = selectors.get_vote_for(request.user, pk)
    try:
        member_id, choice = as_int(request.POST.get("member")), request.POST.get("choice") or ""
        ballot = services.record_paper_ballot(vote=vote, actor=request.user, member_id=member_id, choice=choice)
    except (DomainError, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", None) or join_clauses(exc.messages))
    else:
        messages.success(request, _("已代为录入%(name)s的书面表决票。") % {"name": ballot.member.name})
    return redirect(vote)


@login_required
@require_POST
def vote_close(request, pk: int):
    vote = selectors.get_vote_for(request.user, pk)
    try:
        plan = services.close_vote(vote=vote, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(vote)
    if not services.outcome_of(vote).quorum:
        messages.warning(request, _("出席常委未达到表决所需的到会人数，本次会议未进行表决，请重新安排常委会表决。"))
        return redirect(plan)
    messages.success(request, _("表决结果已宣布：%(state)s。") % {"state": plan.get_status_display()})
    return redirect(plan)
