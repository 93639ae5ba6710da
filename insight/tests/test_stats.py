"""Dashboard figures checked against small hand-counted datasets."""

from datetime import date, timedelta

import pytest
from constance.test import override_config

from district.tests.factories import DepartmentFactory, TownFactory
from insight.selectors import stats
from insight.selectors.dashboard import dashboard_for
from insight.selectors.scope import ALL, DEPARTMENT, Period, Scope
from insight.tests.factories import AppealCategoryFactory, appeal, moment
from intake.models import AppealStatus, Channel
from supervision.choices import Rating, TaskStatus
from supervision.models import SupervisionTask

pytestmark = pytest.mark.django_db
EVERYTHING = Scope(ALL)
YEAR_2022 = Period.for_year(2022)


@pytest.fixture
def data():
    """Five appeals in 2022 plus two outside it, counted by hand below."""
    a, b = AppealCategoryFactory(name="养老", order=1), AppealCategoryFactory(name="教育", order=2)
    t1, t2 = TownFactory(name="大同街道", order=1), TownFactory(name="新民镇", order=2)
    dept = DepartmentFactory(name="民政局")
    closed, answered, received = AppealStatus.CLOSED, AppealStatus.ANSWERED, AppealStatus.RECEIVED
    appeal(on=date(2022, 1, 5), category=a, town=t1, status=closed, answered_after=2, closed_after=4)
    appeal(
        on=date(2022, 1, 20),
        category=a,
        town=t2,
        channel=Channel.WECHAT,
        status=closed,
        answered_after=4,
        closed_after=10,
    )
    appeal(
        on=date(2022, 3, 3),
        category=b,
        town=t1,
        channel=Channel.PHONE,
        status=answered,
        answered_after=6,
        department=dept,
    )
    appeal(on=date(2022, 3, 15), category=b, town=t1, status=received, department=dept)
    appeal(on=date(2022, 3, 20), town=t2, status=received)
    appeal(on=date(2021, 12, 31), category=a, town=t1)
    appeal(on=date(2023, 1, 1), category=a, town=t1)
    return {"a": a, "b": b, "t1": t1, "t2": t2, "dept": dept}


def values(figure):
    return [(str(r.label), r.value) for r in figure.rows]


def test_appeals_by_category_count_the_year_only_and_link_to_the_filtered_list(data):
    fig = stats.appeals_by_category(EVERYTHING, YEAR_2022)
    assert values(fig) == [("养老", 2), ("教育", 2), ("未分类", 1)]
    assert fig.rows[0].url == f"/appeals/office/?start=2022-01-01&end=2022-12-31&category={data['a'].pk}"
    assert fig.rows[2].url == ""


def test_appeals_by_channel_town_and_month(data):
    assert values(stats.appeals_by_channel(EVERYTHING, YEAR_2022)) == [("网上提交", 3), ("微信公众号", 1), ("电话", 1)]
    assert values(stats.appeals_by_town(EVERYTHING, YEAR_2022)) == [("大同街道", 3), ("新民镇", 2)]
    month = stats.appeals_by_month(EVERYTHING, YEAR_2022)
    assert values(month) == [("2022-01", 2), ("2022-03", 3)]
    assert month.rows[0].url == "/appeals/office/?start=2022-01-01&end=2022-01-31"


def test_months_of_a_range_across_the_new_year_are_clipped_to_it(data):
    winter = Period(start=date(2021, 12, 15), end=date(2022, 3, 10))
    month = stats.appeals_by_month(EVERYTHING, winter)
    assert values(month) == [("2021-12", 1), ("2022-01", 2), ("2022-03", 1)]
    assert month.total == stats.appeals_by_category(EVERYTHING, winter).total
    assert month.rows[0].url == "/appeals/office/?start=2021-12-15&end=2021-12-31"
    assert month.rows[-1].url == "/appeals/office/?start=2022-03-01&end=2022-03-10"


def test_date_range_and_town_filter_narrow_every_appeal_figure(data):
    spring = Period(start=date(2022, 1, 10), end=date(2022, 3, 10))
    assert stats.appeals_by_category(EVERYTHING, spring).total == 2
    in_town = Period.for_year(2022, town=data["t1"])
    assert values(stats.appeals_by_category(EVERYTHING, in_town)) == [("教育", 2), ("养老", 1)]
    assert f"town={data['t1'].pk}" in stats.appeals_by_category(EVERYTHING, in_town).rows[0].url


