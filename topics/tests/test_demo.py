import io

import pytest
from django.core.management import call_command
from docx import Document

from topics.demo import context
from topics.models import CollectionRound, ConsultationPlan, PlanStatus, PlanVote
from topics.services.publication import plan_document

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_published_2022_plan_and_an_open_2023_round():
    call_command("load_demo", stdout=io.StringIO())
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
    assert CollectionRound.objects.get(year=2023).accepting
    call_command("load_demo", stdout=io.StringIO())
    assert ConsultationPlan.objects.count() == 1
