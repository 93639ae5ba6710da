"""Reviewer 2's findings on the annual report, the exports and the dashboard's year picker."""

import io
import re
from datetime import date

import openpyxl
import pytest
from django.utils import timezone

from core.documents import Table
from district.tests.factories import DepartmentFactory, TownFactory
from insight.report import build_annual_report
from insight.selectors import stats
from insight.selectors.scope import ALL, Period, Scope
from insight.tests.factories import AppealCategoryFactory, appeal, moment
from supervision.choices import Rating, TaskStatus
from supervision.models import SupervisionTask

pytestmark = pytest.mark.django_db


def _section(spec, heading: str) -> list:
    """The blocks of the report under one heading, up to the next."""
    blocks, inside = [], False
    for block in spec.blocks:
        text = getattr(block, "text", None)
        if text is not None and type(block).__name__ == "Heading":
            inside = text == heading
            continue
        if inside:
            blocks.append(block)
    return blocks


def _task(department, on: date, status=TaskStatus.IN_PROGRESS, **fields) -> SupervisionTask:
    task = SupervisionTask.objects.create(title="督办", lead_department=department, status=status, **fields)
    SupervisionTask.objects.filter(pk=task.pk).update(created_at=moment(on.year, on.month, on.day))
    return task


# ---- #2 the annual report's supervision section is the year's ------------------------------------


def test_a_years_report_counts_that_years_tasks_as_the_dashboard_and_no_later_backlog():
    this_year = timezone.localdate().year
    culture, health = DepartmentFactory(name="区文化和旅游局"), DepartmentFactory(name="区卫生健康局")
    _task(health, date(2022, 6, 1), TaskStatus.CLOSED, rating=Rating.SATISFIED)
    _task(health, date(2022, 7, 1), was_overdue=True, due_date=date(2022, 8, 1))
    _task(health, date(2022, 9, 1), TaskStatus.CREATED)  # not transferred: the year's, no department's yet
    _task(culture, date(this_year, 1, 1), TaskStatus.OVERDUE, was_overdue=True, due_date=date(2000, 1, 1))

    section = _section(build_annual_report(2022), "四、督办落实")
    dashboard = stats.task_status(Scope(ALL), Period.for_year(2022))
    assert dashboard.total == 3
    assert section[0].startswith("2022年生成督办任务3件，其中")
    (table,) = [b for b in section if isinstance(b, Table)]
    assert table.caption == "部门办理督办任务情况（2022年生成的督办任务）"
    # The 2022 tasks transferred to 区卫生健康局: two, one closed, one ever overdue, rated satisfied.
    assert table.rows == [["区卫生健康局", "2", "1", "1", "50.0%", "100.0%"]]
    # Today's overdue items are no 2022 figure: left out of a past year's report.
    assert not any("逾期未办结事项" in str(getattr(b, "caption", b)) for b in section)

    current = _section(build_annual_report(this_year), "四、督办落实")
    tables = [b for b in current if isinstance(b, Table)]
    assert [row[0] for row in tables[0].rows] == ["区文化和旅游局"]
    # The year still running prints the overdue items as of today (whenever created: the 2022 one too).
    assert tables[1].caption == "逾期未办结事项（截至今日）" and tables[1].rows[0][1] == "2"


# ---- #9 filtered exports name their filters ----------------------------------------------------------


def _title(response) -> str:
    assert response.status_code == 200, response.content[:300]
    return openpyxl.load_workbook(io.BytesIO(response.content)).active["A1"].value


def test_a_filtered_appeal_export_names_its_period_and_filters(client, cast):
    category, town = AppealCategoryFactory(name="征地拆迁"), TownFactory(name="新民镇")
    appeal(on=date(2022, 3, 1), category=category, town=town)
    client.force_login(cast.clerk)
    title = _title(
        client.get(f"/insight/export/appeals.xlsx?start=2022-01-01&end=2022-12-31&category={category.pk}&status=open")
    )
    assert title.startswith("群众诉求办理情况一览表 · ")
    for part in ("受理日期：2022-01-01至2022-12-31", "类别：征地拆迁", "状态：未办结"):
        assert part in title, title
    assert "新民镇" not in title
    plain = _title(client.get("/insight/export/appeals.xlsx"))
    assert plain == f"群众诉求办理情况一览表（{timezone.localdate().isoformat()}）"


def test_a_filtered_opinion_export_names_its_year(client, cast):
    client.force_login(cast.info)
    title = _title(client.get("/insight/export/opinions.xlsx?year=2022&status=archived"))
    assert "年度：2022年" in title and "状态：已归档" in title, title
    # A year that is not one is ignored by the list, and so by the title.
    assert "年度" not in _title(client.get("/insight/export/opinions.xlsx?year=20x2"))


# ---- review 1 #2: every filtered list export names its filters, as the appeals one ---------------


def test_a_filtered_task_export_names_its_filters(client, cast):
    edu = DepartmentFactory(name="区教育局")
    _task(edu, date(2022, 5, 1), status=TaskStatus.CLOSED, rating=Rating.SATISFIED)
    _task(edu, date(2022, 5, 1))
    client.force_login(cast.clerk)
    response = client.get(f"/insight/export/tasks.xlsx?status=closed&department={edu.pk}&rating=satisfied")
    title = _title(response)
    assert openpyxl.load_workbook(io.BytesIO(response.content)).active.max_row == 3  # the one closed task
    assert title.startswith("督办任务台账 · "), title
    for part in ("状态：已办结", "牵头部门：区教育局", "评价：满意"):
        assert part in title, title
    assert "状态：未办结" in _title(client.get("/insight/export/tasks.xlsx?status=open&overdue=1"))
    assert "已超过办理期限" in _title(client.get("/insight/export/tasks.xlsx?status=open&overdue=1"))
    plain = _title(client.get("/insight/export/tasks.xlsx"))
    assert plain == f"督办任务台账（{timezone.localdate().isoformat()}）"