def test_heat_table_crosses_towns_and_categories(data):
    heat = stats.appeal_heat_table(EVERYTHING, YEAR_2022)
    assert heat["columns"] == ["养老", "教育"]
    assert [(r["town"], [c["value"] for c in r["cells"]], r["total"]) for r in heat["rows"]] == [
        ("大同街道", [1, 2], 3),
        ("新民镇", [1, 0], 1),
    ]
    assert heat["peak"] == 2
    assert heat["rows"][1]["cells"][1]["url"] == ""


def test_heat_table_names_the_categories_in_the_readers_language(data):
    from django.utils import translation

    data["b"].name_en = "Education"
    data["b"].save()
    with translation.override("en"):
        heat = stats.appeal_heat_table(EVERYTHING, YEAR_2022)
        figure = stats.appeals_by_category(EVERYTHING, YEAR_2022)
    assert heat["columns"] == ["养老", "Education"]  # no English name: the district's own
    assert "Education" in [str(r.label) for r in figure.rows]
    with translation.override("zh-hans"):
        assert stats.appeal_heat_table(EVERYTHING, YEAR_2022)["columns"] == ["养老", "教育"]


def test_timeliness_gives_mean_and_median_days(data):
    times = stats.appeal_timeliness(EVERYTHING, YEAR_2022)
    assert times["first_answer"] == {"count": 3, "avg_days": 4.0, "median_days": 4.0}
    assert times["close"] == {"count": 2, "avg_days": 7.0, "median_days": 7.0}


def test_median_of_an_odd_skewed_sample_is_the_middle_value(data):
    appeal(on=date(2022, 5, 1), status=AppealStatus.CLOSED, answered_after=30, closed_after=30)
    times = stats.appeal_timeliness(EVERYTHING, YEAR_2022)
    assert times["first_answer"]["count"] == 4
    assert times["first_answer"]["avg_days"] == 10.5  # (2 + 4 + 6 + 30) / 4
    assert times["first_answer"]["median_days"] == 5.0  # (4 + 6) / 2


def test_both_appeal_times_come_from_one_pass_over_the_year_on_postgresql(data, django_assert_num_queries):
    from django.db import connection

    # PostgreSQL: counts, means and medians of both spans as aggregates of one query; SQLite has no
    # median aggregate and takes two per span.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 4):
        times = stats.appeal_timeliness(EVERYTHING, YEAR_2022)
    assert times["close"]["count"] == 2


