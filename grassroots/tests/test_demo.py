import re
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from grassroots import selectors
from grassroots.models import DutyGroup, Workstation
from intake.models import Appeal, AppealStatus, Channel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def test_demo_reproduces_the_seed_figures_from_records():
    ws = Workstation.objects.get(name="同安民建政协委员工作室")
    assert (ws.partner_body, ws.partner_label) == ("新民镇党委", "同心基地")
    report = selectors.workstation_report(ws, start=date(2022, 1, 1), end=date(2022, 12, 31))
    assert (report["information_items"], report["people_advised"]) == (38, 55)
    group = DutyGroup.objects.get(sector__name="经贸")
    assert sorted(group.members.values_list("name", flat=True)) == sorted(
        ["洪志强", "李宏墩", "陈宏", "洪冬云", "张彦"]
    )
    # The group page, year by year as it offers them: the 形成提案 count and the ticked issues agree, and
    # the seed's 7 proposals are all counted in 2022, the year the group collected the issues and formed them.
    figures = selectors.group_report(group, start=date(2022, 1, 1), end=date(2022, 12, 31))
    assert figures["issues"] == 15 and figures["micro_consultations"] >= 3
    client = Client()
    client.force_login(User.objects.get(username="member"))
    counts = {}
    for year in range(2022, timezone.localdate().year + 1):
        page = client.get(f"/grassroots/groups/{group.pk}/", {"year": year}).content.decode()
        counts[year] = int(re.search(r'data-testid="proposal-count">(\d+)<', page).group(1))
        assert (
            counts[year]
            == page.count('data-testid="proposal-tick"')
            == selectors.proposals_submitted(group, start=date(year, 1, 1), end=date(year, 12, 31))
        ), year
    assert counts[2022] == 7 and sum(counts.values()) == 7
    assert group.issues.exclude(proposal_id=None).count() == 7
    assert group.issues.filter(title__contains="燃气公司").exists()
    # Each issue is linked to the proposal that grew from it.
    night_market = group.issues.get(title__contains="夜市")
    assert "停车" in night_market.title and "停车" in night_market.proposal_title
    # Planned issues are followed up: carried out, or rescheduled to a date still ahead.
    for issue in group.issues.filter(outcome="plan"):
        assert issue.status == "resolved" or issue.plan_due_date >= timezone.localdate(), issue
    assert {d.weekday() for d in ws.reception_days.values_list("date", flat=True)} == {5, 6}


def test_demo_appeals_cover_every_state_and_channel_and_load_once():
    count = Appeal.objects.count()
    assert count >= 250
    assert set(Appeal.objects.values_list("status", flat=True)) == set(AppealStatus.values)
    assert set(Appeal.objects.values_list("channel", flat=True)) >= set(Channel.values) - {Channel.OPEN311}
    assert (
        Appeal.objects.filter(created_at__year=2022).exists() and Appeal.objects.filter(created_at__year=2023).exists()
    )
    merged = Appeal.objects.filter(status=AppealStatus.MERGED).first()
    assert merged.merged_into is not None and merged.tracking_code != merged.merged_into.tracking_code
    call_command("load_demo")
    assert Appeal.objects.count() == count
