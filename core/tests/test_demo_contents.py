"""What the demo district holds, read on the demo loaded once (core/tests/shared_demo.py)."""

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.roles import Role
from district.models import Member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def _shuangjian_meetings():
    from consultations.models import Meeting

    return list(Meeting.objects.filter(title__contains="双减").values_list("title", flat=True))


def test_demo_has_an_account_for_every_role_and_the_seed_duty_group():
    held = set(User.objects.values_list("groups__name", flat=True))
    assert {r.value for r in Role} <= held
    assert (
        Member.objects.filter(name__in=["洪志强", "李宏墩", "陈宏", "洪冬云", "张彦"], sector__name="经贸").count() == 5
    )
    assert Member.objects.count() >= 250


def test_every_demo_appeal_has_an_audit_trail_from_the_day_it_came_in(client):
    from intake.models import Appeal

    appeals = Appeal.objects.all()
    assert appeals.count() >= 300
    created = {h.id: h.history_date for h in Appeal.history.filter(history_type="+")}
    late = [a.pk for a in appeals if a.pk not in created or abs((created[a.pk] - a.created_at).total_seconds()) > 1]
    assert late == []
    waiting = appeals.filter(status="received").first()
    client.force_login(User.objects.get(username="clerk"))
    page = client.get(f"/appeals/office/{waiting.pk}/").content.decode()
    assert "暂无记录" not in page.split('data-testid="history"')[1]


def test_the_shuangjian_consultation_is_listed_once_and_its_report_follows_it(client):
    """The consultations demo's 双减 meeting is the one the supervision demo reports on (no second
    meeting built by the supervision loader), on the public page and in the meetings calendar."""
    from consultations import demo as consultations_demo
    from supervision.models import SpecialReport

    assert _shuangjian_meetings() == [consultations_demo.MEETING_TITLE]
    report = SpecialReport.objects.get(title__contains="双减")
    assert report.meeting.title == consultations_demo.MEETING_TITLE
    public = client.get("/supervision/public/").content.decode()
    assert public.count(consultations_demo.MEETING_TITLE) == 1
    client.force_login(User.objects.get(username="clerk"))
    listed = [
        m.title
        for month in (6, 7)
        for m in client.get("/consultations/meetings/", {"month": f"2022-{month:02d}"}).context["meetings"]
        if "双减" in m.title
    ]
    assert listed == [consultations_demo.MEETING_TITLE]
    call_command("load_demo")
    assert len(_shuangjian_meetings()) == 1
