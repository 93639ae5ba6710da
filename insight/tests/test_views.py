"""Pages: the dashboard per role, duty records and rankings, scoring rules, exports, the annual report."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from district.tests.factories import TownFactory
from insight.models import ScoringRule
from insight.tests.factories import AppealCategoryFactory, appeal, attend, meeting
from intake.models import AppealStatus

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def appeals(cast):
    cat, town = AppealCategoryFactory(name="养老"), TownFactory(name="大同街道")
    from core.workflow import perform
    from supervision.services import create_task

    mine = cast.liaison.department
    referred = appeal(on=date(2022, 3, 1), category=cat, town=town, department=mine)
    # Its liaisons list, export and count the appeals referred to them.
    task = create_task(source=referred, title=referred.title, actor=cast.clerk, lead_department=mine)
    perform(task, "assign", actor=cast.gov_office, data={"due_date": "2099-01-01"})  # transferred (交办)
    appeal(on=date(2022, 3, 2), category=cat, town=town)
    appeal(on=date(2022, 4, 2), category=cat, town=town, status=AppealStatus.CLOSED, closed_after=3)
    return {"cat": cat, "town": town}


def test_office_dashboard_shows_every_section(client, cast, appeals):
    response = login(client, cast.clerk).get("/insight/?year=2022")
    assert response.status_code == 200
    html = response.content.decode()
    for title in ("群众诉求 · 按类别", "镇街 × 类别 热力表", "办理时效", "提案 · 按答复类别", "协商议题"):
        assert title in html
    assert 'data-testid="appeal-total">3<' in html
    assert 'id="insight-figures"' in html and "vendor/echarts/echarts.min.js" in html


def test_leaders_and_supervising_offices_see_the_whole_district(client, cast, appeals):
    for user in (cast.chair, cast.party_office, cast.party_leader):
        html = login(client, user).get("/insight/?year=2022").content.decode()
        assert 'data-testid="appeal-total">3<' in html


def test_a_liaison_sees_only_its_departments_figures(client, cast, appeals):
    # An appeal whose category names the department is not its work until referred to it.
    appeal(on=date(2022, 3, 5), category=appeals["cat"], town=appeals["town"], department=cast.liaison.department)
    html = login(client, cast.liaison).get("/insight/?year=2022").content.decode()
    assert "本部门" in html
    assert 'data-testid="appeal-total">1<' in html
    assert "协商议题" not in html
    other = login(client, cast.other_liaison).get("/insight/?year=2022").content.decode()
    assert 'data-testid="appeal-total">0<' in other


def test_a_member_sees_their_own_record_not_the_district(client, cast, appeals):
    attend(meeting(cast.clerk, on=date(2022, 5, 1)), member=cast.member.member)
    html = login(client, cast.member).get("/insight/?year=2022").content.decode()
    assert 'data-testid="duty-total">2.0<' in html
    assert "appeal-total" not in html and "热力表" not in html


@pytest.mark.parametrize(
    "role", ["clerk", "chair", "secgen", "party_office", "gov_office", "party_leader", "liaison", "member"]
)
def test_every_link_a_viewers_dashboard_shows_opens_for_them(client, cast, appeals, role):
    """No button or chart link leads a viewer to a page they may not open (party and government
    offices see the district's figures but not the CPPCC's own duty records or annual report)."""
    import re

    login(client, getattr(cast, role))
    page = client.get("/insight/?year=2022").content.decode()
    links = {href.replace("&amp;", "&") for href in re.findall(r'href="(/[^"#]*)"', page)}
    links = {href for href in links if not href.startswith(("/static/", "/accounts/logout", "/i18n/"))}
    assert any(href.startswith("/insight/") for href in links) or role == "member"
    refused = {}
    for href in sorted(links):
        response = client.get(href, follow=True)
        if response.status_code != 200:
            refused[href] = response.status_code
    assert refused == {}


def test_citizens_experts_and_strangers_have_no_dashboard(client, cast):
    assert client.get("/insight/").status_code == 302
    for user in (cast.citizen, cast.expert):
        assert login(client, user).get("/insight/").status_code == 404


def test_an_invalid_period_is_explained_and_the_year_shown(client, cast, appeals):
    response = login(client, cast.clerk).get("/insight/?start=2022-05-01&end=2022-04-01")
    assert response.status_code == 400
    html = response.content.decode()
    assert "截止日期不能早于起始日期。" in html
    assert 'value="2022-05-01"' in html  # what the user typed is kept
    half = login(client, cast.clerk).get("/insight/?start=2022-05-01")
    assert "请同时填写起始日期和截止日期" in half.content.decode()


def test_a_date_range_shows_its_year_in_the_year_picker(client, cast, appeals):
    """Proposals and plans are counted for the range's year: the picker must not claim another one."""
    import re

    appeal(on=date(2024, 6, 1), category=appeals["cat"], town=appeals["town"])  # a later year with data
    html = login(client, cast.clerk).get("/insight/?start=2022-03-01&end=2022-05-31").content.decode()
    picker = re.search(r'<select name="year".*?</select>', html, re.S).group(0)
    assert re.search(r'<option value="2022" selected>', picker), picker
    assert 'value="2022-03-01"' in html and 'value="2022-05-31"' in html


