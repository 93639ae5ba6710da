import io
from datetime import date

import pytest
from django.core.management import call_command
from docx import Document

from topics.demo import context
from topics.models import CollectionRound, ConsultationPlan, PlanStatus, PlanVote
from topics.services.publication import plan_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def test_the_demo_holds_the_published_2022_plan_and_the_round_open_for_next_year():
    plan = ConsultationPlan.objects.get(year=2022)
    assert plan.status == PlanStatus.PUBLISHED and plan.doc_number == "同委办〔2022〕12号"
    items = context()["plan_items_2022"]
    assert len(items) == 10
    assert items['落实教育"双减"政策'].format.code == "standing"
    assert items["提升丙洲陈化成公园品位"].format.code == "chairs"
    assert plan.versions.count() == 2 and plan.leader_reviews.get().decision == "approve"
    vote = plan.votes.get()
    assert vote.result == PlanVote.Result.PASSED and vote.meeting.participants.count() == vote.standing_total
    assert plan.receipts.filter(acknowledged_at__isnull=True).count() == 1
    table = Document(io.BytesIO(plan_document(plan, "docx").file.read())).tables[0]
    assert table.cell(1, 1).text == '落实教育"双减"政策'
    # Topics are collected now for next year's plan, not for a year long past.
    assert CollectionRound.objects.get(year=date.today().year + 1).accepting
    assert not CollectionRound.objects.filter(year__gt=2022, year__lte=date.today().year).exists()
    call_command("load_demo", stdout=io.StringIO())
    assert ConsultationPlan.objects.count() == 1


def test_the_2022_plan_timeline_is_dated_in_the_2021_22_cycle():
    """The plan's edits (created, versions cut, document number) happened in the cycle, not when the demo loaded."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.contrib.auth.models import AnonymousUser

    from core.workflow import history_for

    plan = ConsultationPlan.objects.get(year=2022)
    cycle_end = datetime(2022, 3, 4, tzinfo=ZoneInfo("Asia/Shanghai"))
    for obj in [plan, *plan.items.all(), plan.round, *plan.round.suggestions.all(), plan.votes.get()]:
        events = history_for(obj, AnonymousUser())
        assert events and all(e["at"] < cycle_end for e in events), (obj, [(e["kind"], e["at"]) for e in events])
    edits = [e for e in history_for(plan, AnonymousUser()) if e["kind"] != "transition"]
    assert edits[0]["kind"] == "created" and edits[0]["at"].date().isoformat() == "2022-01-05"
    assert edits[-1]["at"].date().isoformat() == "2022-03-01"  # the document number, on the day of issue
