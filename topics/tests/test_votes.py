"""The standing committee's vote on the plan, after the 2027 walk: a meeting without quorum is not a
failed vote; a present member without an account votes on a paper ballot the office enters; the
ballot form is offered exactly when a ballot is taken; the online vote's notice says when and where."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.exceptions import ActionForbidden, Refused
from core.models import StatusChange
from district.tests.factories import MemberFactory
from notifications.models import Notification
from topics.models import PlanStatus, PlanVote
from topics.services import votes
from topics.tests.factories import drive_to_vote, standing_present

pytestmark = pytest.mark.django_db


def _no_account_member(cast, name="陈婷"):
    """A standing vice-chair without a login, as the demo's three vice-chairs."""
    return MemberFactory(name=name, term=cast.chair.member.term, is_standing=True, position="vice_chair")


# ---- 1. a meeting without quorum took no vote ---------------------------------------------------


def test_a_vote_closed_for_lack_of_quorum_is_recorded_and_shown_as_not_taken(cast, client, api_client):
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member)  # 1 of 3
    votes.close_vote(vote=vote, actor=cast.clerk)
    vote.refresh_from_db()
    assert vote.result == PlanVote.Result.NO_QUORUM and not vote.was_voted
    assert (vote.votes_for, vote.votes_against, vote.votes_abstain) == (None, None, None)
    assert not plan.votes.filter(result=PlanVote.Result.FAILED).exists()
    change = StatusChange.objects.get(object_id=plan.pk, action="vote_no_quorum")
    assert change.data["present"] == 1 and "for" not in change.data

    # A real vote afterwards that fails is the plan's only failed vote.
    again = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(again, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=again, actor=cast.clerk, votes_for=1, votes_against=1, votes_abstain=0)
    votes.close_vote(vote=again, actor=cast.clerk)
    assert list(plan.votes.filter(result=PlanVote.Result.FAILED)) == [again]

    client.force_login(cast.clerk)
    page = client.get(vote.get_absolute_url()).content.decode()
    assert "未达到法定人数，未表决" in page and "未通过" not in page
    plan_page = client.get(plan.get_absolute_url()).content.decode()
    assert "未达到法定人数，未表决" in plan_page
    assert "赞成0/3" not in plan_page  # no tally is shown for a vote that was not taken
    assert "未通过（赞成1/3）" in plan_page

    api_client.force_authenticate(cast.clerk)
    row = api_client.get(f"/api/v1/plan-votes/{vote.pk}/").json()
    assert row["result"] == "no_quorum" and row["votes_for"] is None and row["present"] == 1
    listed = api_client.get(f"/api/v1/plan-votes/?plan={plan.pk}&result=failed").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [again.pk]


# ---- 3. present standing members without an account ----------------------------------------------


def test_the_clerk_is_warned_when_choosing_an_online_vote_while_members_cannot_sign_in(cast, client):
    plan = drive_to_vote(cast)
    _no_account_member(cast)
    client.force_login(cast.clerk)
    page = client.get(reverse("topics:vote_open", args=[plan.pk])).content.decode()
    assert "1位常委没有可登录的账号（陈婷）" in page and "书面表决票" in page
    starts = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("topics:vote_open", args=[plan.pk]), {"starts_at": starts, "method": "online", "place": "常委会议室"}
    )
    vote = plan.votes.get()
    assert response.status_code == 302 and response["Location"] == vote.get_absolute_url()
    page = client.get(vote.get_absolute_url()).content.decode()
    assert "没有可登录的账号（陈婷）" in page


