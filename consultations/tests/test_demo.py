"""The demo carries the 2022 双减 topic through research and the consultation meeting."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document

from consultations import demo
from consultations.models import Meeting, ResearchGroup
from consultations.selectors import corrections_after_issue, issued_minutes
from district.models import Member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def test_demo_shuangjian_topic_from_group_to_outcomes():
    ctx = demo.context()
    meeting = ctx["shuangjian_meeting"]
    assert meeting.status == "minuted" and meeting.kind == "standing"
    group = meeting.research_group
    assert "双减" in group.title and group.status == "concluded"
    assert group.lead.position in ("chair", "vice_chair")
    assert group.memberships.filter(expert__user__username="expert", response="accepted").exists()
    assert group.visits.count() >= 3
    assert group.report.versions.count() >= 3 and group.report.status == "adopted"
    outcomes = ctx["shuangjian_outcomes"]
    # Five from the group's report, five raised at the meeting; the supervision demo gives each a task state.
    assert len(outcomes) == 10
    assert {o.responsible_department.short_name for o in outcomes} >= {"教育局", "市场监管局", "财政局", "人社局"}
    assert meeting.speeches.filter(kind="response").exists()
    # 曾丽 (demo user `standing`) speaks for her own sector, as the directory has it.
    standing = Member.objects.select_related("sector").get(user__username="standing")
    assert meeting.speeches.get(participant__member=standing).on_behalf_of == f"{standing.sector.name}界别"
    # The report reached the participants with the notice.
    assert list(meeting.materials.values_list("title", flat=True)) == ["协商议政报告：落实教育“双减”政策（定稿）"]
    # The issued minutes were stored when they were issued, dated with the day the story issued them.
    docx, pdf = issued_minutes(meeting, "docx"), issued_minutes(meeting, "pdf")
    assert pdf.file.read().startswith(b"%PDF")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.file.read())).paragraphs)
    assert "2022年7月5日" in text
    assert timezone.localtime(docx.created_at).date().isoformat() == "2022-07-05"
    assert corrections_after_issue(meeting) == []
    call_command("load_demo")
    assert Meeting.objects.filter(title=demo.MEETING_TITLE).count() == 1
    assert ResearchGroup.objects.filter(title=group.title).count() == 1


def test_demo_handling_consultations_send_their_materials_with_the_notice():
    """A proposal-handling consultation whose notice went out carries the papers the page says are due
    before it (材料送达期限): real DOCX files, labelled as demo data, uploaded through the audited service
    before the notice that names them."""
    from django.contrib.contenttypes.models import ContentType

    from consultations.selectors import MATERIAL_KIND, materials_delivered_on
    from core.models import Attachment, StatusChange

    noticed = Meeting.objects.filter(kind="proposal_handling", status__in=["invited", "held", "minuted"])
    assert noticed.exists()
    for meeting in noticed:
        materials = list(meeting.materials.all())
        assert [m.title.endswith("（演示）") for m in materials] == [True, True], meeting
        for material in materials:
            stored = Attachment.objects.get(object_id=material.pk, kind=MATERIAL_KIND)
            text = "\n".join(p.text for p in Document(io.BytesIO(stored.file.read())).paragraphs)
            assert "演示数据" in text and stored.original_name.endswith(".docx")
        steps = list(
            StatusChange.objects.filter(content_type=ContentType.objects.get_for_model(Meeting), object_id=meeting.pk)
            .order_by("created_at", "id")
            .values_list("action", flat=True)
        )
        assert steps[:3] == ["add_material", "add_material", "send_invitations"]
        assert materials_delivered_on(meeting) is not None