def test_a_filtered_suggestion_export_names_its_filters(client, cast):
    from topics.tests.factories import RoundFactory, SuggestionFactory, fmt

    rnd = RoundFactory(year=2031)
    SuggestionFactory(round=rnd, status="submitted", title="已提交的建议", suggested_format=fmt("standing"))
    client.force_login(cast.clerk)
    title = _title(
        client.get(
            f"/insight/export/suggestions.xlsx?round={rnd.pk}&status=submitted&format={fmt('standing').pk}&q=养老"
        )
    )
    assert title.startswith("协商议题建议汇总表 · "), title
    for part in ("征集年度：2031年", "状态：已提交", f"协商形式：{fmt('standing')}", "关键词：“养老”"):
        assert part in title, title
    # A state the list does not know is ignored by the list, and so by the title.
    plain = f"协商议题建议汇总表（{timezone.localdate().isoformat()}）"
    assert _title(client.get("/insight/export/suggestions.xlsx")) == plain
    assert _title(client.get("/insight/export/suggestions.xlsx?status=nonsense")) == plain


def test_a_filtered_plan_item_export_names_its_filters(client, cast):
    from district.tests.factories import BodyFactory
    from topics.tests.factories import ItemFactory, PlanFactory

    edu, body = DepartmentFactory(name="区教育局"), BodyFactory(name="提案委")
    item = ItemFactory(plan=PlanFactory(year=2032, created_by=cast.clerk), lead_body=body)
    item.departments.add(edu)
    client.force_login(cast.clerk)
    response = client.get(
        f"/insight/export/plan-items.xlsx?year=2032&format={item.format.pk}&body={body.pk}&department={edu.pk}"
    )
    title = _title(response)
    assert title.startswith("年度协商计划议题表 · "), title
    for part in ("年度：2032年", f"协商形式：{item.format}", "牵头委处：提案委", "参与部门：区教育局"):
        assert part in title, title
    plain = _title(client.get("/insight/export/plan-items.xlsx"))
    assert plain == f"年度协商计划议题表（{timezone.localdate().isoformat()}）"


# ---- #10 the year picker shows the year the figures are for ---------------------------------------


def test_a_refused_filter_shows_the_year_the_figures_fall_back_to(client, cast):
    category, town = AppealCategoryFactory(name="养老"), TownFactory(name="大同街道")
    appeal(on=date(2022, 3, 1), category=category, town=town)
    appeal(on=date(2023, 3, 1), category=category, town=town)
    assert stats.default_year() == 2023
    client.force_login(cast.clerk)
    response = client.get("/insight/?year=2022&town=999999")
    assert response.status_code == 400
    assert response.context["period"].year == 2023
    picker = re.search(r'<select name="year".*?</select>', response.content.decode(), re.S).group(0)
    assert re.search(r'<option value="2023" selected>', picker), picker
    assert not re.search(r'<option value="2022" selected>', picker), picker


# ---- #7 the 社情民意 statistics exported, for the office roles that read the annual report ----------


def test_the_opinion_statistics_export_holds_every_member_and_unit_of_the_year(client, cast):
    from opinions import selectors
    from opinions.tests.factories import published, received

    this_year = timezone.localdate().year
    sector = cast.member.member.sector
    published(cast, title="关于燃气站搬迁的建议", provider=sector)
    received(cast, title="关于公交线路的建议")
    received(cast, author=cast.other_member, title="关于校园周边交通的建议")

    client.force_login(cast.clerk)
    page = client.get(f"/opinions/stats/?year={this_year}")
    assert page.status_code == 200
    assert f'/insight/export/opinion-stats.xlsx?year={this_year}"' in page.content.decode()
    response = client.get(f"/insight/export/opinion-stats.xlsx?year={this_year}")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value.startswith(f"{this_year}年度社情民意信息报送采用统计表（报送按报送日期、采用按编发日期统计")
    assert [c.value for c in ws[2]] == ["统计口径", "委员或报送单位", "界别或单位类型", "报送", "采用", "获批示"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    member, other = cast.member.member, cast.other_member.member
    assert rows == [
        ("按委员", member.name, str(member.sector), 2, 1, 0),
        ("按委员", other.name, str(other.sector), 1, 0, 0),
        ("按报送单位", str(sector), "界别", 1, 1, 0),
    ]
    # The page's own counts, row for row.
    assert [(r["name"], r["submitted"], r["adopted"]) for r in selectors.counts_per_member(this_year)] == [
        (name, submitted, adopted) for _t, name, _k, submitted, adopted, _i in rows[:2]
    ]
    # Another year holds none of them; a year that is not one is refused, not exported as every year.
    assert (
        openpyxl.load_workbook(
            io.BytesIO(client.get("/insight/export/opinion-stats.xlsx?year=2001").content)
        ).active.max_row
        == 2
    )
    refused = client.get("/insight/export/opinion-stats.xlsx?year=20x2")
    assert refused.status_code == 400 and "不是有效的年度" in refused.content.decode()