def test_the_clerk_enters_the_paper_ballot_of_a_present_member_without_an_account(cast, client):
    plan = drive_to_vote(cast)
    chen = _no_account_member(cast)
    _no_account_member(cast, name="周丽志")  # absent: nothing to enter for her
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method="online")
    assert vote.standing_total == 5
    standing_present(vote, cast.chair.member, cast.vice_chair.member, chen)  # 3 of 5: quorum
    client.force_login(cast.clerk)
    page = client.get(vote.get_absolute_url()).content.decode()
    assert 'data-testid="paper-ballot-form"' in page
    form = page.split('data-testid="paper-ballot-form"')[1].split("</form>")[0]
    assert "陈婷" in form and "周丽志" not in form and cast.chair.member.name not in form

    # A member who can sign in votes himself; an absent one cannot vote; nor can anyone but the office enter it.
    with pytest.raises(Refused, match="请其本人在线表决"):
        votes.record_paper_ballot(vote=vote, actor=cast.clerk, member_id=cast.chair.member.pk, choice="for")
    with pytest.raises(ActionForbidden):
        votes.record_paper_ballot(vote=vote, actor=cast.chair, member_id=chen.pk, choice="for")

    response = client.post(reverse("topics:vote_paper_ballot", args=[vote.pk]), {"member": chen.pk, "choice": "for"})
    assert response.status_code == 302
    ballot = vote.ballots.get(member=chen)
    assert ballot.on_paper and ballot.cast_by == cast.clerk and ballot.choice == "for"
    change = StatusChange.objects.get(object_id=plan.pk, action="paper_ballot")
    assert change.actor == cast.clerk and "陈婷" in change.note and "书面表决票" in change.note
    assert "代为录入书面表决票" in client.get(plan.get_absolute_url()).content.decode()  # on the timeline
    with pytest.raises(Refused, match="不能重复录入"):
        votes.record_paper_ballot(vote=vote, actor=cast.clerk, member_id=chen.pk, choice="against")
    assert 'data-testid="paper-ballot-form"' not in client.get(vote.get_absolute_url()).content.decode()

    # Her vote counts: with two members' own ballots the plan passes (3 of 5).
    votes.cast_ballot(vote=vote, actor=cast.chair, choice="for")
    votes.cast_ballot(vote=vote, actor=cast.vice_chair, choice="for")
    assert votes.outcome_of(vote).votes_for == 3
    votes.close_vote(vote=vote, actor=cast.clerk)
    vote.refresh_from_db()
    plan.refresh_from_db()
    assert vote.result == PlanVote.Result.PASSED and plan.status == PlanStatus.ADOPTED


def test_a_paper_ballot_is_offered_exactly_when_it_is_taken(cast, client):
    plan = drive_to_vote(cast)
    chen = _no_account_member(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method="online")
    standing_present(vote, chen)  # 1 of 4: no quorum
    client.force_login(cast.clerk)
    assert 'data-testid="paper-ballot-form"' not in client.get(vote.get_absolute_url()).content.decode()
    with pytest.raises(Refused, match="出席人数未达到法定人数"):
        votes.record_paper_ballot(vote=vote, actor=cast.clerk, member_id=chen.pk, choice="for")
    # A show of hands has no ballots: the clerk enters the counts.
    hands = drive_to_vote(cast, year=2031)
    hvote = votes.open_vote(plan=hands, actor=cast.clerk, starts_at=timezone.now())
    standing_present(hvote, chen, cast.chair.member, cast.vice_chair.member)
    assert 'data-testid="paper-ballot-form"' not in client.get(hvote.get_absolute_url()).content.decode()
    with pytest.raises(Refused, match="举手表决"):
        votes.record_paper_ballot(vote=hvote, actor=cast.clerk, member_id=chen.pk, choice="for")


def test_the_api_enters_a_paper_ballot_for_the_office(cast, api_client):
    plan = drive_to_vote(cast)
    chen = _no_account_member(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method="online")
    standing_present(vote, cast.chair.member, cast.vice_chair.member, chen)
    url = f"/api/v1/plan-votes/{vote.pk}/paper-ballot/"
    api_client.force_authenticate(cast.chair)
    assert api_client.post(url, {"member": chen.pk, "choice": "for"}, format="json").status_code == 403
    api_client.force_authenticate(cast.clerk)
    response = api_client.post(url, {"member": chen.pk, "choice": "against"}, format="json")
    assert response.status_code == 201 and response.json()["choice"] == "against"
    assert vote.ballots.get(member=chen).on_paper


# ---- 4. the member's ballot form, offered only when the ballot is taken ------------------------------


