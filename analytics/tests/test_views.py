"""Office pages: who may open them, one-click accept, correction form keeps input, topic page chart data."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import DuplicateCandidate, RoutingSuggestion, SuggestionStatus
from analytics.services import duplicates, hot_topics, routing
from analytics.tests.factories import AppealFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggestions(cast, labelled):
    routing.train_routing_model(rows=routing.labelled_rows(), source="records")
    return [routing.suggest_routing(appeal=AppealFactory(title=f"电梯故障{i}", body="电梯停运")) for i in range(3)]


def test_routing_pages_are_office_only(client, cast, suggestions):
    client.force_login(cast.member)
    assert client.get(reverse("analytics:suggestions")).status_code == 404
    assert client.get(reverse("analytics:suggestion", args=[suggestions[0].pk])).status_code == 404
    client.force_login(cast.clerk)
    assert client.get(reverse("analytics:suggestions")).status_code == 200


def test_suggestion_list_query_count_does_not_grow(client, cast, suggestions, django_assert_max_num_queries):
    client.force_login(cast.clerk)
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("analytics:suggestions"))
    for i in range(5):
        routing.suggest_routing(appeal=AppealFactory(title=f"电梯困人{i}", body="电梯"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse("analytics:suggestions")).content.decode()
    assert html.count('data-testid="accept-') == 8


def test_one_click_accept(client, cast, suggestions):
    client.force_login(cast.clerk)
    s = suggestions[0]
    response = client.post(reverse("analytics:accept", args=[s.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("analytics:suggestions")  # never to another site
    assert RoutingSuggestion.objects.get(pk=s.pk).status == SuggestionStatus.ACCEPTED
    back = client.post(reverse("analytics:accept", args=[suggestions[1].pk]), {"next": "/appeals/office/?page=2"})
    assert back["Location"] == "/appeals/office/?page=2"


def test_a_refused_correction_rerenders_with_the_message(client, cast, suggestions):
    client.force_login(cast.clerk)
    response = client.post(
        reverse("analytics:suggestion", args=[suggestions[0].pk]), {"category": "", "department": ""}
    )
    assert response.status_code == 200
    assert "请至少选择" in response.content.decode()
    assert RoutingSuggestion.objects.get(pk=suggestions[0].pk).status == SuggestionStatus.PENDING


def test_duplicate_page_shows_both_appeals_their_place_and_merge_button(client, cast):
    from district.tests.factories import CommunityFactory

    place = CommunityFactory(name="丙洲社区", town__name="西柯镇")
    a = AppealFactory(
        title="丙洲社区垃圾中转站臭味严重",
        body="丙洲社区垃圾中转站臭味严重，夏天居民无法开窗，请求搬迁中转站。",
        town=place.town,
        community=place,
    )
    duplicates.fingerprint_appeal(appeal=a)
    b = AppealFactory(
        title="丙洲社区垃圾中转站太臭了", body="丙洲社区垃圾中转站臭味很大，夏天居民都不敢开窗，希望把中转站搬走。"
    )
    duplicates.record_duplicates(appeal=b)
    pair = DuplicateCandidate.objects.get()
    client.force_login(cast.clerk)
    html = client.get(reverse("analytics:duplicate", args=[pair.pk])).content.decode()
    assert a.tracking_code in html and b.tracking_code in html and 'data-action="merge"' in html
    # The clerk sees where each appeal is before merging (the later one's place was not recorded).
    assert "所在地：西柯镇丙洲社区" in html and "所在地：未登记" in html
    client.force_login(cast.liaison)
    assert client.get(reverse("analytics:duplicate", args=[pair.pk])).status_code == 404


def test_topic_page_passes_the_trend_as_json_for_the_static_chart(client, cast):
    for i in range(3):
        AppealFactory(title=f"凤山小区电梯故障{i}", body="凤山小区电梯故障停运，物业维修不及时。")
    run = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=2))
    topic = run.topics.get()
    client.force_login(cast.chair)
    html = client.get(reverse("analytics:topic", args=[topic.pk])).content.decode()
    assert 'id="trend-data"' in html and "analytics/trend.js" in html and "<script>" not in html
    client.force_login(cast.member)
    assert client.get(reverse("analytics:topics")).status_code == 404


def test_search_page_highlights_and_rejects_bad_dates(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        AppealFactory(title="丙洲垃圾中转站臭味", body="臭味扰民", citizen=cast.citizen)
    client.force_login(cast.citizen)
    html = client.get(reverse("analytics:search"), {"q": "中转站"}).content.decode()
    assert "<mark>中转站</mark>" in html
    html = client.get(reverse("analytics:search"), {"q": "中转站", "date_from": "2024-05-02", "date_to": "2024-05-01"})
    assert "截止日期不能早于起始日期" in html.content.decode()


def test_search_finds_an_appeal_by_its_tracking_code_only_for_who_may_see_it(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = AppealFactory(
            title="丙洲垃圾中转站臭味", body="臭味扰民", citizen=cast.citizen, tracking_code="K7QM-3XPA"
        )
        AppealFactory(title="凤山小区电梯故障", body="电梯停运")
    code = appeal.tracking_code
    client.force_login(cast.clerk)
    for typed in (code, code.lower(), code.replace("-", ""), code.replace("-", " ")):
        html = client.get(reverse("analytics:search"), {"q": typed}).content.decode()
        assert "共 1 条结果" in html and appeal.title in html, typed
    api = client.get("/api/v1/search/", {"q": code.lower()}).json()
    assert [r["id"] for r in api["results"]] == [appeal.pk]
    client.force_login(cast.member)
    assert appeal.title not in client.get(reverse("analytics:search"), {"q": code}).content.decode()


def test_a_search_without_results_says_so(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        AppealFactory(title="丙洲垃圾中转站臭味", body="臭味扰民")
    client.force_login(cast.clerk)
    html = client.get(reverse("analytics:search"), {"q": "无此内容词语"}).content.decode()
    assert 'data-testid="result-count"' in html and "没有找到您有权查看的匹配内容" in html


def test_far_dates_are_refused_with_a_message_not_a_500(client, cast):
    client.force_login(cast.clerk)
    for params in ({"date_from": "0001-01-01"}, {"date_to": "9999-12-31"}):
        response = client.get(reverse("analytics:search"), {"q": "中转站", **params})
        assert response.status_code == 200 and "is-invalid" in response.content.decode(), params
        api = client.get("/api/v1/search/", {"q": "中转站", **params})
        assert api.status_code == 400 and set(api.json()["error"]["fields"]) == set(params)
    for since in ("0001-01-01", "9999-12-31"):
        response = client.post(reverse("analytics:mine"), {"since": since, "until": ""})
        assert response.status_code == 302, since


def test_mining_a_window_of_centuries_is_refused_with_a_message_not_a_500(client, cast):
    from analytics.models import HotTopicRun

    client.force_login(cast.clerk)
    for until in ("2999-12-31", ""):
        response = client.post(reverse("analytics:mine"), {"since": "1900-01-01", "until": until}, follow=True)
        assert response.status_code == 200, until
        assert "挖掘时间范围不能超过5年" in response.content.decode(), until
    response = client.post(reverse("analytics:mine"), {"since": "2024-05-02", "until": "2024-05-01"}, follow=True)
    assert "截止日期：截止日期不能早于起始日期。" in response.content.decode()
    assert not HotTopicRun.objects.exists()


def test_a_long_windows_topic_page_labels_its_weekly_trend(client, cast):
    for i in range(3):
        a = AppealFactory(title=f"凤山小区电梯故障{i}", body="凤山小区电梯故障停运，物业维修不及时。")
        type(a).objects.filter(pk=a.pk).update(created_at=timezone.now() - timedelta(days=100 * i + 1))
    topic = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=365)).topics.get()
    client.force_login(cast.clerk)
    response = client.get(reverse("analytics:topic", args=[topic.pk]))
    trend = response.context["trend"]
    assert trend["label"] == "每周数量" and len(trend["days"]) <= 54 and sum(trend["counts"]) == 3


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"town": "99999"}, "镇街：所选镇街不存在，请重新选择。"),
        ({"kind": "zzz"}, "类型：没有“zzz”这一类型，请从列出的类型中选择。"),
        ({"q": "教" * 300}, "关键词：关键词不能超过100字（现有300字）。"),
    ],
)
def test_an_invalid_search_filter_is_explained_not_a_blank_page(client, cast, params, message):
    client.force_login(cast.clerk)
    response = client.get(reverse("analytics:search"), {"q": "教育", **params})
    html = response.content.decode()
    assert response.status_code == 200 and response.context["page"] is None
    assert 'data-testid="search-errors"' in html and message in html and "is-invalid" in html


def test_a_search_without_a_keyword_asks_for_one(client, cast):
    client.force_login(cast.clerk)
    html = client.get(reverse("analytics:search"), {"q": " ", "date_from": "2024-05-01"}).content.decode()
    assert 'data-testid="search-hint"' in html and "请输入关键词后再检索" in html
    assert 'data-testid="search-hint"' not in client.get(reverse("analytics:search")).content.decode()


def test_the_duplicate_pages_show_tracking_codes_only_to_who_may_see_them(client, cast):
    """The clerk, who answers the citizens, sees each appeal's tracking code on the list of pairs, the
    pair's page and the appeal's analysis page; the research office (office work, not the citizen's
    side) reads the titles only, also in the line naming the main case a merged appeal went into."""
    a = AppealFactory(
        title="丙洲社区垃圾中转站臭味严重", body="丙洲社区垃圾中转站臭味严重，夏天居民无法开窗，请求搬迁中转站。"
    )
    duplicates.fingerprint_appeal(appeal=a)
    b = AppealFactory(
        title="丙洲社区垃圾中转站太臭了", body="丙洲社区垃圾中转站臭味很大，夏天居民都不敢开窗，希望把中转站搬走。"
    )
    duplicates.record_duplicates(appeal=b)
    pair = DuplicateCandidate.objects.get()
    pages = [
        reverse("analytics:duplicates"),
        reverse("analytics:duplicate", args=[pair.pk]),
        reverse("analytics:appeal", args=[b.pk]),
    ]
    client.force_login(cast.clerk)
    for url in pages:
        html = client.get(url).content.decode()
        assert b.tracking_code in html, url
    client.force_login(cast.research)
    for url in pages:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and "丙洲社区垃圾中转站" in html, url
        assert a.tracking_code not in html and b.tracking_code not in html, url
    # Merged into the main case: named by its code for the clerk, by its title for the research office.
    type(b).objects.filter(pk=b.pk).update(merged_into=a)
    client.force_login(cast.clerk)
    assert a.tracking_code in client.get(reverse("analytics:appeal", args=[b.pk])).content.decode()
    client.force_login(cast.research)
    for url in pages[1:]:
        html = client.get(url).content.decode()
        assert "丙洲社区垃圾中转站臭味严重" in html and a.tracking_code not in html, url


def test_a_second_correction_starts_from_the_first_and_says_who_decided(client, cast, labelled, suggestions):
    """Review 2 #1: reopening a corrected suggestion pre-fills the routing in force, not the model's guess."""
    s = suggestions[0]
    assert s.category == labelled["elevator"]
    noise = labelled["noise"]
    routing.correct_suggestion(suggestion=s, actor=cast.clerk, category=noise, department=noise.department)
    client.force_login(cast.proposal)
    url = reverse("analytics:suggestion", args=[s.pk])
    response = client.get(url)
    form = response.context["form"]
    assert (form.initial["category"], form.initial["department"]) == (noise.pk, noise.department.pk)
    shown = response.content.decode().split('data-testid="current-routing"')[1].split("</div></div>")[0]
    assert noise.name in shown and cast.clerk.display in shown and "人工更正" in shown
    # Saving the form as it stands keeps the first correction.
    client.post(url, {"category": noise.pk, "department": noise.department.pk, "handler": ""})
    appeal = s.appeal
    appeal.refresh_from_db()
    assert appeal.category == noise
    html = client.get(reverse("analytics:appeal", args=[appeal.pk])).content.decode()
    assert "现行分派" in html and noise.name in html.split('data-testid="current-routing"')[1]


