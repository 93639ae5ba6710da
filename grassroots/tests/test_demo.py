from datetime import date

import pytest
from django.core.management import call_command

from grassroots import selectors
from grassroots.models import DutyGroup, Workstation
from intake.models import Appeal, AppealStatus, Channel

pytestmark = pytest.mark.django_db


def test_demo_reproduces_the_seed_figures_from_records():
    call_command("load_demo")
    ws = Workstation.objects.get(name="同安民建政协委员工作室")
    assert (ws.partner_body, ws.partner_label) == ("新民镇党委", "同心基地")
    report = selectors.workstation_report(ws, start=date(2022, 1, 1), end=date(2022, 12, 31))
    assert (report["information_items"], report["people_advised"]) == (38, 55)
    group = DutyGroup.objects.get(sector__name="经贸")
    assert sorted(group.members.values_list("name", flat=True)) == sorted(
        ["洪志强", "李宏墩", "陈宏", "洪冬云", "张彦"]
    )
    figures = selectors.group_report(group, start=date(2022, 1, 1), end=date(2022, 12, 31))
    assert figures["issues"] == 15 and figures["proposals"] >= 7 and figures["micro_consultations"] >= 3
    assert group.issues.filter(title__contains="燃气公司").exists()
    assert {d.weekday() for d in ws.reception_days.values_list("date", flat=True)} == {5, 6}


def test_demo_appeals_cover_every_state_and_channel_and_load_once():
    call_command("load_demo")
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
