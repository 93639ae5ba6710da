"""Review 1 of the leaders' statistics: a member's reports counted alike everywhere, a department's figures
equal to its lists, adoption by the path taken, the duty export's filters as the page's."""

import io
from datetime import date

import openpyxl
import pytest
from django.utils import timezone

from core.workflow import perform
from grassroots.tests.factories import WorkstationFactory
from insight.models import Item, Variant
from insight.report import build_annual_report
from insight.selectors import duty, stats
from insight.selectors.scope import DEPARTMENT, Period, Scope
from insight.tests.factories import moment
from opinions import selectors as opinion_selectors
from opinions.models import OpinionReport
from opinions.models import Status as OpinionStatus
from opinions.services import draft_report
from opinions.tests.factories import published, received
from supervision.choices import TaskStatus
from supervision.models import SupervisionTask

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def _submitted_2022(title: str, *, author, member=None, provider=None) -> OpinionReport:
    report = draft_report(title=title, body="正文", author=author, member=member, provider=provider)
    OpinionReport.objects.filter(pk=report.pk).update(status=OpinionStatus.SUBMITTED, submitted_at=moment(2022, 8, 1))
    return report


# ---- 1. one definition of a member's 社情民意 reports ---------------------------------------------


def test_a_members_reports_count_alike_on_his_dashboard_his_duty_record_the_ranking_and_per_member(client, cast):
    """Written in a workstation's name, entered for him by the information office, or his own: his (he
    wrote it, or it is reported for him). Entered by the office for a group alone: nobody's."""
    me, other = cast.member.member, cast.other_member.member
    station = WorkstationFactory()
    _submitted_2022("以工作室名义报送", author=cast.member, provider=station)  # member empty, as the demo's
    _submitted_2022("信息科代为录入的纸质信息", author=cast.info, member=me)
    _submitted_2022("本人报送", author=cast.member, member=me)
    _submitted_2022("信息科以工作室名义录入", author=cast.info, provider=station)
    _submitted_2022("他人报送", author=cast.other_member, member=other)

    mine = stats.own_opinions(cast.member, Period.for_year(2022))
    assert mine.total == 3
    record = duty.duty_record(me, 2022)
    assert record.opinions == 3
    entries = duty.duty_details(me, 2022)[(Item.OPINION, Variant.SUBMITTED)]
    assert sorted(e.title for e in entries) == ["以工作室名义报送", "信息科代为录入的纸质信息", "本人报送"]
    ranked = {r.member.pk: r.opinions for r in duty.ranking(cast.clerk, 2022)}
    assert (ranked[me.pk], ranked[other.pk]) == (3, 1)
    per_member = {r["name"]: r["submitted"] for r in opinion_selectors.counts_per_member(2022)}
    assert per_member == {me.name: 3, other.name: 1}

    # The member's page: the figure and the chart of points read the same three reports.
    response = login(client, cast.member).get("/insight/?start=2022-01-01&end=2022-12-31")
    assert response.status_code == 200
    figure = next(f for f in response.context["chart_data"] if f["key"] == "own_opinions")
    assert sum(r["value"] for r in figure["rows"]) == 3
    assert response.context["record"].opinions == 3


# ---- 2. a department's figures count what its lists show -----------------------------------------


def _task(title: str, department, status: str) -> SupervisionTask:
    task = SupervisionTask.objects.create(
        title=title, status=status, lead_department=department, due_date=date(2022, 3, 1)
    )
    SupervisionTask.objects.filter(pk=task.pk).update(created_at=moment(2022, 2, 1))
    return task


def test_a_departments_task_figures_leave_out_tasks_not_yet_transferred(client, cast):
    """待交办: the department is only pre-filled, its liaisons cannot open the task; each bar equals its list."""
    dept = cast.liaison.department
    _task("待交办的任务", dept, TaskStatus.CREATED)
    _task("已交办的任务", dept, TaskStatus.IN_PROGRESS)
    scope = Scope(DEPARTMENT, department_id=dept.pk)
    period = Period.for_year(2022)
    status = stats.task_status(scope, period)
    assert [(str(r.label), r.value) for r in status.rows] == [("办理中", 1)]
    assert stats.overdue_counts(scope, today=date(2022, 4, 1)).rows[0].value == 1
    login(client, cast.liaison)
    for row in [*status.rows, stats.overdue_counts(scope, today=date(2022, 4, 1)).rows[0]]:
        listed = client.get(row.url).context["page"].paginator.count
        assert listed == row.value, row
    # The whole district still counts the task waiting to be transferred.
    assert stats.task_status(Scope("all"), period).total == 2


def test_a_departments_proposal_figures_start_at_the_hand_over(client, cast):
    """Units planned by the office (确定承办单位, 待交办) do not have the proposal yet: not counted for them."""
    from proposals.tests.factories import assigned, filed

    handed = assigned(cast)
    planned = filed(cast)
    perform(planned, "set_units", actor=cast.proposal, data={"mode": "lead", "lead": cast.liaison.department_id})
    scope = Scope(DEPARTMENT, department_id=cast.liaison.department_id)
    period = Period.for_year(handed.session.year)
    by_unit = stats.proposals_by_unit(scope, period)
    assert [r.value for r in by_unit.rows] == [1]
    login(client, cast.liaison)
    listed = client.get(by_unit.rows[0].url).context["page"].paginator.count
    assert listed == 1
    assert stats.proposal_base(scope, period).get() == handed