def test_far_dates_are_explained_not_a_500(client, cast, appeals):
    # 0001-01-01 in Asia/Shanghai is before datetime.min in UTC; 9999-12-31 has no next day.
    login(client, cast.clerk)
    for query in ("start=0001-01-01&end=0001-12-31", "start=9999-01-01&end=9999-12-31"):
        response = client.get(f"/insight/?{query}")
        assert response.status_code == 400 and 'data-testid="period-errors"' in response.content.decode(), query


def test_every_dashboard_link_opens_a_list_with_the_same_count(client, cast, appeals):
    login(client, cast.clerk)
    from insight.selectors import stats
    from insight.selectors.scope import Period, Scope

    period = Period.for_year(2022, town=appeals["town"])
    figures = [stats.appeals_by_category(Scope("all"), period), stats.appeals_by_month(Scope("all"), period)]
    for fig in figures:
        for row in fig.rows:
            html = client.get(row.url).content.decode()
            assert f'data-testid="count">{row.value}<' in html, row.url


@pytest.mark.parametrize("role", ["clerk", "research", "info", "chair", "party_office", "gov_office", "party_leader"])
def test_a_figure_links_only_to_lists_that_show_its_records_to_the_viewer(client, cast, appeals, role):
    """Everyone here sees the district's figures, but not every list in full: a party leader may not
    open appeals, the research office sees only its own proposals. A row then reads without a link
    rather than opening a list with fewer records than it counts (or none)."""
    import re

    from proposals.tests.factories import assigned

    assigned(cast)  # a 2022 proposal handled by 教育局
    html = login(client, getattr(cast, role)).get("/insight/?year=2022").content.decode()
    rows = re.findall(r'<tr><td>(?:<a href="([^"]+)">)?([^<]*)(?:</a>)?</td><td class="text-end">(\d+)</td></tr>', html)
    assert any(label == "养老" and value == "3" for _url, label, value in rows)  # the figure is there
    assert any(label == "教育局" and value == "1" for _url, label, value in rows)
    cells = re.findall(r'<td class="text-center heat-\w+">(?:<a href="([^"]+)">)?(\d+)', html)
    assert ("", "3") in cells or any(url for url, _v in cells)  # the heat cell keeps its number
    for url, label, value in rows + [(u, "heat", v) for u, v in cells]:
        if url:
            listing = client.get(url.replace("&amp;", "&")).content.decode()
            shown = re.search(r"<h1[^>]*>.*?<small[^>]*>\s*(\d+)", listing, re.S)
            assert shown and shown.group(1) == value, (label, url)


def test_overdue_links_filter_the_task_and_proposal_lists(client, cast):
    from supervision.choices import TaskStatus
    from supervision.models import SupervisionTask

    SupervisionTask.objects.create(title="逾期任务", status=TaskStatus.IN_PROGRESS, due_date=date(2022, 1, 1))
    SupervisionTask.objects.create(title="按期任务", status=TaskStatus.IN_PROGRESS, due_date=date(2099, 1, 1))
    html = login(client, cast.clerk).get("/supervision/?overdue=1").content.decode()
    assert "逾期任务" in html and "按期任务" not in html


def test_dashboard_query_count_is_pinned(client, cast, appeals, django_assert_max_num_queries):
    login(client, cast.clerk)
    with django_assert_max_num_queries(46):  # the year picker: one index probe per year with appeals, + 1
        assert client.get("/insight/?year=2022").status_code == 200


# ---- duty records -----------------------------------------------------------------------------


