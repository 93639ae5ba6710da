"""The dashboard in a real browser: ECharts draws a canvas in every chart container, on a desktop and a phone."""

from datetime import date

import pytest

from accounts.tests.factories import PASSWORD
from core.tests.browser import AXE, login
from district.tests.factories import TownFactory
from insight.tests.factories import AppealCategoryFactory, appeal
from intake.models import AppealStatus, Channel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def appeals(cast):
    cats = [AppealCategoryFactory(name=n) for n in ("养老", "教育", "医疗卫生")]
    towns = [TownFactory(name=n) for n in ("大同街道", "新民镇")]
    channels = [Channel.WEB, Channel.WECHAT, Channel.PHONE]
    for i in range(9):
        appeal(
            on=date(2022, 1 + i % 4, 3 + i),
            category=cats[i % 3],
            town=towns[i % 2],
            channel=channels[i % 3],
            status=AppealStatus.CLOSED,
            answered_after=1 + i,
            closed_after=2 + i,
        )


def chart_boxes(page) -> list[dict]:
    page.wait_for_selector("[data-chart] canvas")
    return page.eval_on_selector_all(
        "[data-chart]",
        """els => els.map(el => {
            const c = el.querySelector('canvas');
            const r = c ? c.getBoundingClientRect() : {width: 0, height: 0};
            return {key: el.dataset.chart, width: r.width, height: r.height};
        })""",
    )


def test_dashboard_draws_every_chart(page, cast, appeals):
    login(page, cast.clerk.username, PASSWORD)
    page.goto(page.base_url + "/insight/?year=2022")
    boxes = chart_boxes(page)
    keys = {b["key"] for b in boxes}
    assert {"appeals_by_category", "appeals_by_channel", "appeals_by_town", "appeals_by_month"} <= keys
    assert all(b["width"] > 100 and b["height"] > 100 for b in boxes), boxes
    assert page.locator("[data-testid=heat-table] a").count() == 6
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run('#main', {resultTypes: ['violations']})")
    assert [v["id"] for v in result["violations"] if v.get("impact") in ("serious", "critical")] == []


