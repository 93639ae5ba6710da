"""The district's configurable lists (reply classes, adoption levels, appeal categories, consultation
formats, sectors, parties, committees) have an optional English name (core.models.BilingualNameMixin).

An English reader reads it in selects, lists and the API; a Chinese reader reads the Chinese name;
what the platform prints as a record (the reply letter, the annual report, the published plan) keeps
the district's Chinese names whoever prints it; and the rows the migrations seed come with English."""

import io
from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import translation
from docx import Document

from core.i18n import record_language
from district.models import Party, Sector
from intake.models import AppealCategory
from intake.tests.factories import AppealCategoryFactory, AppealFactory
from opinions.models import AdoptionLevel
from proposals.models import ReplyClass
from topics.models import ConsultationFormat

pytestmark = pytest.mark.django_db


def _as(client, language: str, user=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_a_row_reads_in_the_readers_language_and_in_chinese_as_a_record():
    category = AppealCategory(code="edu", name="教育", name_en="Education")
    unnamed = AppealCategory(code="grain", name="粮食生产")
    party = Party(
        name="中国民主建国会", short_name="民建", name_en="China National Democratic Construction Association"
    )
    with translation.override("en"):
        assert str(category) == category.display_name == "Education"
        assert str(unnamed) == "粮食生产"  # no English name: the Chinese one, never an empty label
        assert str(party) == "China National Democratic Construction Association"  # English before a Chinese short name
        party.short_name_en = "CNDCA"
        assert str(party) == "CNDCA"
        with record_language():
            assert str(category) == "教育" and str(party) == "民建"
    with translation.override("zh-hans"):
        assert str(category) == "教育" and str(party) == "民建"


def test_the_public_appeal_form_lists_categories_in_the_readers_language(client):
    category = AppealCategoryFactory(name="城市管理", name_en="Urban management")
    option = f'<option value="{category.pk}">'
    english = _as(client, "en").get("/appeals/").content.decode()
    assert f"{option}Urban management</option>" in english
    chinese = _as(client, "zh-hans").get("/appeals/").content.decode()
    assert f"{option}城市管理</option>" in chinese and "Urban management" not in chinese


def test_the_appeal_list_names_the_category_in_the_readers_language(client, cast):
    AppealFactory(category=AppealCategoryFactory(name="城市管理", name_en="Urban management"))
    english = _as(client, "en", cast.clerk).get("/appeals/office/").content.decode()
    assert "<td>Urban management</td>" in english
    chinese = _as(client, "zh-hans", cast.clerk).get("/appeals/office/").content.decode()
    assert "<td>城市管理</td>" in chinese and "Urban management" not in chinese


def test_the_proposal_statistics_name_sectors_and_reply_classes_in_the_readers_language(client, cast):
    from proposals.tests.test_letters import joint_replied

    proposal, _reply = joint_replied(cast)
    sector = proposal.member.sector
    sector.name_en = "Economy and trade"
    sector.save()
    url = f"/proposals/stats/?year={proposal.session.year}"
    english = _as(client, "en", cast.clerk).get(url).content.decode()
    assert "<th>Economy and trade</th>" in english
    assert "To be resolved under a plan" in english  # class B, seeded with its English name
    chinese = _as(client, "zh-hans", cast.clerk).get(url).content.decode()
    assert f"<th>{sector.name}</th>" in chinese and "列入计划解决" in chinese
    assert "Economy and trade" not in chinese


def test_the_reply_letter_an_english_reader_prints_keeps_the_chinese_reply_class(cast):
    from proposals.services.letters import letter_docx
    from proposals.tests.test_letters import joint_replied

    _proposal, reply = joint_replied(cast)
    assert ReplyClass.objects.get(code="B").name_en  # the class has an English name to leak
    with translation.override("en"):
        text = _docx_text(letter_docx(reply))
    assert "答复类别：B类（列入计划解决）" in text
    assert "To be resolved" not in text and "Category B" not in text


def test_the_annual_report_an_english_reader_downloads_keeps_the_chinese_names(client, cast):
    from insight.tests.factories import appeal

    appeal(on=date(2022, 3, 1), category=AppealCategoryFactory(name="养老", name_en="Elderly care"))
    response = _as(client, "en", cast.clerk).get("/insight/report/2022.docx")
    assert response.status_code == 200
    text = _docx_text(response.content)
    assert "养老" in text and "Elderly care" not in text
    assert "2022年度工作统计报告" in text  # the whole document in the district's language


def test_a_published_plan_reads_its_formats_in_the_readers_language_and_prints_them_in_chinese(client, cast):
    from topics.services.plan import cut_version
    from topics.services.publication import build_doc_spec
    from topics.tests.factories import plan_with_items

    with translation.override("zh-hans"):
        plan = plan_with_items(cast)
        cut_version(plan=plan, actor=cast.clerk)
    plan.refresh_from_db()
    url = f"/plan/versions/{plan.current_version_id}/"
    english = _as(client, "en", cast.clerk).get(url).content.decode()
    assert "<td>Key consultation at a standing committee meeting</td>" in english
    chinese = _as(client, "zh-hans", cast.clerk).get(url).content.decode()
    assert "<td>常委会会议重点协商</td>" in chinese
    with translation.override("en"):
        rows = [block for block in build_doc_spec(plan).blocks if hasattr(block, "rows")][0].rows
    assert [row[2] for row in rows] == ["常委会会议重点协商", "主席会议专题协商"]


def test_the_seeded_rows_come_with_english_names():
    assert dict(ReplyClass.objects.values_list("code", "name_en")) == {
        "A": "Resolved or adopted",
        "B": "To be resolved under a plan",
        "C": "Cannot be resolved for now due to constraints",
    }
    assert all(AdoptionLevel.objects.values_list("name_en", flat=True))
    assert AdoptionLevel.objects.get(code="province").name_en == "Province"
    formats = {f.code: (f.name_en, f.short_name_en) for f in ConsultationFormat.objects.all()}
    assert formats["counterpart"] == ("Special committee counterpart consultation", "Counterpart consultation")
    assert all(name and short for name, short in formats.values())


@pytest.mark.parametrize(
    ("module", "model", "code"),
    [
        ("proposals.migrations.0010_reply_class_english_names", ReplyClass, "A"),
        ("opinions.migrations.0006_adoption_level_english_names", AdoptionLevel, "city"),
        ("topics.migrations.0005_format_english_names", ConsultationFormat, "chairs"),
    ],
)
def test_the_english_names_migration_leaves_what_the_office_set(module, model, code):
    fill = import_module(module).fill
    model.objects.filter(code=code).update(name_en="")
    fill(apps, None)
    seeded = model.objects.get(code=code)
    assert seeded.name_en  # an existing install gets the seeded row's English name
    model.objects.filter(code=code).update(name_en="Our own name")
    fill(apps, None)
    assert model.objects.get(code=code).name_en == "Our own name"
    model.objects.filter(code=code).update(name="办公室改过的名称", name_en="")
    fill(apps, None)
    assert model.objects.get(code=code).name_en == ""  # a renamed row gets no English name of another


def test_the_api_gives_the_english_name_beside_the_chinese_one(api_client, cast):
    Sector.objects.create(name="经贸界", name_en="Economy and trade", order=99)
    api_client.force_authenticate(cast.clerk)
    rows = api_client.get("/api/v1/sectors/").json()
    assert {"name": "经贸界", "name_en": "Economy and trade"} in [{k: r[k] for k in ("name", "name_en")} for r in rows]


def test_the_open311_service_list_keeps_the_districts_names(client):
    AppealCategoryFactory(code="urban", name="城市管理", name_en="Urban management", is_active=True)
    services = client.get("/open311/v2/services.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert {"service_code": "urban", "service_name": "城市管理"}.items() <= next(
        s for s in services if s["service_code"] == "urban"
    ).items()
