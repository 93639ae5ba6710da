"""Regressions found walking the plan as its users do (拟题 → 确题)."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consultations.models import Attendance
from topics.models import SuggestionStatus
from topics.services import plan as plan_services
from topics.services import suggestions as suggestion_services
from topics.services import votes
from topics.tests.factories import RoundFactory, SuggestionFactory, drive_to_vote, plan_with_items

pytestmark = pytest.mark.django_db


def test_the_compare_link_is_on_each_earlier_version_never_the_current_one(client, cast):
    """Versions are listed newest first: the current one compared with itself is useless, and the
    oldest one had no link at all."""
    plan = plan_with_items(cast)
    for quarter in (3, 4):
        plan_services.cut_version(plan=plan, actor=cast.clerk)
        item = plan.items.order_by("order").first()
        plan_services.update_item(item=item, expected_version=item.version, actor=cast.clerk, quarter=quarter)
    plan_services.cut_version(plan=plan, actor=cast.clerk)  # versions 1, 2, 3; 3 is current
    client.force_login(cast.clerk)
    html = client.get(plan.get_absolute_url()).content.decode()
    diff = reverse("topics:diff", args=[plan.pk])
    links = re.findall(re.escape(diff) + r"\?a=(\d+)&amp;b=(\d+)", html)
    assert sorted(links) == [("1", "3"), ("2", "3")]


def test_unrecorded_attendance_is_not_shown_as_present_nor_saved_as_present(client, cast):
    """A new vote's members are only invited: the clerk's page must not preselect 出席 for them,
    and saving the form after marking one absentee must leave the others unrecorded."""
    plan = drive_to_vote(cast)
    vote = votes.open_vote(plan=plan, actor=cast.clerk, starts_at=timezone.now(), method="online")
    client.force_login(cast.clerk)
    html = client.get(vote.get_absolute_url()).content.decode()
    assert '<option value="" selected>已邀请</option>' in html
    assert 'value="present" selected' not in html
    participants = list(vote.meeting.participants.order_by("member_id"))
    data = {f"m_{p.member_id}": "" for p in participants}
    data[f"m_{participants[0].member_id}"] = Attendance.ABSENT
    client.post(reverse("topics:vote_attendance", args=[vote.pk]), data)
    states = dict(vote.meeting.participants.values_list("member_id", "attendance"))
    assert states[participants[0].member_id] == Attendance.ABSENT
    assert all(states[p.member_id] == Attendance.INVITED for p in participants[1:])
    assert votes.outcome_of(vote).present == 0


def test_a_department_liaison_is_not_shown_links_to_the_collection_rounds(client, cast):
    """Rounds and suggestions are closed to liaisons (403/404): the plan pages must not link there."""
    rnd = RoundFactory()
    plan = drive_to_vote(cast, departments=[cast.liaison.department])
    client.force_login(cast.liaison)
    assert client.get(reverse("topics:rounds")).status_code == 403
    assert client.get(rnd.get_absolute_url()).status_code == 404
    for url in (reverse("topics:overview"), reverse("topics:items")):
        html = client.get(url).content.decode()
        assert f'href="{reverse("topics:rounds")}"' not in html, url
        assert f'href="{rnd.get_absolute_url()}"' not in html, url
        assert f'href="{reverse("topics:plans")}"' in html
    client.force_login(cast.member)
    html = client.get(reverse("topics:overview")).content.decode()
    assert f'href="{reverse("topics:rounds")}"' in html and f'href="{rnd.get_absolute_url()}"' in html
    assert plan.pk


def test_submitting_an_edited_draft_says_so(client, cast):
    rnd = RoundFactory()
    draft = SuggestionFactory(round=rnd, suggester=cast.member)
    client.force_login(cast.member)
    response = client.post(
        reverse("topics:suggestion_edit", args=[draft.pk]),
        {"version": draft.version, "title": "发展夜间经济", "background": "背景", "submit_now": "on"},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.status == SuggestionStatus.SUBMITTED
    assert "建议已提交。" in response.content.decode()


def test_an_open_rounds_deadline_cannot_be_moved_into_the_past(cast):
    rnd = RoundFactory()
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        suggestion_services.update_round(rnd=rnd, title=rnd.title, deadline=yesterday, notice="", actor=cast.clerk)
    assert "deadline" in exc.value.message_dict
    rnd.refresh_from_db()
    assert rnd.deadline > timezone.localdate()


def test_a_department_liaison_finds_the_plan_pages_in_the_menu(client, cast):
    """The liaison acknowledges the published plan and must find it again afterwards."""
    client.force_login(cast.liaison)
    assert client.get(reverse("topics:overview")).status_code == 200
    assert f'href="{reverse("topics:overview")}"' in client.get(reverse("core:dashboard")).content.decode()