def test_a_closed_appeals_suggestion_offers_no_decision(client, cast, suggestions):
    """Review 2 #1: the closed appeal leaves the queue and its page says why nothing can be changed."""
    s = suggestions[0]
    type(s.appeal).objects.filter(pk=s.appeal_id).update(status="closed")
    client.force_login(cast.clerk)
    listing = client.get(reverse("analytics:suggestions")).content.decode()
    assert f'data-testid="accept-{s.pk}"' not in listing and f'data-testid="accept-{suggestions[1].pk}"' in listing
    html = client.get(reverse("analytics:suggestion", args=[s.pk])).content.decode()
    assert "分派不能再更改" in html and 'data-testid="correct-form"' not in html
    assert reverse("analytics:accept", args=[s.pk]) not in html
    response = client.post(reverse("analytics:suggestion", args=[s.pk]), {"category": s.category_id}, follow=True)
    assert "分派不能再更改" in response.content.decode()
    assert RoutingSuggestion.objects.get(pk=s.pk).status == SuggestionStatus.PENDING


def _topic_appeals(titles_and_ages):
    now = timezone.now()
    for title, days_ago in titles_and_ages:
        a = AppealFactory(title=title, body=f"{title}，物业维修不及时。")
        type(a).objects.filter(pk=a.pk).update(created_at=now - timedelta(days=days_ago))


