"""/api/v1/ for analytics: suggestions per appeal, an appeal's duplicates, hot topics, search; the pages' rules."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from analytics.models import SuggestionStatus
from analytics.services import duplicates, hot_topics, routing
from analytics.tests.factories import AppealFactory, OpinionReportFactory
from analytics.tests.test_duplicates import FIRST, OTHER, SAME_MATTER
from analytics.tests.test_hot_topics import ELEVATOR

pytestmark = pytest.mark.django_db


def auth(client, user, scope="write"):
    _token, key = ApiToken.issue(user=user, scope=scope)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_routing_suggestion_of_an_appeal_is_read_and_accepted(api_client, cast, labelled):
    routing.train_routing_model(rows=routing.labelled_rows(), source="records")
    appeal = AppealFactory(title="电梯困人", body="电梯困人半小时")
    routing.suggest_routing(appeal=appeal)
    clerk = auth(api_client, cast.clerk)
    rows = clerk.get("/api/v1/analytics/routing-suggestions/", {"appeal": appeal.pk}).json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["appeal"], row["category"], row["status"]) == (appeal.pk, "elevator", SuggestionStatus.PENDING)
    assert row["department"] == labelled["elevator"].department_id and 0 < row["category_confidence"] <= 1
    done = clerk.post(f"/api/v1/analytics/routing-suggestions/{row['id']}/transitions/", {"action": "accept"})
    assert done.status_code == 200 and done.json()["status"] == SuggestionStatus.ACCEPTED
    appeal.refresh_from_db()
    assert appeal.category == labelled["elevator"]


def test_routing_suggestions_are_office_work(api_client, cast, labelled):
    routing.train_routing_model(rows=routing.labelled_rows(), source="records")
    suggestion = routing.suggest_routing(appeal=AppealFactory(title="电梯困人", body="电梯困人"))
    member = auth(api_client, cast.member)
    assert member.get("/api/v1/analytics/routing-suggestions/").json()["results"] == []
    missing = member.get(f"/api/v1/analytics/routing-suggestions/{suggestion.pk}/")
    assert missing.status_code == 404 and missing.json()["error"]["code"]


def test_the_duplicates_of_an_appeal_either_side(api_client, cast):
    first = AppealFactory(title=FIRST[0], body=FIRST[1])
    other = AppealFactory(title=OTHER[0], body=OTHER[1])
    second = AppealFactory(title=SAME_MATTER[0], body=SAME_MATTER[1])
    for a in (first, other, second):
        duplicates.fingerprint_appeal(appeal=a)
    duplicates.record_duplicates(appeal=second)
    clerk = auth(api_client, cast.clerk)
    for appeal in (first, second):
        rows = clerk.get("/api/v1/analytics/duplicates/", {"appeal": appeal.pk}).json()["results"]
        assert [(r["appeal"], r["original"]) for r in rows] == [(second.pk, first.pk)]
        assert rows[0]["similarity"] >= duplicates.DUPLICATE_THRESHOLD
    assert clerk.get("/api/v1/analytics/duplicates/", {"appeal": other.pk}).json()["results"] == []
    bad = clerk.get("/api/v1/analytics/duplicates/", {"appeal": "x"})
    assert bad.status_code == 400 and "appeal" in bad.json()["error"]["fields"]
    assert auth(api_client, cast.member).get("/api/v1/analytics/duplicates/").json()["results"] == []


@pytest.fixture
def topic_run(cast):
    now = timezone.now()
    for i, (title, body) in enumerate(ELEVATOR):
        a = AppealFactory(title=title, body=body, citizen=cast.citizen if i == 0 else None)
        type(a).objects.filter(pk=a.pk).update(created_at=now - timedelta(days=5 - i))
    OpinionReportFactory(
        title="凤山小区电梯老化", body="凤山小区电梯故障频繁，物业维修不及时。", author=cast.member, status="submitted"
    )
    return hot_topics.mine_hot_topics(since=now - timedelta(days=30), actor=cast.clerk)


def test_hot_topics_list_and_detail_with_trend_and_evidence(api_client, cast, topic_run):
    clerk = auth(api_client, cast.clerk)
    rows = clerk.get("/api/v1/analytics/hot-topics/").json()["results"]
    assert [r["rank"] for r in rows] == [1] and rows[0]["volume"] == 5 and "电梯" in rows[0]["keywords"]
    # Review 2 #3: the two halves' plain counts and their direction, beside the ranking's smoothed growth.
    assert (rows[0]["recent"], rows[0]["earlier"], rows[0]["change"]) == (5, 0, "up")
    detail = clerk.get(f"/api/v1/analytics/hot-topics/{rows[0]['id']}/").json()
    assert sum(d["count"] for d in detail["trend"]) == 5
    assert {e["kind"] for e in detail["evidence"]} == {"appeal", "opinion_report"} and len(detail["evidence"]) == 5
    assert all(e["url"] for e in detail["evidence"])
    actions = clerk.get(f"/api/v1/analytics/hot-topics/{rows[0]['id']}/transitions/").json()
    assert {a["action"] for a in actions} == {"send", "dismiss"}


def test_hot_topics_are_hidden_from_members(api_client, cast, topic_run):
    member = auth(api_client, cast.member)
    topic = topic_run.topics.get()
    assert member.get("/api/v1/analytics/hot-topics/").json()["results"] == []
    assert member.get(f"/api/v1/analytics/hot-topics/{topic.pk}/").status_code == 404


@pytest.fixture
def indexed(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mine = AppealFactory(title="丙洲社区垃圾中转站臭味严重", body="中转站臭味扰民。", citizen=cast.citizen)
        theirs = AppealFactory(title="垃圾中转站选址不合理", body="中转站离学校太近。", citizen=cast.other_member)
        report = OpinionReportFactory(
            title="关于垃圾中转站的建议", body="中转站应远离居民区。", author=cast.member, status="submitted"
        )
    return {"mine": mine, "theirs": theirs, "report": report}


def test_search_finds_chinese_words_with_marked_hits_and_kind_filter(api_client, cast, indexed):
    clerk = auth(api_client, cast.clerk)
    body = clerk.get("/api/v1/search/", {"q": "垃圾中转站"}).json()
    assert body["count"] == 3
    assert {(r["kind"], r["id"]) for r in body["results"]} == {
        ("appeal", indexed["mine"].pk),
        ("appeal", indexed["theirs"].pk),
        ("opinion_report", indexed["report"].pk),
    }
    hit = next(r for r in body["results"] if r["id"] == indexed["mine"].pk and r["kind"] == "appeal")
    assert {p["text"] for p in hit["title_parts"] if p["hit"]} >= {"垃圾", "中转站"}
    only = clerk.get("/api/v1/search/", {"q": "中转站", "kind": "opinion_report"}).json()
    assert [(r["kind"], r["id"]) for r in only["results"]] == [("opinion_report", indexed["report"].pk)]


def test_search_respects_permissions(api_client, cast, indexed):
    citizen = auth(api_client, cast.citizen)
    found = {(r["kind"], r["id"]) for r in citizen.get("/api/v1/search/", {"q": "中转站"}).json()["results"]}
    assert found == {("appeal", indexed["mine"].pk)}


def test_search_rejects_bad_input_with_structured_errors(api_client, cast, indexed):
    clerk = auth(api_client, cast.clerk)
    missing = clerk.get("/api/v1/search/")
    assert missing.status_code == 400 and "q" in missing.json()["error"]["fields"]
    unknown = clerk.get("/api/v1/search/", {"q": "中转站", "kind": "secret"})
    assert unknown.status_code == 400 and "kind" in unknown.json()["error"]["fields"]
    reversed_dates = clerk.get("/api/v1/search/", {"q": "中转站", "date_from": "2024-05-02", "date_to": "2024-05-01"})
    assert reversed_dates.status_code == 400
