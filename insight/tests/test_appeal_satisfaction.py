"""The citizens' satisfaction with the handling of appeals: one figure on the dashboard, its key number
and the annual report, counted per appeal by its latest rated round."""

from datetime import date

import pytest

from core.workflow import perform
from insight.selectors import stats
from insight.selectors.scope import ALL, Period, Scope
from insight.tests.factories import appeal
from intake.models import AppealRating, AppealStatus, Outcome, Route

pytestmark = pytest.mark.django_db
EVERYTHING = Scope(ALL)
YEAR_2022 = Period.for_year(2022)


def rated(on: date, *ratings: str):
    """A closed appeal received on `on`, rated round after round."""
    a = appeal(on=on, status=AppealStatus.CLOSED, answered_after=2, closed_after=3)
    for round_no, value in enumerate(ratings, start=1):
        AppealRating.objects.create(
            appeal=a, round=round_no, rating=value, comment="理由" if value == "unsatisfied" else ""
        )
    return a


@pytest.fixture
def ratings():
    rated(date(2022, 2, 1), "satisfied")
    rated(date(2022, 3, 1), "basic")
    rated(date(2022, 4, 1), "unsatisfied", "satisfied")  # re-handled: the second round counts
    rated(date(2022, 5, 1), "unsatisfied")
    rated(date(2022, 6, 1))  # closed, not rated
    rated(date(2023, 1, 5), "unsatisfied")  # another year


def test_the_rate_counts_each_appeal_once_by_its_latest_rated_round(ratings, cast):
    from insight.selectors.dashboard import dashboard_for

    outcomes = stats.appeal_outcomes(EVERYTHING, YEAR_2022)
    assert outcomes["ratings"] == {"satisfied": 2, "basic": 1, "unsatisfied": 1}
    assert (outcomes["rated"], outcomes["satisfaction"]) == (4, 75.0)
    figure = stats.appeal_ratings(EVERYTHING, YEAR_2022)
    assert [(str(r.label), r.value) for r in figure.rows] == [("满意", 2), ("基本满意", 1), ("不满意", 1)]
    assert "最近一轮" in str(figure.note)
    key = dashboard_for(cast.clerk, EVERYTHING, YEAR_2022)["key_numbers"]
    assert (key["appeal_satisfaction"], key["appeals_rated"]) == (75.0, 4)


def test_without_ratings_there_is_no_rate(cast):
    appeal(on=date(2022, 2, 1), status=AppealStatus.CLOSED, closed_after=1)
    outcomes = stats.appeal_outcomes(EVERYTHING, YEAR_2022)
    assert (outcomes["rated"], outcomes["satisfaction"]) == (0, None)


def test_each_rating_links_to_an_appeal_list_with_the_same_count(client, cast, ratings):
    client.force_login(cast.clerk)
    for row in stats.appeal_ratings(EVERYTHING, YEAR_2022).rows:
        html = client.get(row.url).content.decode()
        assert f'data-testid="count">{row.value}<' in html, row.url


def test_the_figures_cost_the_same_queries_however_many_appeals_are_rated(django_assert_num_queries):
    rated(date(2022, 2, 1), "satisfied")
    with django_assert_num_queries(2) as few:
        stats.appeal_outcomes(EVERYTHING, YEAR_2022)
    for day in range(1, 11):
        rated(date(2022, 3, day), "unsatisfied", "basic")
    with django_assert_num_queries(len(few.captured_queries)):
        stats.appeal_outcomes(EVERYTHING, YEAR_2022)


def test_the_dashboard_shows_the_rate_and_what_it_counts(client, cast, ratings):
    client.force_login(cast.clerk)
    html = client.get("/insight/?year=2022").content.decode()
    assert 'data-testid="appeal-satisfaction"' in html
    assert "群众满意率75.0%（满意和基本满意 ÷ 已评价的4件）" in html
    assert "群众诉求办理满意度" in html and "重新办理过的诉求以最近一轮评价为准" in html


def test_the_annual_report_states_the_rate_and_its_basis(ratings):
    from insight.report import _appeal_summary

    text = _appeal_summary(stats.appeal_outcomes(EVERYTHING, YEAR_2022))
    assert "群众评价办理结果4件，满意率（满意和基本满意的诉求 ÷ 已评价的诉求）为75.0%。" in text


def test_citizens_of_a_merged_case_each_count_once_for_their_own_appeal(client, cast):
    """Each citizen rates the main case's handling on their own appeal: both ratings count, each once,
    and no appeal counts the main case's rating for a citizen who did not give it."""
    from intake.predicates import TrackingCodeHolder
    from intake.services import merge_appeals, rate_appeal

    main = appeal(on=date(2022, 2, 1))
    duplicate, silent = appeal(on=date(2022, 2, 2)), appeal(on=date(2022, 2, 3))
    perform(main, "route", actor=cast.clerk, data={"route": Route.OFFICE})
    merge_appeals(duplicate=duplicate, into=main, actor=cast.clerk)
    merge_appeals(duplicate=silent, into=main, actor=cast.clerk)
    perform(main, "answer", actor=cast.clerk, note="已修复。")
    perform(main, "close", actor=cast.clerk, note="已修复", data={"outcome": Outcome.ON_THE_SPOT})
    rate_appeal(appeal=main, actor=TrackingCodeHolder(main.pk), rating="satisfied")
    rate_appeal(appeal=duplicate, actor=TrackingCodeHolder(duplicate.pk), rating="unsatisfied", comment="西门没修")
    outcomes = stats.appeal_outcomes(EVERYTHING, YEAR_2022)
    assert outcomes["ratings"] == {"satisfied": 1, "unsatisfied": 1}
    assert (outcomes["rated"], outcomes["satisfaction"]) == (2, 50.0)
    client.force_login(cast.clerk)
    listed = client.get("/appeals/office/", {"rating": "unsatisfied"}).context["page"]
    assert [a.pk for a in listed] == [duplicate.pk]