def test_a_falling_topic_reads_as_falling_with_the_counts_of_both_halves(client, cast):
    """Review 2 #3: all five in the first half is 近期0件，前期5件，较前期下降, never 增长 0.17 倍."""
    _topic_appeals([(f"凤山小区电梯故障停运{i}", 25 - i) for i in range(5)])
    topic = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=30)).topics.get()
    assert (topic.volume, topic.recent, topic.earlier, topic.change) == (5, 0, 5, "down")
    client.force_login(cast.chair)
    for url in (reverse("analytics:topics"), reverse("analytics:topic", args=[topic.pk])):
        html = client.get(url).content.decode()
        assert "近期0件，前期5件，较前期下降" in html, url
        assert "倍" not in html and "增长" not in html, url


def test_a_topic_without_any_recorded_or_named_place_does_not_say_zero_places(client, cast):
    """Review 2 #8: 涉及 0 处 read as "nowhere"; the page says the place is not recorded."""
    _topic_appeals([(f"凤山小区电梯故障停运{i}", 3 - i) for i in range(3)])
    topic = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=30)).topics.get()
    assert topic.spread == 0
    client.force_login(cast.clerk)
    html = client.get(reverse("analytics:topic", args=[topic.pk])).content.decode()
    assert "涉及地点未登记" in html and "涉及 0 处" not in html