def test_category_town_channel_and_heat_figures_read_the_appeals_once(data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = stats.appeal_counts(EVERYTHING, YEAR_2022)
    with CaptureQueriesContext(connection) as queries:
        shared = [
            stats.appeals_by_category(EVERYTHING, YEAR_2022, counts),
            stats.appeals_by_town(EVERYTHING, YEAR_2022, counts),
            stats.appeals_by_channel(EVERYTHING, YEAR_2022, counts),
        ]
        heat = stats.appeal_heat_table(EVERYTHING, YEAR_2022, counts)
    # Only the small reference tables are read again, never the appeals.
    assert not [q for q in queries.captured_queries if 'FROM "intake_appeal"' in q["sql"]]
    alone = [
        stats.appeals_by_category(EVERYTHING, YEAR_2022),
        stats.appeals_by_town(EVERYTHING, YEAR_2022),
        stats.appeals_by_channel(EVERYTHING, YEAR_2022),
    ]
    assert [values(f) for f in shared] == [values(f) for f in alone]
    assert heat == stats.appeal_heat_table(EVERYTHING, YEAR_2022)
    assert values(shared[0]) == [("养老", 2), ("教育", 2), ("未分类", 1)]


def test_the_unset_row_comes_after_a_named_one_with_as_many_appeals(data):
    appeal(on=date(2022, 6, 1), town=data["t2"], status=AppealStatus.RECEIVED)  # 未分类 now 2, as 养老 and 教育
    assert values(stats.appeals_by_category(EVERYTHING, YEAR_2022)) == [("养老", 2), ("教育", 2), ("未分类", 2)]


def refer(appeal_on: date, department) -> None:
    """Refer the appeal received that day to a department, as 转交部门办理 does (its supervision task,
    transferred by the government office: the department has it from then on)."""
    from django.contrib.contenttypes.models import ContentType

    from intake.models import Appeal

    referred = Appeal.objects.get(created_at__date=appeal_on)
    SupervisionTask.objects.create(
        title=referred.title,
        source_type=ContentType.objects.get_for_model(Appeal),
        source_id=referred.pk,
        lead_department=department,
        status=TaskStatus.ASSIGNED,
    )


def test_department_scope_counts_only_the_appeals_referred_to_it(data):
    """What its liaisons can open from the figures: not the appeals whose category names it, unreferred."""
    scope = Scope(DEPARTMENT, department_id=data["dept"].pk)
    assert values(stats.appeals_by_category(scope, YEAR_2022)) == []
    refer(date(2022, 3, 3), data["dept"])
    assert values(stats.appeals_by_category(scope, YEAR_2022)) == [("教育", 1)]


@override_config(INSIGHT_APPEAL_ANSWER_DAYS=15)
def test_overdue_counts_open_items_past_their_deadline(data, cast):
    dept = data["dept"]
    SupervisionTask.objects.create(
        title="逾期", status=TaskStatus.IN_PROGRESS, due_date=date(2022, 3, 1), lead_department=dept
    )
    SupervisionTask.objects.create(
        title="已办结", status=TaskStatus.CLOSED, due_date=date(2022, 2, 1), lead_department=dept
    )
    SupervisionTask.objects.create(title="未到期", status=TaskStatus.IN_PROGRESS, due_date=date(2022, 5, 1))
    SupervisionTask.objects.create(title="他部门逾期", status=TaskStatus.OVERDUE, due_date=date(2022, 2, 1))
    refer(date(2022, 3, 15), dept)
    fig = stats.overdue_counts(EVERYTHING, today=date(2022, 4, 1))
    # Appeals still open and received on or before 03-17 (15 days before 04-01): 2021-12-31 and 2022-03-15;
    # the one of 03-20 is still within its 15 days, whatever the dashboard's period.
    assert [r.value for r in fig.rows] == [2, 0, 2]
    assert fig.rows[2].url == "/appeals/office/?status=open&end=2022-03-17"
    mine = stats.overdue_counts(Scope(DEPARTMENT, department_id=dept.pk), today=date(2022, 4, 1))
    assert [r.value for r in mine.rows] == [1, 0, 1]
    # The department's count is of the tasks it leads: so is the list it links to.
    assert mine.rows[0].url == f"/supervision/?overdue=1&department={dept.pk}"
    assert fig.rows[0].url == "/supervision/?overdue=1"


def test_a_departments_task_figures_link_to_its_lead_tasks(data, cast):
    dept = data["dept"]
    task = SupervisionTask.objects.create(
        title="t", status=TaskStatus.CLOSED, rating=Rating.SATISFIED, lead_department=dept
    )
    SupervisionTask.objects.filter(pk=task.pk).update(created_at=moment(2022, 6, 1))
    scope = Scope(DEPARTMENT, department_id=dept.pk)
    for figure in (stats.task_status(scope, YEAR_2022), stats.task_ratings(scope, YEAR_2022)):
        assert all(f"department={dept.pk}" in r.url for r in figure.rows), figure.key
    assert all("department" not in r.url for r in stats.task_status(EVERYTHING, YEAR_2022).rows)


@override_config(INSIGHT_APPEAL_ANSWER_DAYS=15)
def test_overdue_appeals_follow_the_dashboards_town_and_category(data, cast):
    today = date(2022, 4, 1)
    in_t1 = stats.overdue_counts(EVERYTHING, today=today, town=data["t1"], category=data["b"])
    assert in_t1.rows[2].value == 1  # 2022-03-15 (教育, 大同街道); 2021-12-31 is 养老
    expected = f"/appeals/office/?status=open&end=2022-03-17&town={data['t1'].pk}&category={data['b'].pk}"
    assert in_t1.rows[2].url == expected
    assert stats.overdue_counts(EVERYTHING, today=today, town=data["t2"]).rows[2].value == 0
    with override_config(INSIGHT_APPEAL_ANSWER_DAYS=15):
        period = Period.for_year(2022, town=data["t2"])
        overdue = dashboard_for(cast.chair, EVERYTHING, period)["figures"]["overdue"][0]
    assert overdue.rows[2].url.endswith(f"&town={data['t2'].pk}")


def test_task_ratings_and_satisfaction_rate(data):
    for rating in (Rating.SATISFIED, Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED):
        task = SupervisionTask.objects.create(title="t", status=TaskStatus.CLOSED, rating=rating)
        SupervisionTask.objects.filter(pk=task.pk).update(created_at=moment(2022, 6, 1))
    fig = stats.task_ratings(EVERYTHING, YEAR_2022)
    assert values(fig) == [("满意", 2), ("基本满意", 1), ("不满意", 1)]
    assert stats.satisfaction_rate(fig) == 75.0
    assert "rating=satisfied" in fig.rows[0].url and "start=2022-01-01" in fig.rows[0].url


def test_proposal_figures_by_unit_class_and_rating(cast):
    from proposals.services import rate_reply
    from proposals.tests.factories import replied, reply_classes

    reply_classes()
    first = replied(cast, code="A")
    replied(cast, code="C")
    rate_reply(proposal=first, actor=cast.member, rating="satisfied")
    units = stats.proposals_by_unit(EVERYTHING, YEAR_2022)
    assert values(units) == [("教育局", 2)]
    assert units.rows[0].url == f"/proposals/?department={cast.liaison.department_id}&year=2022"
    classes = stats.proposals_by_reply_class(EVERYTHING, YEAR_2022)
    assert [v for _label, v in values(classes)] == [1, 1]
    assert classes.rows[0].url == "/proposals/?reply_class=A&year=2022&first_reply=on"
    assert values(stats.proposal_ratings(EVERYTHING, YEAR_2022)) == [("满意", 1), ("基本满意", 0), ("不满意", 0)]
    other = Scope(DEPARTMENT, department_id=cast.other_liaison.department_id)
    assert stats.proposals_by_unit(other, YEAR_2022).rows == []
    assert stats.proposal_timeliness(EVERYTHING, YEAR_2022)["count"] == 2


def test_plan_items_are_staged_by_the_plans_progress(cast):
    from topics.models import PlanStatus
    from topics.tests.factories import ItemFactory, PlanFactory

    draft = PlanFactory(year=2031, created_by=cast.clerk)
    ItemFactory(plan=draft)
    published = PlanFactory(year=2032, status=PlanStatus.PUBLISHED, created_by=cast.clerk)
    ItemFactory(plan=published)
    ItemFactory(plan=published)
    assert dict(values(stats.plan_item_stages(2031)))["计划审定中"] == 1
    assert dict(values(stats.plan_item_stages(2032)))["已列入计划"] == 2


def test_a_plan_stage_links_to_the_item_list_only_when_that_list_shows_what_it_counts(cast):
    from consultations.models import ResearchGroup
    from topics.models import PlanStatus
    from topics.tests.factories import ItemFactory, PlanFactory

    published = PlanFactory(year=2032, status=PlanStatus.PUBLISHED, created_by=cast.clerk)
    first, _second = ItemFactory(plan=published), ItemFactory(plan=published)
    links = {str(r.label): r.url for r in stats.plan_item_stages(2032).rows}
    assert links["已列入计划"] == "/plan/items/?year=2032" and links["调研中"] == ""
    ResearchGroup.objects.create(
        subject=first, year=2032, title="课题组", lead=cast.vice_chair.member, created_by=cast.clerk
    )
    rows = {str(r.label): (r.value, r.url) for r in stats.plan_item_stages(2032).rows}
    assert rows["已列入计划"] == (1, "") and rows["调研中"] == (1, "")


def test_dashboard_query_count_does_not_grow_with_records(data, cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(40) as small:
        dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)
    for day in range(1, 28):
        appeal(on=date(2022, 6, day), category=data["b"], town=data["t2"], status=AppealStatus.CLOSED, closed_after=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        dashboard = dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)
    assert dashboard["key_numbers"]["appeals"] == 5 + 27


def test_cached_figures_cost_no_query_until_the_cache_is_bypassed(data, cast, settings, django_assert_num_queries):
    from django.core.cache import cache

    settings.INSIGHT_CACHE_SECONDS = 300
    cache.clear()
    first = dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)
    appeal(on=date(2022, 6, 1))
    with django_assert_num_queries(0):
        again = dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)
    assert again["key_numbers"] == first["key_numbers"] and again["key_numbers"]["appeals"] == 5
    assert again["computed_at"] == first["computed_at"]
    settings.INSIGHT_CACHE_SECONDS = 0
    assert dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)["key_numbers"]["appeals"] == 6


