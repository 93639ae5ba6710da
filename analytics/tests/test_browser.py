"""Analytics pages in a real browser: Chinese search with highlights, one-click routing, a hot topic's chart."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from analytics.models import RoutingSuggestion, SuggestionStatus
from analytics.services import hot_topics, routing
from analytics.tests.factories import AppealFactory
from analytics.tests.test_hot_topics import ELEVATOR
from core.tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_searches_in_chinese_and_sees_highlighted_hits(page, cast):
    AppealFactory(title="丙洲社区垃圾中转站臭味严重", body="夏天垃圾中转站臭味扰民，请求搬迁。", citizen=cast.citizen)
    AppealFactory(title="学校门口交通拥堵", body="放学时段拥堵。")
    login(page, "clerk", PASSWORD)
    page.goto(f"{page.base_url}/analytics/search/")
    page.fill("input[name=q]", "垃圾中转站")
    page.locator("main").get_by_role("button", name="检索").click()
    # The results are on the next page: wait for its count line before counting (count() does not wait).
    expect(page.locator("[data-testid=result-count]")).to_contain_text("共 1 条结果")
    results = page.locator("[data-testid=results] li")
    assert results.count() == 1
    marked = set(results.first.locator("mark").all_inner_texts())
    assert {"垃圾", "中转站"} <= marked
    assert "学校" not in page.inner_text("[data-testid=results]")


def test_the_office_accepts_a_routing_suggestion_with_one_click(page, cast, labelled):
    routing.train_routing_model(rows=routing.labelled_rows(), source="records")
    appeal = AppealFactory(title="楼里电梯困人", body="电梯困人半小时，物业维修太慢。")
    suggestion = routing.suggest_routing(appeal=appeal)
    login(page, "clerk", PASSWORD)
    page.goto(f"{page.base_url}/analytics/routing/")
    row = page.locator("[data-testid=suggestions] tr", has_text="楼里电梯困人")
    assert "电梯安全" in row.inner_text()
    page.click(f"[data-testid=accept-{suggestion.pk}]")
    assert "已采纳分派建议" in page.inner_text("body")
    assert page.locator("[data-testid=suggestions] tr", has_text="楼里电梯困人").count() == 0
    assert RoutingSuggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.ACCEPTED
    appeal.refresh_from_db()
    assert appeal.category == labelled["elevator"]


def test_a_hot_topic_shows_its_evidence_and_renders_its_trend_chart(page, cast):
    now = timezone.now()
    for i, (title, body) in enumerate(ELEVATOR):
        a = AppealFactory(title=title, body=body)
        type(a).objects.filter(pk=a.pk).update(created_at=now - timedelta(days=6 - i))
    topic = hot_topics.mine_hot_topics(since=now - timedelta(days=30), actor=cast.clerk).topics.get()
    login(page, "clerk", PASSWORD)
    page.goto(f"{page.base_url}/analytics/topics/")
    page.get_by_role("link", name=topic.title).first.click()
    page.wait_for_selector("#trend-chart[data-rendered='1'] canvas")
    assert page.locator("#trend-chart canvas").count() >= 1
    assert page.locator("[data-testid=evidence] li").count() == 4
    assert page.locator("[data-testid=evidence] li a").count() == 4