def test_my_duty_record_opens_on_the_year_the_statistics_open_on(client, cast):
    from django.utils import timezone

    this_year = timezone.localdate().year
    appeal(on=date(this_year, 1, 2), category=AppealCategoryFactory(name="养老"), town=TownFactory(name="大同街道"))
    attend(meeting(cast.clerk, on=date(2022, 5, 1)), member=cast.member.member)
    login(client, cast.member)
    dashboard = client.get("/insight/")
    assert dashboard.context["period"].year == this_year
    assert f'/insight/duty/me/?year={this_year}"' in dashboard.content.decode()
    record = client.get("/insight/duty/me/")
    assert record.url.endswith(f"?year={this_year}")


def test_member_page_lists_items_points_total_and_grade(client, cast):
    held = meeting(cast.clerk, on=date(2022, 5, 1))
    attend(held, member=cast.member.member)
    html = login(client, cast.member).get(f"/insight/duty/{cast.member.member.pk}/?year=2022").content.decode()
    assert "其他会议活动 · 出席" in html and 'data-testid="duty-total">2.0<' in html
    assert 'data-testid="duty-grade">不合格<' in html
    # What the line counted, to check it by: the meeting, dated, linked.
    details = html.split('data-testid="duty-details"')[1]
    assert f'2022-05-01 <a href="{held.get_absolute_url()}">{held.title}</a>' in details


def test_a_member_cannot_open_another_members_record_or_the_ranking(client, cast):
    login(client, cast.member)
    assert client.get(f"/insight/duty/{cast.other_member.member.pk}/").status_code == 404
    assert client.get("/insight/duty/").status_code == 404
    assert client.get("/insight/duty/me/").status_code == 302
    assert login(client, cast.liaison).get(f"/insight/duty/{cast.member.member.pk}/").status_code == 404


def test_ranking_for_the_office_with_sector_filter_and_pinned_queries(client, cast, django_assert_max_num_queries):
    attend(meeting(cast.clerk, on=date(2022, 5, 1)), member=cast.member.member)
    login(client, cast.clerk)
    # 26: the year's grade marks are one query (insight.GradeMarks), whatever the number of members.
    with django_assert_max_num_queries(26):
        response = client.get("/insight/duty/?year=2022")
    html = response.content.decode()
    assert response.status_code == 200 and "member" in html and "按界别" in html
    sector = cast.other_member.member.sector_id
    filtered = client.get(f"/insight/duty/?year=2022&sector={sector}").content.decode()
    assert 'data-testid="count">1<' in filtered


def test_rules_page_and_edit_by_the_office(client, cast):
    login(client, cast.clerk)
    html = client.get("/insight/rules/?year=2022").content.decode()
    assert "桐城：书面发言每篇5分" in html
    response = client.post(
        "/insight/rules/speech/edit/?year=2023",
        {"points": "6", "cap": "", "effective_year": "2023", "note": "新规", "reason": "常委会决定"},
    )
    assert response.status_code == 302
    assert ScoringRule.objects.get(item="speech", effective_year=2023).points == Decimal(6)


def test_the_default_rule_notes_read_in_english_for_an_english_reader(client, cast):
    from insight.data.scoring import DEFAULT_NOTES_EN, DEFAULT_RULES

    assert {note for *_rule, note in DEFAULT_RULES} <= set(DEFAULT_NOTES_EN)  # each default note has its English
    login(client, cast.clerk)
    client.cookies["django_language"] = "en"
    html = client.get("/insight/rules/?year=2022").content.decode()
    assert "Tongcheng: written speech, 5 points each" in html and "桐城：" not in html
    # The office's own wording, with an English one or without.
    client.post(
        "/insight/rules/speech/edit/?year=2023",
        {"points": "6", "cap": "", "effective_year": "2023", "note": "新规", "note_en": "New rule", "reason": "R"},
    )
    client.post(
        "/insight/rules/opinion/submitted/edit/?year=2023",
        {"points": "8", "effective_year": "2023", "note": "改了", "reason": "R"},
    )
    html = client.get("/insight/rules/?year=2023").content.decode()
    assert "New rule" in html and "改了" in html and "新规" not in html
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/insight/rules/?year=2023").content.decode()
    assert "新规" in html and "New rule" not in html and "桐城：书面发言每篇5分" not in html
    assert "桐城：全体会议出席50分" in html