def test_earlier_runs_stay_reachable_from_the_topics_page(client, cast):
    """Review 2 #4: re-mining does not hide the last run's candidates still 待研判."""
    _topic_appeals([(f"凤山小区电梯故障停运{i}", 40 + i) for i in range(3)])
    first = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=60))
    pending = first.topics.get()
    _topic_appeals([(f"祥平学校门口放学拥堵{i}", 2 + i) for i in range(3)])
    second = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=10))
    client.force_login(cast.chair)
    html = client.get(reverse("analytics:topics")).content.decode()
    assert 'data-testid="run-picker"' in html and f'<option value="{first.pk}"' in html
    assert "待研判1个" in html and "祥平学校" in html and pending.title not in html.split('data-testid="topics"')[1]
    earlier = client.get(reverse("analytics:topics"), {"run": first.pk})
    assert pending.title in earlier.content.decode() and earlier.context["run"] == first
    assert client.get(reverse("analytics:topics"), {"run": "x"}).status_code == 404
    assert second.pk != first.pk


def test_mining_a_window_without_texts_is_refused_and_keeps_the_typed_dates(client, cast):
    """Review 2 #4: an empty run would replace the one shown; it is refused and the dates stay typed."""
    from analytics.models import HotTopicRun

    _topic_appeals([(f"凤山小区电梯故障停运{i}", 40 + i) for i in range(3)])
    shown = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=60))
    client.force_login(cast.clerk)
    response = client.post(reverse("analytics:mine"), {"since": "2020-03-01", "until": "2020-03-02"}, follow=True)
    html = response.content.decode()
    assert "2020-03-01至2020-03-02没有群众诉求或社情民意信息，未进行挖掘" in html
    assert 'value="2020-03-01"' in html and 'value="2020-03-02"' in html
    assert list(HotTopicRun.objects.all()) == [shown] and response.context["run"] == shown


def test_a_future_start_without_an_end_says_the_start_is_in_the_future(client, cast):
    """Review 2 #10: not "截止日期不能早于起始日期" when no end date was typed."""
    client.force_login(cast.clerk)
    since = (timezone.localdate() + timedelta(days=3)).isoformat()
    html = client.post(reverse("analytics:mine"), {"since": since, "until": ""}, follow=True).content.decode()
    assert "起始日期：起始日期不能晚于今天" in html and "截止日期不能早于起始日期" not in html
    assert f'value="{since}"' in html