def test_clicking_a_bar_opens_the_list_behind_it(page, cast, appeals):
    page.emulate_media(reduced_motion="reduce")  # no growing bars: click where the bar is drawn
    login(page, cast.clerk.username, PASSWORD)
    page.goto(page.base_url + "/insight/?year=2022")
    page.wait_for_selector("[data-chart=appeals_by_town] canvas")
    page.locator("[data-chart=appeals_by_town]").scroll_into_view_if_needed()
    box = page.locator("[data-chart=appeals_by_town]").bounding_box()
    # The middle of the first (largest) bar, in pixels, as ECharts laid it out.
    x, y = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.querySelector('[data-chart=appeals_by_town]'));
            const value = chart.getOption().series[0].data[0];
            return chart.convertToPixel({seriesIndex: 0}, [value / 2, 0]);
        }"""
    )
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url("**/appeals/office/**")
    assert "town=" in page.url and page.text_content("[data-testid=count]").strip() == "5"


def test_dashboard_on_a_phone_fits_the_screen(phone_page, cast, appeals):
    page = phone_page
    login(page, cast.chair.username, PASSWORD)
    page.goto(page.base_url + "/insight/?year=2022")
    boxes = chart_boxes(page)
    assert boxes and all(0 < b["width"] <= 375 and b["height"] > 100 for b in boxes), boxes
    assert page.evaluate("document.documentElement.scrollWidth") <= 376


def test_ranking_on_a_phone_shows_each_members_points_without_sideways_scrolling(phone_page, cast):
    from district.tests.factories import MemberFactory

    MemberFactory(name="洪志强")
    page = phone_page
    login(page, cast.chair.username, PASSWORD)
    page.goto(page.base_url + "/insight/duty/")
    total = page.locator('[data-testid="ranking"] tbody tr').first.locator("td").nth(8)
    box = total.bounding_box()
    assert box and box["x"] + box["width"] <= 375, box
    assert total.get_attribute("data-label") == "积分"


def overdue_labels(page) -> list[str]:
    """The overdue chart's x-axis labels ECharts draws (it drops those that would collide)."""
    page.wait_for_selector("[data-chart=overdue] canvas")
    return page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.querySelector('[data-chart=overdue]'));
            const axis = chart.getModel().getComponent('xAxis', 0).axis;
            return axis.getViewLabels().map(l => l.formattedLabel);
        }"""
    )


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_every_overdue_bar_is_named_on_a_desktop_and_a_phone(request, device, cast, appeals):
    """督办任务, 提案（超过答复期限）, 群众诉求（超过15天未办结）: long names wrap instead of one being dropped."""
    appeal(on=date(2022, 5, 1), status=AppealStatus.RECEIVED)  # still open: the chart has a bar to draw
    page = request.getfixturevalue(device)
    login(page, cast.chair.username, PASSWORD)
    page.goto(page.base_url + "/insight/?year=2022")
    labels = overdue_labels(page)
    assert [label.replace("\n", "") for label in labels] == [
        "督办任务",
        "提案（超过答复期限）",
        "群众诉求（超过15天未办结）",
    ]


def drawn(page, key: str) -> dict:
    """What ECharts drew for a figure: the category axis's labels as shown (lines joined by newlines),
    the full labels, and whether every text it drew (axis names included) lies inside the canvas."""
    page.wait_for_selector(f"[data-chart={key}] canvas")
    return page.evaluate(
        """key => {
            const el = document.querySelector(`[data-chart=${key}]`);
            const chart = echarts.getInstanceByDom(el);
            const option = chart.getOption();
            const onY = option.yAxis[0].type === 'category';
            const axis = chart.getModel().getComponent(onY ? 'yAxis' : 'xAxis', 0).axis;
            const texts = chart.getZr().storage.getDisplayList().filter(d => d.style && d.style.text);
            const outside = texts.filter(d => {
                const r = d.getBoundingRect().clone();
                if (d.transform) { r.applyTransform(d.transform); }
                return r.x < -1 || r.x + r.width > el.clientWidth + 1;
            }).map(d => d.style.text);
            return {
                shown: axis.getViewLabels().map(l => l.formattedLabel),
                full: (onY ? option.yAxis : option.xAxis)[0].data,
                unit: (onY ? option.xAxis : option.yAxis)[0].name,
                texts: texts.map(d => d.style.text),
                outside: outside,
            };
        }""",
        key,
    )


def whole_words(shown: str, full: str) -> bool:
    words = full.split()
    return all(w in words for w in shown.replace("…", "").split())


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_english_chart_labels_keep_whole_words_and_the_unit_shows_whole(request, device, cast, appeals):
    from intake.models import AppealCategory

    for name, english in (("养老", "Elderly care and social security"), ("教育", "Education")):
        AppealCategory.objects.filter(name=name).update(name_en=english)
    AppealCategory.objects.filter(name="医疗卫生").update(name_en="Ecology and environment")
    appeal(on=date(2022, 5, 1), status=AppealStatus.RECEIVED)  # an overdue appeal: the overdue chart has bars
    cast.chair.language = "en"
    cast.chair.save(update_fields=["language"])
    page = request.getfixturevalue(device)
    login(page, cast.chair.username, PASSWORD)
    page.goto(page.base_url + "/insight/?year=2022")
    by_category, overdue = drawn(page, "appeals_by_category"), drawn(page, "overdue")
    assert "Ecology and environment" in by_category["full"], by_category
    for figure in (by_category, overdue):
        assert len(figure["shown"]) == len(figure["full"]), figure
        for shown, full in zip(figure["shown"], figure["full"], strict=True):
            # Wrapped or shortened between words, never inside one ("Ecology an…", "appeal / s").
            assert whole_words(shown, full), (shown, full)
            assert shown.replace("\n", " ") == full or shown.endswith("…"), (shown, full)
        assert figure["unit"] and figure["unit"] in figure["texts"] and not figure["outside"], figure
    assert [s.replace("\n", " ") for s in overdue["shown"]] == overdue["full"]  # all three named in full
    if device == "page":
        assert by_category["shown"][0].replace("\n", " ") == by_category["full"][0]


def test_pie_slice_labels_give_the_count_without_a_unit(page, cast, appeals):
    cast.chair.language = "en"
    cast.chair.save(update_fields=["language"])
    login(page, cast.chair.username, PASSWORD)
    page.goto(page.base_url + "/insight/?year=2022")
    page.wait_for_selector("[data-chart=appeals_by_channel] canvas")
    labels = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.querySelector('[data-chart=appeals_by_channel]'));
            return chart.getZr().storage.getDisplayList().filter(d => d.style && d.style.text).map(d => d.style.text);
        }"""
    )
    assert "3" in "\n".join(labels) and not [t for t in labels if "items" in t], labels
