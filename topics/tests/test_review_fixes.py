"""Fixes after the first review of 拟题→确题: origins of items, the record's language, the issue date,
rounds of another year, a vote without quorum, actions offered only when they can be taken."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from core.models import StatusChange
from core.workflow import perform, workflow_for
from topics.models import SuggestionStatus
from topics.services import plan as plan_services
from topics.services import suggestions
from topics.tests.factories import fmt, plan_with_items

pytestmark = pytest.mark.django_db


def _shortlisted(cast, rnd, title):
    s = suggestions.create_suggestion(round=rnd, title=title, background="背景", suggester=cast.member, submit=True)
    perform(s, "shortlist", actor=cast.clerk)
    s.refresh_from_db()
    return s


@pytest.fixture
def rnd(cast):
    return suggestions.open_round(
        year=2030, title="2030年度协商议题征集", deadline=timezone.localdate() + timedelta(days=10), actor=cast.clerk
    )


def _notes(suggestion, action):
    return list(
        StatusChange.objects.filter(
            object_id=suggestion.pk, action=action, content_type__model="topicsuggestion"
        ).values_list("note", flat=True)
    )


def test_deselected_origins_are_removed_and_go_back_to_the_shortlist(cast, rnd):
    kept, dropped = _shortlisted(cast, rnd, "甲"), _shortlisted(cast, rnd, "乙")
    plan = plan_services.create_plan(year=2030, title="2030年度政治协商计划", actor=cast.clerk, round=rnd)
    item = plan_services.add_item(
        plan=plan, actor=cast.clerk, title="议题", format=fmt(), quarter=2, origins=[kept, dropped]
    )
    other = plan_services.add_item(plan=plan, actor=cast.clerk, title="议题二", format=fmt(), quarter=3)
    item.refresh_from_db()
    plan_services.update_item(item=item, expected_version=item.version, actor=cast.clerk, origins=[kept])
    assert list(item.origins.all()) == [kept]
    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert kept.status == SuggestionStatus.ADOPTED
    assert dropped.status == SuggestionStatus.SHORTLISTED
    assert _notes(dropped, "unadopt") == ["移出“2030年度政治协商计划”"]
    # A suggestion still named by another item stays adopted.
    plan_services.update_item(item=other, expected_version=other.version, actor=cast.clerk, origins=[kept])
    item.refresh_from_db()
    plan_services.update_item(item=item, expected_version=item.version, actor=cast.clerk, origins=[])
    kept.refresh_from_db()
    assert kept.status == SuggestionStatus.ADOPTED


def test_taking_an_item_out_returns_its_suggestions_to_the_shortlist(cast, rnd):
    s = _shortlisted(cast, rnd, "推动区燃气公司搬迁")
    plan = plan_services.create_plan(year=2030, title="2030年度政治协商计划", actor=cast.clerk, round=rnd)
    item = plan_services.add_item(plan=plan, actor=cast.clerk, title="燃气", format=fmt(), quarter=2, origins=[s])
    s.refresh_from_db()
    assert s.status == SuggestionStatus.ADOPTED
    plan_services.delete_item(item=item, actor=cast.clerk)
    s.refresh_from_db()
    assert s.status == SuggestionStatus.SHORTLISTED
    assert _notes(s, "unadopt")
    # It can be listed, merged or rejected again.
    assert "reject" in [a.name for a in workflow_for(s).available(s, cast.clerk)]


def test_text_stored_for_an_english_reading_clerk_is_in_chinese(cast, rnd):
    s = _shortlisted(cast, rnd, "甲")
    plan = plan_services.create_plan(year=2030, title="2030年度政治协商计划", actor=cast.clerk, round=rnd)
    with translation.override("en"):
        plan_services.add_item(plan=plan, actor=cast.clerk, title="议题", format=fmt(), quarter=2, origins=[s])
        perform(plan, "submit_to_chairs", actor=cast.clerk)
    plan.refresh_from_db()
    assert plan.current_version.note == "提交稿"
    assert _notes(s, "adopt") == ["列入“2030年度政治协商计划”"]


def _passed(cast, **kwargs):
    from topics.services import votes
    from topics.tests.factories import drive_to_vote, standing_present

    plan = drive_to_vote(cast, **kwargs)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    votes.close_vote(vote=vote, actor=cast.clerk)
    plan.refresh_from_db()
    return plan, vote


def test_the_vote_meeting_and_its_result_are_recorded_in_chinese_for_an_english_reading_clerk(cast):
    from topics.services import votes
    from topics.tests.factories import drive_to_vote, standing_present

    plan = drive_to_vote(cast)
    with translation.override("en"):
        vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
        standing_present(vote, cast.chair.member, cast.vice_chair.member)
        votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
        votes.close_vote(vote=vote, actor=cast.clerk)
    vote.meeting.refresh_from_db()
    assert vote.meeting.title.startswith("常委会会议：审议")
    assert vote.meeting.agenda.startswith("审议并表决")
    assert vote.meeting.conveners == "区政协办公室"
    note = StatusChange.objects.filter(object_id=plan.pk, action__startswith="vote_pass").get().note
    assert note.startswith("全体常委")


def test_the_formal_plan_document_is_in_chinese_whoever_publishes_it(cast):
    import io

    from docx import Document

    from topics.services import publication

    plan, _vote = _passed(cast)
    with translation.override("en"):
        data = {"doc_number": "同委办〔2030〕3号", "issued_on": timezone.localdate().isoformat()}
        perform(plan, "publish", actor=cast.clerk, data=data)
        spec = publication.build_doc_spec(plan)
    assert "现印发给你们" in spec.blocks[0]
    doc = Document(io.BytesIO(publication.plan_document(plan, "docx").file.read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "现印发给你们" in text and "协商议题安排" in text
    assert doc.tables[0].cell(0, 1).text == "协商议题"


def test_the_issue_date_can_be_neither_before_the_approval_nor_in_the_future(cast):
    from core.exceptions import Refused

    plan, _vote = _passed(cast)
    today = timezone.localdate()
    for day, words in (
        (today - timedelta(days=6), "不能早于计划审定通过的日期"),
        (today + timedelta(days=1), "不能晚于今天"),
    ):
        with pytest.raises(Refused, match=words) as err:
            perform(plan, "publish", actor=cast.clerk, data={"doc_number": "同委办〔2030〕3号", "issued_on": str(day)})
        assert "issued_on" in err.value.fields
    perform(plan, "publish", actor=cast.clerk, data={"doc_number": "同委办〔2030〕3号", "issued_on": str(today)})


def test_a_plan_cannot_be_tied_to_another_years_round(cast, rnd):
    from django.core.exceptions import ValidationError

    from topics.forms import PlanForm

    form = PlanForm({"year": 2031, "title": "2031年度政治协商计划", "round": rnd.pk, "preamble": ""})
    assert not form.is_valid()
    assert "2030年度" in form.errors["round"][0]
    with pytest.raises(ValidationError):
        plan_services.create_plan(year=2031, title="2031年度政治协商计划", actor=cast.clerk, round=rnd)
    assert PlanForm({"year": 2030, "title": "2030年度政治协商计划", "round": rnd.pk, "preamble": ""}).is_valid()


def test_an_item_does_not_offer_suggestions_adopted_into_another_plan(cast, rnd):
    from topics.forms import ItemForm
    from topics.models import ConsultationPlan

    taken, free = _shortlisted(cast, rnd, "已列入"), _shortlisted(cast, rnd, "备选")
    first = plan_services.create_plan(year=2030, title="2030年度政治协商计划", actor=cast.clerk, round=rnd)
    item = plan_services.add_item(plan=first, actor=cast.clerk, title="议题", format=fmt(), quarter=2, origins=[taken])
    # A second plan on the same round (data from before the year check, say).
    second = ConsultationPlan.objects.create(year=2031, title="另一计划", round=rnd, created_by=cast.clerk)
    offered = set(ItemForm(plan=second).fields["origins"].queryset)
    assert free in offered and taken not in offered
    # The plan that lists it still offers it on its own items.
    assert taken in set(ItemForm(instance=item, plan=first).fields["origins"].queryset)


def test_a_vote_without_quorum_is_closed_with_its_attendance_and_a_new_one_can_be_arranged(cast, client):
    from django.urls import reverse

    from core.exceptions import Refused
    from topics.models import PlanStatus, PlanVote
    from topics.services import votes
    from topics.tests.factories import drive_to_vote, standing_present

    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    # Nobody's attendance is known yet: not announced as lacking quorum by mistake.
    with pytest.raises(Refused, match="请先登记全部常委的出席情况"):
        votes.close_vote(vote=vote, actor=cast.clerk)
    standing_present(vote, cast.chair.member)  # 1 of 3: no quorum
    client.force_login(cast.clerk)
    page = client.get(vote.get_absolute_url()).content.decode()
    assert "close-vote-no-quorum" in page
    response = client.post(reverse("topics:vote_close", args=[vote.pk]))
    assert response.status_code == 302
    vote.refresh_from_db()
    plan.refresh_from_db()
    assert not vote.is_open and vote.result == PlanVote.Result.NO_QUORUM
    assert plan.status == PlanStatus.VOTE
    assert vote.meeting.participants.filter(attendance="present").count() == 1
    change = StatusChange.objects.get(object_id=plan.pk, action="vote_no_quorum")
    assert change.data["present"] == 1 and "未达到表决所需的到会人数" in change.note
    again = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    assert again.pk != vote.pk


def test_attendance_and_the_result_are_not_offered_before_the_meeting_day(cast, client):
    from topics.services import votes
    from topics.tests.factories import drive_to_vote

    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now() + timedelta(days=3))
    client.force_login(cast.clerk)
    page = client.get(vote.get_absolute_url()).content.decode()
    assert "save-attendance" not in page and "close-vote" not in page


def test_the_clerk_is_told_why_the_chairs_meeting_returned_the_plan(cast, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        perform(plan, "chairs_return_to_draft", actor=cast.chair, note="第1项来源建议与议题不符")
    notice = Notification.objects.filter(recipient=cast.clerk).order_by("-id").first()
    assert notice is not None
    shown = f"{notice.title} {notice.body}"
    assert "第1项来源建议与议题不符" in shown
    assert "退回" in shown


def test_a_citizen_cannot_open_the_internal_suggestion_list(cast, client):
    from django.urls import reverse

    client.force_login(cast.citizen)
    assert client.get(reverse("topics:suggestions")).status_code == 403
    client.force_login(cast.member)
    assert client.get(reverse("topics:suggestions")).status_code == 200


def test_a_refused_suggestion_form_asks_to_choose_its_material_again(client, cast, rnd):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(cast.member)
    upload = SimpleUploadedFile("调研.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(
        reverse("topics:suggestion_create"), {"round": rnd.pk, "title": "古城保护性建设", "material": upload}
    )
    assert response.status_code == 200
    assert "请填写背景和现状。" in response.content.decode()
    assert "请重新选择附件" in response.content.decode()


# ---- second review: steps offered only when they can be taken, ballots from the meeting's start,
# a draft's round, a department's receipt


def _panel_actions(client, plan) -> str:
    return client.get(plan.get_absolute_url()).content.decode()


def test_the_plan_page_offers_announcing_the_vote_only_once_its_result_allows_it(cast, client):
    from topics.services import votes
    from topics.tests.factories import drive_to_vote, standing_present

    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    client.force_login(cast.clerk)
    page = _panel_actions(client, plan)
    # Nobody's attendance is recorded: nothing can be announced, and the page says why 宣布表决通过 waits.
    for action in ("vote_pass_to_adopted", "vote_fail_to_joint", "vote_no_quorum"):
        assert f'data-action="{action}"' not in page, action
    assert 'data-testid="not-ready"' in page and "未达到表决所需的到会人数" in page
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=1, votes_against=1, votes_abstain=0)
    page = _panel_actions(client, plan)
    # One vote for out of three standing members: it failed, so only 宣布表决未通过 is offered.
    assert 'data-action="vote_pass_to_adopted"' not in page
    assert 'data-action="vote_fail_to_joint"' in page
    assert "赞成1票，未达到通过所需的票数" in page
    assert [a.name for a in workflow_for(plan).available(plan, cast.clerk)] == ["vote_fail_to_joint"]


def test_the_plan_page_offers_announcing_a_passed_vote_and_not_its_failure(cast, client):
    from topics.services import votes
    from topics.tests.factories import drive_to_vote, standing_present

    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    assert [a.name for a in workflow_for(plan).available(plan, cast.clerk)] == ["vote_pass_to_adopted"]
    client.force_login(cast.clerk)
    page = _panel_actions(client, plan)
    assert 'data-action="vote_pass_to_adopted"' in page and 'data-testid="not-ready"' not in page


def test_the_joint_meeting_is_finalised_only_once_the_three_offices_agreed(cast, client):
    from topics.tests.factories import sign_all

    plan = plan_with_items(cast)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)
    client.force_login(cast.clerk)
    page = _panel_actions(client, plan)
    assert 'data-action="joint_agree_to_leader"' not in page
    assert "三办会签未齐" in page
    sign_all(plan, cast)
    page = _panel_actions(client, plan)
    assert 'data-action="joint_agree_to_leader"' in page and 'data-testid="not-ready"' not in page
    # Those who cannot take the step are not told why it waits.
    client.force_login(cast.chair)
    assert 'data-testid="not-ready"' not in _panel_actions(client, plan)


def test_the_vote_page_offers_announcing_only_what_can_be_announced(cast, client):
    from topics.services import votes
    from topics.tests.factories import drive_to_vote, standing_present

    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now())
    client.force_login(cast.clerk)
    page = client.get(vote.get_absolute_url()).content.decode()
    assert "close-vote" not in page and "请先登记全部常委的出席情况" in page
    standing_present(vote, cast.chair.member, cast.vice_chair.member)
    page = client.get(vote.get_absolute_url()).content.decode()
    assert "close-vote" not in page and "尚未录入表决票数" in page
    votes.record_tally(vote=vote, actor=cast.clerk, votes_for=2, votes_against=0, votes_abstain=0)
    page = client.get(vote.get_absolute_url()).content.decode()
    assert 'data-testid="close-vote"' in page and "announce-refusal" not in page


def test_ballots_open_at_the_meetings_start_time_not_on_its_morning(cast, client):
    import time_machine

    from core.exceptions import Refused
    from topics.models import PlanVote
    from topics.selectors import plan_inbox
    from topics.services import votes
    from topics.tests.factories import drive_to_vote

    plan = drive_to_vote(cast)
    start = timezone.make_aware(timezone.datetime(2030, 3, 1, 14, 30))
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=start, method=PlanVote.Method.ONLINE)
    everyone = {p.member_id: "present" for p in vote.meeting.participants.all()}
    with time_machine.travel(start - timedelta(days=1)):  # the day before: nobody signs in yet
        with pytest.raises(Refused, match="会议当天才能登记出席情况"):
            votes.record_attendance(vote=vote, actor=cast.clerk, attendance=everyone)
    with time_machine.travel(start - timedelta(hours=5)):  # the meeting's morning
        # Members sign in at the door before the meeting begins; nobody votes yet.
        votes.record_attendance(vote=vote, actor=cast.clerk, attendance=everyone)
        with pytest.raises(Refused, match="2030-03-01 14:30"):
            votes.cast_ballot(vote=vote, actor=cast.chair, choice="for")
        assert plan not in plan_inbox(cast.chair)
        client.force_login(cast.chair)
        page = client.get(vote.get_absolute_url()).content.decode()
        assert 'data-testid="before-meeting"' in page and "ballot-form" not in page
        client.force_login(cast.clerk)
        assert 'data-testid="save-attendance"' in client.get(vote.get_absolute_url()).content.decode()
    with time_machine.travel(start + timedelta(minutes=5)):
        assert plan in plan_inbox(cast.chair)
        votes.cast_ballot(vote=vote, actor=cast.chair, choice="for")
    assert vote.ballots.count() == 1


def test_a_drafts_round_can_be_corrected_and_the_change_is_audited(cast, client, rnd):
    from django.urls import reverse

    from topics.models import CollectionRound

    plan = plan_services.create_plan(year=2030, title="2030年度政治协商计划", actor=cast.clerk)
    client.force_login(cast.clerk)
    url = reverse("topics:plan_edit", args=[plan.pk])
    other = CollectionRound.objects.create(
        year=2031, title="2031年度协商议题征集", deadline=timezone.localdate(), created_by=cast.clerk
    )
    data = {"title": plan.title, "preamble": "", "version": plan.version}
    # Another year's round is refused as on creation.
    response = client.post(url, {**data, "round": other.pk})
    assert response.status_code == 200 and "属于2031年度" in response.content.decode()
    plan.refresh_from_db()
    assert plan.round_id is None
    response = client.post(url, {**data, "round": rnd.pk})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.round == rnd
    change = plan.history.first()
    assert change.history_user == cast.clerk and change.round_id == rnd.pk
    assert change.prev_record.round_id is None


def test_a_plans_round_is_fixed_once_it_left_the_draft(cast, rnd):
    from core.exceptions import Refused

    plan = plan_services.create_plan(year=2030, title="2030年度政治协商计划", actor=cast.clerk, round=rnd)
    plan_services.add_item(plan=plan, actor=cast.clerk, title="议题", format=fmt(), quarter=2)
    perform(plan, "submit_to_chairs", actor=cast.clerk)
    perform(plan, "chairs_approve_to_joint", actor=cast.chair)  # editable again, but no longer a draft
    plan.refresh_from_db()
    with pytest.raises(Refused, match="只有草稿可以更改所属议题征集"):
        plan_services.update_plan(
            plan=plan, expected_version=plan.version, actor=cast.clerk, title="标题", preamble="", round=None
        )
    from topics.forms import PlanForm

    assert PlanForm(instance=plan).fields["round"].disabled


def test_a_round_its_items_origins_do_not_come_from_is_refused(cast, rnd):
    from django.core.exceptions import ValidationError

    from topics.tests.factories import RoundFactory

    old = RoundFactory(year=2029)
    s = suggestions.create_suggestion(round=old, title="旧建议", background="背景", suggester=cast.member, submit=True)
    plan = plan_services.create_plan(year=2030, title="2030年度政治协商计划", actor=cast.clerk)
    plan_services.add_item(plan=plan, actor=cast.clerk, title="旧议题", format=fmt(), quarter=2, origins=[s])
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="旧议题"):
        plan_services.update_plan(
            plan=plan, expected_version=plan.version, actor=cast.clerk, title=plan.title, preamble="", round=rnd
        )


def test_a_liaison_sees_who_signed_for_the_plan_and_is_not_asked_again(cast, client):
    from django.urls import reverse

    from topics.services import publication

    plan, _vote = _passed(cast, departments=[cast.liaison.department])
    perform(plan, "publish", actor=cast.party_office, data={"doc_number": "同委办〔2030〕12号"})
    client.force_login(cast.liaison)
    overview = client.get(reverse("topics:overview") + "?year=2030").content.decode()
    assert 'data-testid="ack"' in overview and "相关部门（签收）" in overview
    publication.acknowledge_receipt(plan=plan, actor=cast.liaison)
    for page in (client.get(reverse("topics:overview") + "?year=2030"), client.get(plan.get_absolute_url())):
        html = page.content.decode()
        assert 'data-testid="ack"' not in html
        assert "已签收本计划" in html and str(cast.liaison) in html
        assert "相关部门（签收）" not in html