def test_a_present_member_is_not_offered_the_ballot_while_attendance_is_short_of_quorum(cast, client):
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method="online")
    client.force_login(cast.standing)
    standing_present(vote, cast.standing.member)  # 1 of 3
    page = client.get(vote.get_absolute_url()).content.decode()
    assert 'data-testid="ballot-form"' not in page
    assert "出席人数未达到法定人数，暂不能表决" in page
    with pytest.raises(Refused, match="出席人数未达到法定人数，暂不能表决"):
        votes.cast_ballot(vote=vote, actor=cast.standing, choice="for")

    standing_present(vote, cast.standing.member, cast.chair.member)  # 2 of 3: quorum
    page = client.get(vote.get_absolute_url()).content.decode()
    assert 'data-testid="ballot-form"' in page and "暂不能表决" not in page
    votes.cast_ballot(vote=vote, actor=cast.standing, choice="for")


def test_the_ballot_form_is_offered_by_the_rule_that_takes_the_ballot(cast, client):
    """Whatever the state, the form shows exactly when cast_ballot would accept the ballot."""
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method="online")
    client.force_login(cast.vice_chair)
    member = cast.vice_chair.member
    states = [
        (),  # attendance not recorded yet
        (cast.chair.member, cast.standing.member),  # quorum, but he is absent
        (member,),  # present, no quorum
        (member, cast.chair.member),  # present, quorum
    ]
    for present in states:
        if present:
            standing_present(vote, *present)
        offered = 'data-testid="ballot-form"' in client.get(vote.get_absolute_url()).content.decode()
        assert offered == (votes.ballot_refusal(vote, member) is None), present
    assert offered
    votes.cast_ballot(vote=vote, actor=cast.vice_chair, choice="for")
    assert "您已表决" in client.get(vote.get_absolute_url()).content.decode()


def test_a_member_whose_attendance_is_not_recorded_yet_is_told_so(cast, client):
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method="online")
    client.force_login(cast.standing)
    page = client.get(vote.get_absolute_url()).content.decode()
    assert 'data-testid="ballot-form"' not in page and "工作人员登记出席后才能表决" in page


# ---- 10. the online vote's notice and the label of a vote whose meeting lies ahead ----------------


def test_the_online_vote_notice_gives_the_meeting_and_opens_the_vote_page(
    cast, client, django_capture_on_commit_callbacks
):
    plan = drive_to_vote(cast)
    starts = timezone.now() + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=starts, method="online", place="区政协常委会议室")
    when = timezone.localtime(starts).strftime("%Y-%m-%d %H:%M")
    notes = Notification.objects.filter(event_key=f"plan-vote:{vote.pk}")
    assert {n.recipient for n in notes} == {cast.chair, cast.vice_chair, cast.standing}
    note = notes.get(recipient=cast.standing)
    assert "请对" not in note.title and when in note.title
    assert when in note.body and "区政协常委会议室" in note.body and "会议开始后" in note.body
    assert note.url == vote.get_absolute_url()
    client.force_login(cast.standing)
    assert client.get(note.url).status_code == 200
    assert "会议开始后才能表决" in client.get(note.url).content.decode()


def test_a_vote_whose_meeting_has_not_begun_is_listed_as_awaiting_its_meeting(cast, client):
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now() + timedelta(days=7))
    client.force_login(cast.clerk)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "待开会" in page and "进行中" not in page
    vote.meeting.starts_at = timezone.now() - timedelta(minutes=5)
    vote.meeting.save(update_fields=["starts_at"])
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "进行中" in page and "待开会" not in page


def test_a_member_recorded_absent_or_on_leave_is_not_asked_to_vote_from_the_overview(cast, client):
    """The overview's 参加常委会表决 button is for those who may still cast a ballot: not for a member the
    office recorded absent (or on leave) at the vote's meeting."""
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method="online")
    overview = reverse("topics:overview") + f"?year={plan.year}"
    client.force_login(cast.standing)
    assert 'data-testid="overview-ballot"' in client.get(overview).content.decode()  # attendance not recorded yet
    standing_present(vote, cast.chair.member, cast.vice_chair.member)  # he is recorded absent
    assert 'data-testid="overview-ballot"' not in client.get(overview).content.decode()
    client.force_login(cast.vice_chair)
    assert 'data-testid="overview-ballot"' in client.get(overview).content.decode()  # present: still his to do