def _age(scope, period, minutes):
    """Make the cached entry of scope and period look `minutes` old (as if computed back then)."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    from insight.selectors.dashboard import figures_key

    key = figures_key(scope, period, get_language())
    entry = cache.get(key)
    entry["computed_at"] -= timedelta(minutes=minutes)
    cache.set(key, entry)


def test_stale_figures_are_served_at_once_while_one_background_refresh_replaces_them(data, cast, settings):
    from django.core.cache import cache
    from django_tasks import default_task_backend

    from insight.tasks import refresh_dashboard

    settings.INSIGHT_CACHE_SECONDS = 300
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queued, not run
    cache.clear()
    first = dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)
    appeal(on=date(2022, 6, 1))
    _age(EVERYTHING, YEAR_2022, minutes=6)
    stale = dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)
    assert stale["key_numbers"]["appeals"] == 5 and stale["computed_at"] < first["computed_at"]
    dashboard_for(cast.chair, EVERYTHING, YEAR_2022)  # a second leader queues no second refresh
    queued = default_task_backend.results
    assert [r.task.name for r in queued] == ["refresh_dashboard"]
    assert refresh_dashboard.call(*queued[0].args, **queued[0].kwargs) is True  # what the worker runs
    fresh = dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)
    assert fresh["key_numbers"]["appeals"] == 6 and fresh["computed_at"] > first["computed_at"]
    assert len(default_task_backend.results) == 1


def test_with_the_immediate_task_backend_the_request_that_finds_stale_figures_gets_fresh_ones(data, cast, settings):
    from django.core.cache import cache

    settings.INSIGHT_CACHE_SECONDS = 300
    cache.clear()
    dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)
    appeal(on=date(2022, 6, 1))
    assert dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)["key_numbers"]["appeals"] == 5  # fresh for 5 minutes
    _age(EVERYTHING, YEAR_2022, minutes=5)
    assert dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)["key_numbers"]["appeals"] == 6


def test_a_refresh_of_a_town_filter_recomputes_that_view_and_gives_up_once_the_town_is_gone(data, cast, settings):
    from django.core.cache import cache
    from django.utils.translation import override

    from insight.selectors.dashboard import task_arguments
    from insight.tasks import refresh_dashboard

    settings.INSIGHT_CACHE_SECONDS = 300
    cache.clear()
    period = Period.for_year(2022, town=data["t2"])
    with override("en"):
        before = dashboard_for(cast.clerk, EVERYTHING, period)
        arguments = task_arguments(EVERYTHING, period)
    appeal(on=date(2022, 7, 1), town=data["t2"])
    assert arguments["language"] == "en" and refresh_dashboard.call(**arguments) is True
    with override("en"):  # the entry of the language it was queued in
        after = dashboard_for(cast.clerk, EVERYTHING, period)
    assert after["key_numbers"]["appeals"] == before["key_numbers"]["appeals"] + 1
    assert after["computed_at"] > before["computed_at"]
    arguments["town_id"] = 0
    assert refresh_dashboard.call(**arguments) is False


def test_figures_older_than_the_keep_time_are_not_shown_but_computed_for_the_viewer(data, cast, settings):
    import time

    from django.core.cache import cache
    from django_tasks import default_task_backend

    settings.INSIGHT_CACHE_SECONDS = 1
    settings.INSIGHT_CACHE_KEEP_SECONDS = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queued, not run
    cache.clear()
    assert dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)["key_numbers"]["appeals"] == 5
    appeal(on=date(2022, 6, 1))
    time.sleep(1.2)  # the entry has left the cache: nothing too old to show, nothing to refresh
    assert dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)["key_numbers"]["appeals"] == 6
    assert default_task_backend.results == []


def test_a_task_whose_appeal_was_withdrawn_is_not_counted_overdue(data, cast):
    from django.utils import timezone

    SupervisionTask.objects.create(title="逾期", status=TaskStatus.IN_PROGRESS, due_date=date(2022, 3, 1))
    SupervisionTask.objects.create(
        title="群众已撤回", status=TaskStatus.ASSIGNED, due_date=date(2022, 3, 1), source_withdrawn_at=timezone.now()
    )
    assert stats.overdue_counts(EVERYTHING, today=date(2022, 4, 1)).rows[0].value == 1


def test_withdrawn_and_merged_appeals_are_counted_apart_and_left_out_of_the_answer_rate(cast):
    for status, answered in (
        (AppealStatus.CLOSED, 1),
        (AppealStatus.ANSWERED, 2),
        (AppealStatus.ROUTED, None),
        (AppealStatus.WITHDRAWN, None),
        # Answered, reopened, then withdrawn: not an answered appeal any more.
        (AppealStatus.WITHDRAWN, 1),
        (AppealStatus.MERGED, None),
    ):
        appeal(on=date(2022, 5, 1), status=status, answered_after=answered)
    outcomes = stats.appeal_outcomes(EVERYTHING, YEAR_2022)
    assert (outcomes["total"], outcomes["withdrawn"], outcomes["merged"]) == (6, 2, 1)
    assert (outcomes["to_answer"], outcomes["answered"], outcomes["answer_rate"]) == (3, 2, 66.7)
    key = dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)["key_numbers"]
    assert (key["appeals"], key["appeals_withdrawn"], key["appeal_answer_rate"]) == (6, 2, 66.7)


def test_only_withdrawn_appeals_leave_no_answer_rate(cast):
    appeal(on=date(2022, 5, 1), status=AppealStatus.WITHDRAWN)
    assert stats.appeal_outcomes(EVERYTHING, YEAR_2022)["answer_rate"] is None