# ---- 5. adoption follows the path, not the last state -------------------------------------------


@pytest.fixture
def paths(cast):
    """cast.member's reports of this year, each down one path of domain.md §3."""
    dept = cast.liaison.department_id
    forwarded = received(cast, title="转送后反馈归档")
    perform(forwarded, "forward", actor=cast.info, data={"department": dept})
    perform(forwarded, "record_feedback", actor=cast.liaison, note="已办理")
    perform(forwarded, "archive", actor=cast.info)
    filed = published(cast, title="编发后上报归档")
    perform(filed, "report_up", actor=cast.info, data={"to": "区委"})
    perform(filed, "archive", actor=cast.info)
    published(cast, title="已编发")
    refused = received(cast, title="未采用")
    perform(refused, "not_adopt", actor=cast.info, note="不符合要求")
    return {"forwarded": forwarded, "filed": filed}


def test_a_forwarded_report_archived_after_feedback_is_submitted_not_adopted(cast, paths):
    year = timezone.localdate().year
    record = duty.duty_record(cast.member.member, year)
    assert (record.count_of(Item.OPINION, Variant.SUBMITTED), record.count_of(Item.OPINION, Variant.ADOPTED)) == (4, 2)
    adopted = duty.duty_details(cast.member.member, year)[(Item.OPINION, Variant.ADOPTED)]
    assert sorted(e.title for e in adopted) == ["已编发", "编发后上报归档"]
    per_member = opinion_selectors.counts_per_member(year)
    assert [(r["submitted"], r["adopted"]) for r in per_member] == [(4, 2)]
    spec = build_annual_report(year)
    assert any("报送社情民意信息4篇，采用2篇。" in str(block) for block in spec.blocks)
    table = next(b for b in spec.blocks if getattr(b, "rows", None) and b.rows[0][0] == cast.member.member.name)
    assert table.rows[0][1:3] == ["4", "2"]


# ---- 7. the duty export reads the page's filters -------------------------------------------------


@pytest.mark.parametrize("bad", ["sector=abc", "sector=经贸", "body=999999", "year=1999"])
def test_a_refused_ranking_filter_is_named_on_the_page_and_refused_by_the_export(client, cast, bad):
    login(client, cast.clerk)
    page = client.get(f"/insight/duty/?year=2022&{bad}")
    assert page.status_code == 400
    html = page.content.decode()
    assert 'data-testid="refused-filters"' in html
    export = client.get(
        f"/insight/export/duty.xlsx?year=2022&{bad}", HTTP_REFERER=f"http://testserver/insight/duty/?{bad}"
    )
    assert export.status_code == 400 and export["Content-Type"].startswith("text/html")
    text = export.content.decode()
    assert "未导出Excel" in text and 'href="http://testserver/insight/duty/' in text
    if bad != "year=1999":
        # The year asked for is kept on the page (the refused filter alone is left out).
        assert page.context["year"] == 2022


def test_the_duty_export_holds_the_pages_list_for_valid_filters(client, cast):
    from district.tests.factories import SectorFactory

    sector = SectorFactory(name="经济界")
    login(client, cast.clerk)
    page = client.get(f"/insight/duty/?year=2022&sector={sector.pk}")
    assert page.status_code == 200 and page.context["year"] == 2022
    ws = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/insight/export/duty.xlsx?year=2022&sector={sector.pk}").content)
    ).active
    assert ws["A1"].value.startswith("2022年度") and "界别：经济界" in ws["A1"].value
    assert ws.max_row - 2 == page.context["count"]


# ---- the annual report's 社情民意 counts follow the duty records' rule ---------------------------


def test_the_annual_report_counts_an_adoption_in_the_year_of_its_publication_as_the_duty_record(
    cast, client, time_machine
):
    """Submitted 2022-12-28, published in the bulletin (编发) 2023-01-06: submitted in 2022 and adopted in
    2023 in the annual report's table and sentence and on the statistics page, as in the duty record."""
    me = cast.member.member
    time_machine.move_to(moment(2022, 12, 28), tick=False)
    report = received(cast, title="关于农村留守老人助餐服务覆盖不足的问题")
    time_machine.move_to(moment(2023, 1, 6), tick=False)
    perform(report, "sign_off", actor=cast.secgen)
    perform(report, "publish", actor=cast.info)

    for year, expected in ((2022, (1, 0)), (2023, (0, 1))):
        record = duty.duty_record(me, year)
        assert (record.count_of(Item.OPINION, Variant.SUBMITTED), record.count_of(Item.OPINION, Variant.ADOPTED)) == (
            expected
        )
        per_member = {r["name"]: (r["submitted"], r["adopted"]) for r in opinion_selectors.counts_per_member(year)}
        assert per_member == {me.name: expected}
        spec = build_annual_report(year)
        table = next(b for b in spec.blocks if getattr(b, "rows", None) and b.rows[0][0] == me.name)
        assert table.rows[0][1:3] == [str(n) for n in expected]
        sentence = f"报送社情民意信息{expected[0]}篇，采用{expected[1]}篇。"
        assert any(sentence in str(block) for block in spec.blocks)
        page = login(client, cast.info).get(f"/opinions/stats/?year={year}")
        assert page.context["members"][0]["adopted"] == expected[1]
    # Every year's counts: the report once, adopted.
    assert [(r["submitted"], r["adopted"]) for r in opinion_selectors.counts_per_member()] == [(1, 1)]