def test_the_migration_gives_the_seeded_notes_their_english_and_leaves_reworded_ones(cast):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("insight.migrations.0005_scoring_rule_note_en")
    ScoringRule.objects.update(note_en="")
    ScoringRule.objects.filter(item="speech").update(note="本区自定")
    migration.english_default_notes(apps, None)
    assert ScoringRule.objects.get(item="plenary", variant="present").note_en == (
        "Tongcheng: plenary session attended, 50 points"
    )
    assert ScoringRule.objects.get(item="speech").note_en == ""
    assert ScoringRule.objects.exclude(item="speech").filter(note_en="").count() == 0


def test_an_invalid_rule_is_refused_and_the_form_keeps_the_input(client, cast):
    response = login(client, cast.clerk).post(
        "/insight/rules/opinion/adopted/edit/",
        {"points": "abc", "cap": "-3", "effective_year": "1990", "note": "试一下"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "试一下" in html and "输入一个数字。" in html
    assert not ScoringRule.objects.filter(effective_year=1990).exists()


def test_leaders_read_the_rules_but_only_the_office_edits(client, cast):
    login(client, cast.chair)
    assert client.get("/insight/rules/").status_code == 200
    assert client.get("/insight/rules/speech/edit/").status_code == 404
    assert login(client, cast.clerk).get("/insight/rules/nonsense/edit/").status_code == 404


# ---- exports ------------------------------------------------------------------------------------


def sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def test_appeal_export_holds_the_filtered_rows_without_personal_data(client, cast, appeals):
    response = login(client, cast.clerk).get(
        f"/insight/export/appeals.xlsx?start=2022-03-01&end=2022-03-31&town={appeals['town'].pk}"
    )
    ws = sheet(response)
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 2
    header = [c.value for c in ws[2]]
    assert header[:4] == ["查询码", "标题", "类别", "镇街"] and "联系电话" not in header
    assert all("13912345678" not in str(v) for row in rows for v in row)


def test_a_liaisons_appeal_export_holds_only_what_its_list_shows(client, cast, appeals):
    rows = list(
        sheet(login(client, cast.liaison).get("/insight/export/appeals.xlsx")).iter_rows(min_row=3, values_only=True)
    )
    assert len(rows) == 1


def test_duty_export_has_a_column_per_activity(client, cast):
    attend(meeting(cast.clerk, on=date(2022, 5, 1)), member=cast.member.member)
    ws = sheet(login(client, cast.clerk).get("/insight/export/duty.xlsx?year=2022"))
    header = [c.value for c in ws[2]]
    assert header[:2] == ["名次", "姓名"] and "其他会议活动 · 出席" in header and header[-2:] == ["积分", "等次"]
    first = next(ws.iter_rows(min_row=3, values_only=True))
    assert first[1] == "member" and first[-2] == 2.0
    assert login(client, cast.member).get("/insight/export/duty.xlsx").status_code == 404


def test_the_opinions_export_names_whom_a_report_is_from_never_the_clerk_who_keyed_it_in(client, cast):
    """As the report's page: the member it counts for, else the group it was given in the name of; the
    information office's clerk who entered a paper report is its 录入人, not its 报送人."""
    from core.workflow import perform
    from grassroots.tests.factories import WorkstationFactory
    from opinions.services import draft_report

    station, me = WorkstationFactory(), cast.member.member
    for title, author, member, provider in (
        ("信息科以工作室名义录入", cast.info, None, station),
        ("信息科代委员录入", cast.info, me, None),
        ("委员以工作室名义报送", cast.member, None, station),
        ("委员本人报送", cast.member, me, None),
    ):
        report = draft_report(title=title, body="正文", author=author, member=member, provider=provider)
        perform(report, "submit", actor=author)
    ws = sheet(login(client, cast.info).get("/insight/export/opinions.xlsx"))
    header = [c.value for c in ws[2]]
    at = {name: header.index(name) for name in ("标题", "报送人", "报送名义", "录入人")}
    rows = {
        row[at["标题"]]: (row[at["报送人"]], row[at["报送名义"]], row[at["录入人"]])
        for row in ws.iter_rows(min_row=3, values_only=True)
    }
    assert rows == {
        "信息科以工作室名义录入": (str(station), str(station), "info"),
        "信息科代委员录入": (me.name, None, "info"),
        "委员以工作室名义报送": (me.name, str(station), None),
        "委员本人报送": (me.name, None, None),
    }


@pytest.mark.parametrize("kind", ["tasks", "plan-items", "suggestions", "meetings", "opinions"])
def test_every_list_exports(client, cast, kind):
    ws = sheet(login(client, cast.clerk).get(f"/insight/export/{kind}.xlsx"))
    assert ws["A1"].value and ws.max_column >= 5


def test_meeting_export_counts_attendance(client, cast):
    m = meeting(cast.clerk, on=date(2022, 6, 10))
    attend(m, member=cast.member.member)
    attend(m, member=cast.other_member.member, attendance="declined")
    ws = sheet(login(client, cast.clerk).get("/insight/export/meetings.xlsx?month=2022-06"))
    row = next(ws.iter_rows(min_row=3, values_only=True))
    header = [c.value for c in ws[2]]
    assert row[header.index("邀请人数")] == 2 and row[header.index("出席人数")] == 1


def test_unknown_export_is_404(client, cast):
    assert login(client, cast.clerk).get("/insight/export/secrets.xlsx").status_code == 404


def test_list_pages_offer_the_export(client, cast):
    login(client, cast.clerk)
    for url in (
        "/appeals/office/",
        "/supervision/",
        "/opinions/",
        "/plan/items/",
        "/plan/suggestions/",
        "/consultations/meetings/",
    ):
        assert 'data-testid="export-link"' in client.get(url).content.decode(), url


def test_district_figures_are_shared_from_the_cache_for_a_few_minutes_and_say_when(client, cast, appeals, settings):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.INSIGHT_CACHE_SECONDS = 300
    cache.clear()
    with CaptureQueriesContext(connection) as computed:
        first = login(client, cast.clerk).get("/insight/?year=2022").content.decode()
    assert 'data-testid="appeal-total">3<' in first and 'data-testid="computed-at"' in first
    appeal(on=date(2022, 5, 1), category=appeals["cat"], town=appeals["town"])
    with CaptureQueriesContext(connection) as cached:
        again = login(client, cast.chair).get("/insight/?year=2022").content.decode()
    assert 'data-testid="appeal-total">3<' in again  # the same figures for another leader, minutes old
    assert len(cached.captured_queries) <= len(computed.captured_queries) - 20
    # A department's figures are its own entry, never the district's.
    mine = login(client, cast.liaison).get("/insight/?year=2022").content.decode()
    assert 'data-testid="appeal-total">1<' in mine
    settings.INSIGHT_CACHE_SECONDS = 0
    assert 'data-testid="appeal-total">4<' in login(client, cast.clerk).get("/insight/?year=2022").content.decode()


def test_a_cached_dashboard_runs_no_year_picker_queries_and_keeps_its_years(client, cast, appeals, settings):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    def reads_appeals(captured):  # the year probes and the default year read appeals (and proposal sessions)
        tables = ('FROM "intake_appeal"', 'FROM "proposals_proposal"')
        return [q["sql"] for q in captured.captured_queries if any(t in q["sql"] for t in tables)]

    this_year = timezone.localdate().year
    appeal(on=date(2020, 6, 1))
    settings.INSIGHT_CACHE_SECONDS = 300
    cache.clear()
    login(client, cast.clerk)
    with CaptureQueriesContext(connection) as computed:
        first = client.get("/insight/").content.decode()
    appeal(on=date(2019, 6, 1))  # not in the picker while the district's entry lasts, like the figures
    login(client, cast.chair)
    with CaptureQueriesContext(connection) as cached:
        again = client.get("/insight/").content.decode()
    assert reads_appeals(computed) and not reads_appeals(cached)  # no year probe, no default-year lookup
    # Session, user, roles, the plan's status, the notification badge, the form's towns and categories,
    # the session's save (in a savepoint); 16 before, with a probe per year with appeals and the default year.
    assert len(cached.captured_queries) <= 10
    for html in (first, again):
        assert '<option value="2022" selected>2022年</option>' in html  # the latest year with appeals
        assert f'<option value="{this_year}">' in html and '<option value="2020">' in html
        assert '<option value="2019">' not in html and 'data-testid="appeal-total">3<' in html
    # A department's picker is its own entry, computed now, and then cached in turn.
    with CaptureQueriesContext(connection) as department:
        mine = login(client, cast.liaison).get("/insight/").content.decode()
    assert reads_appeals(department) and '<option value="2019">' in mine
    with CaptureQueriesContext(connection) as department_again:
        login(client, cast.liaison).get("/insight/")
    assert not reads_appeals(department_again)
    settings.INSIGHT_CACHE_SECONDS = 0
    assert '<option value="2019">' in login(client, cast.clerk).get("/insight/").content.decode()


def test_the_dashboard_states_withdrawn_appeals_next_to_the_total(client, cast, appeals):
    appeal(on=date(2022, 5, 1), category=appeals["cat"], status=AppealStatus.WITHDRAWN)
    html = login(client, cast.clerk).get("/insight/?year=2022").content.decode()
    assert 'data-testid="appeal-total">4<' in html
    assert "其中群众撤回1件" in html and "答复率0.0%（不含撤回、合并办理）" in html


def test_a_duty_total_over_100_is_shown_as_points_not_as_a_hundred_point_scale(client, cast):
    """Plenary 50 + eleven speeches × 5 (no cap) = 105 points: every page, the export and the report
    show the sum as it is and say the total is points without a ceiling, never 百分制."""
    from docx import Document

    from consultations.models import MeetingKind
    from core.documents import render_docx
    from insight.report import build_annual_report
    from insight.tests.factories import speech

    present = attend(meeting(cast.clerk, kind=MeetingKind.PLENARY, on=date(2022, 1, 10)), member=cast.member.member)
    for _ in range(11):
        speech(present, cast.clerk)
    login(client, cast.clerk)
    pages = {
        "member": client.get(f"/insight/duty/{cast.member.member.pk}/?year=2022").content.decode(),
        "ranking": client.get("/insight/duty/?year=2022").content.decode(),
        "rules": client.get("/insight/rules/?year=2022").content.decode(),
    }
    assert 'data-testid="duty-total">105.0<' in pages["member"]
    for name, html in pages.items():
        assert "总分不设上限，不是百分制" in html, name
        assert "百分制，" not in html and "（百分制" not in html, name
    ws = sheet(client.get("/insight/export/duty.xlsx?year=2022"))
    assert "积分制" in ws["A1"].value
    assert next(ws.iter_rows(min_row=3, values_only=True))[-2] == 105.0
    text = "\n".join(p.text for p in Document(io.BytesIO(render_docx(build_annual_report(2022)))).paragraphs)
    assert "不是百分制" in text and "（百分制" not in text


def test_appeal_export_holds_the_citizens_latest_rating_and_comment(client, cast):
    from intake.models import AppealRating

    first = appeal(on=date(2022, 5, 1), status=AppealStatus.CLOSED, closed_after=2)
    AppealRating.objects.create(appeal=first, round=1, rating="unsatisfied", comment="答复只说会研究")
    AppealRating.objects.create(appeal=first, round=2, rating="basic", comment="")
    unhappy = appeal(on=date(2022, 5, 2), status=AppealStatus.CLOSED, closed_after=2)
    AppealRating.objects.create(appeal=unhappy, round=1, rating="unsatisfied", comment="问题还在，现场没人来看")
    appeal(on=date(2022, 5, 3), status=AppealStatus.CLOSED, closed_after=2)
    ws = sheet(login(client, cast.clerk).get("/insight/export/appeals.xlsx?start=2022-05-01&end=2022-05-31"))
    header = [c.value for c in ws[2]]
    at = header.index("群众评价")
    assert header[at + 1] == "评价意见"
    rows = {row[0]: row for row in ws.iter_rows(min_row=3, values_only=True)}
    assert rows[first.tracking_code][at : at + 2] == ("基本满意", None)  # the latest rated round
    assert rows[unhappy.tracking_code][at : at + 2] == ("不满意", "问题还在，现场没人来看")
    assert len(rows) == 3 and sum(1 for row in rows.values() if row[at] is None) == 1


def test_appeal_export_reads_the_ratings_without_a_query_per_row(client, cast, django_assert_max_num_queries):
    from intake.models import AppealRating

    def rated_appeal(day):
        a = appeal(on=date(2022, 5, day), status=AppealStatus.CLOSED, closed_after=2)
        AppealRating.objects.create(appeal=a, round=1, rating="unsatisfied", comment="问题还在")

    login(client, cast.clerk)
    rated_appeal(1)
    with django_assert_max_num_queries(20) as few:
        client.get("/insight/export/appeals.xlsx")
    for day in range(2, 12):
        rated_appeal(day)
    with django_assert_max_num_queries(len(few.captured_queries)):
        ws = sheet(client.get("/insight/export/appeals.xlsx"))
    assert ws.max_row == 2 + 11


def test_appeal_export_follows_each_plan_up_without_a_query_per_row(client, cast, django_assert_max_num_queries):
    """An appeal closed with 制定计划限期解决: its date, where it stands, when it was carried out and what
    was done, as its page shows them; nothing for an appeal without a plan."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from intake.models import Appeal, Outcome

    def planned(day, due, done_on=None, note=""):
        a = appeal(on=date(2022, 5, day), status=AppealStatus.CLOSED, closed_after=2)
        done_at = timezone.make_aware(datetime.combine(done_on, datetime.min.time())) if done_on else None
        done_at = done_at + timedelta(hours=23, minutes=30) if done_at else None  # late evening, local time
        Appeal.objects.filter(pk=a.pk).update(
            outcome=Outcome.PLAN, plan_due_date=due, plan_done_at=done_at, plan_done_note=note
        )
        return a

    login(client, cast.clerk)
    done = planned(1, date(2022, 8, 1), done_on=date(2022, 7, 20), note="护栏已全部更换")
    with django_assert_max_num_queries(20) as few:
        client.get("/insight/export/appeals.xlsx")
    overdue = planned(2, date(2022, 9, 1))
    waiting = planned(3, date(2099, 1, 1))
    plain = appeal(on=date(2022, 5, 4), status=AppealStatus.CLOSED, closed_after=2)
    for day in range(5, 12):
        planned(day, date(2022, 9, day), done_on=date(2022, 9, day), note="已落实")
    with django_assert_max_num_queries(len(few.captured_queries)):
        ws = sheet(client.get("/insight/export/appeals.xlsx"))
    header = [c.value for c in ws[2]]
    at = header.index("计划完成日期")
    assert header[at : at + 4] == ["计划完成日期", "计划状态", "计划落实日期", "计划落实情况"]
    rows = {row[0]: row[at : at + 4] for row in ws.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == 11

    def day(value):
        return value.date() if isinstance(value, datetime) else value

    assert [day(v) for v in rows[done.tracking_code]] == [
        date(2022, 8, 1),
        "计划已落实",
        date(2022, 7, 20),  # the local day it was recorded, not the UTC one
        "护栏已全部更换",
    ]
    assert [day(v) for v in rows[overdue.tracking_code]] == [date(2022, 9, 1), "计划已逾期", None, None]
    assert [day(v) for v in rows[waiting.tracking_code]] == [date(2099, 1, 1), "计划落实中", None, None]
    assert rows[plain.tracking_code] == (None, None, None, None)


def test_ranking_meetings_column_counts_the_plenary_as_the_record_and_the_export_do(client, cast):
    from consultations.models import MeetingKind

    me = cast.member.member
    for kind, day in ((MeetingKind.PLENARY, 10), (MeetingKind.STANDING, 11), (MeetingKind.OTHER, 12)):
        attend(meeting(cast.clerk, kind=kind, on=date(2022, 1, day)), member=me)
    login(client, cast.clerk)
    row = next(r for r in client.get("/insight/duty/?year=2022").context["page"] if r.member == me)
    assert row.meetings_present == 3
    ws = sheet(client.get("/insight/export/duty.xlsx?year=2022"))
    header = [c.value for c in ws[2]]
    mine = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[1] == me.name)
    attended = ("全体会议 · 出席", "常委会会议 · 出席", "其他会议活动 · 出席")
    assert sum(mine[header.index(label)] for label in attended) == row.meetings_present


def test_a_filtered_ranking_and_its_export_name_the_filter_and_keep_the_district_rank(client, cast):
    from district.tests.factories import BodyFactory

    first, second = cast.member.member, cast.other_member.member
    committee = BodyFactory(name="提案委员会")
    type(second).objects.filter(pk=second.pk).update(body=committee)
    for day in (1, 2):
        attend(meeting(cast.clerk, on=date(2022, 5, day)), member=first)
    attend(meeting(cast.clerk, on=date(2022, 5, 3)), member=second)
    login(client, cast.clerk)
    district_rank = next(r.rank for r in client.get("/insight/duty/?year=2022").context["page"] if r.member == second)
    assert district_rank > 1

    response = client.get(f"/insight/duty/?year=2022&body={committee.pk}")
    assert [(r.member, r.rank) for r in response.context["page"]] == [(second, district_rank)]
    html = response.content.decode()
    assert "专委会：提案委员会" in html and "全区名次" in html and "名次为在全区委员中的名次" in html

    ws = sheet(client.get(f"/insight/export/duty.xlsx?year=2022&sector=&body={committee.pk}&q="))
    assert "专委会：提案委员会" in ws["A1"].value and "名次为在全区委员中的名次" in ws["A1"].value
    assert ws["A2"].value == "全区名次"
    assert [r[:2] for r in ws.iter_rows(min_row=3, values_only=True)] == [(district_rank, second.name)]

    named = sheet(client.get(f"/insight/export/duty.xlsx?year=2022&q={second.name}"))
    assert f"姓名含“{second.name}”" in named["A1"].value


def test_an_unfiltered_ranking_says_nothing_about_a_filter(client, cast):
    attend(meeting(cast.clerk, on=date(2022, 5, 1)), member=cast.member.member)
    login(client, cast.clerk)
    html = client.get("/insight/duty/?year=2022").content.decode()
    assert 'data-testid="filter-note"' not in html and "全区名次" not in html
    ws = sheet(client.get("/insight/export/duty.xlsx?year=2022"))
    assert ws["A2"].value == "名次" and "·" not in ws["A1"].value


def test_a_members_dashboard_counts_reports_by_the_chosen_range_and_says_what_is_annual(client, cast, appeals):
    from insight.tests.factories import moment
    from opinions.models import OpinionReport
    from opinions.models import Status as OpinionStatus

    me = cast.member.member
    for on in (date(2022, 3, 1), date(2022, 4, 1), date(2022, 8, 1), date(2023, 2, 1)):
        r = OpinionReport.objects.create(
            title="信息", body="正文", author=cast.member, member=me, status=OpinionStatus.SUBMITTED
        )
        OpinionReport.objects.filter(pk=r.pk).update(submitted_at=moment(on.year, on.month, on.day))
    attend(meeting(cast.clerk, on=date(2022, 5, 1)), member=me)
    login(client, cast.member)

    def opinions(response):
        return next(f for f in response.context["chart_data"] if f["key"] == "own_opinions")

    ranged = client.get("/insight/?start=2022-06-01&end=2023-05-31")
    assert ranged.status_code == 200
    figure = opinions(ranged)
    assert sum(r["value"] for r in figure["rows"]) == 2  # 2022-08 and 2023-02, not the spring of 2022
    assert all(r["url"] == "" for r in figure["rows"])  # the report list filters by year only
    html = ranged.content.decode()
    assert "社情民意信息按报送日期在统计期间内统计；提案、履职积分按2022年度统计。" in html
    assert ranged.context["record"].year == 2022

    whole_year = opinions(client.get("/insight/?year=2022"))
    assert sum(r["value"] for r in whole_year["rows"]) == 3
    assert all("year=2022" in r["url"] for r in whole_year["rows"])


def test_a_members_report_figure_counts_what_the_list_it_links_to_shows(client, cast):
    """Drafted in December, submitted in January: the next year's, on the figure and on its list alike (both
    by the submission date); a draft never submitted is listed in the year it was written."""
    import time_machine

    from core.workflow import perform
    from insight.tests.factories import moment
    from opinions.services import draft_report

    appeal(on=date(2021, 3, 1))  # years the dashboard offers
    appeal(on=date(2022, 3, 1))
    with time_machine.travel(moment(2021, 12, 28), tick=False):
        crossing = draft_report(title="岁末起草", body="正文", author=cast.member, member=cast.member.member)
        unsent = draft_report(title="未报送的草稿", body="正文", author=cast.member, member=cast.member.member)
    with time_machine.travel(moment(2022, 1, 4), tick=False):
        perform(crossing, "submit", actor=cast.member)
    login(client, cast.member)
    for year, figured in ((2021, 0), (2022, 1)):
        figure = next(
            f for f in client.get(f"/insight/?year={year}").context["chart_data"] if f["key"] == "own_opinions"
        )
        assert sum(r["value"] for r in figure["rows"]) == figured
        for row in figure["rows"]:
            listed = client.get(row["url"]).context["page"]
            assert listed.paginator.count == row["value"] and [r.title for r in listed] == ["岁末起草"]
    assert [r.title for r in client.get("/opinions/?mine=1&year=2021").context["page"]] == [unsent.title]
    assert [r.title for r in client.get("/opinions/?mine=1&year=2022").context["page"]] == [crossing.title]
