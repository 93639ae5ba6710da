"""Search: Chinese full text over registered kinds, filters, highlights, and nobody finds what they may not see."""

import pytest
from django.db import connection
from django.utils import timezone

from analytics import registry
from analytics.models import SearchDocument
from analytics.selectors import hits_for, search_documents
from analytics.services import search
from analytics.tests.factories import AppealFactory, MeetingFactory, OpinionReportFactory
from district.tests.factories import TownFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(cast, django_capture_on_commit_callbacks):
    town = TownFactory(name="西柯镇")
    with django_capture_on_commit_callbacks(execute=True):
        mine = AppealFactory(
            title="丙洲社区垃圾中转站臭味严重",
            body="夏天垃圾中转站臭味扰民，请求搬迁。",
            citizen=cast.citizen,
            town=town,
        )
        dept = AppealFactory(
            title="垃圾分类投放点设置不合理", body="投放点离住户太近。", department=cast.liaison.department
        )
        other = AppealFactory(title="学校门口交通拥堵", body="放学时段拥堵。", citizen=cast.other_member)
        report = OpinionReportFactory(
            title="关于垃圾中转站选址的建议", body="中转站应远离居民区。", author=cast.member, status="submitted"
        )
        meeting = MeetingFactory(
            title="垃圾分类专题协商会", agenda="听取城管局关于垃圾中转站建设的情况通报", created_by=cast.clerk
        )
    from core.workflow import perform
    from supervision.services import create_task

    # Referred to the liaison's department, which is what lets its liaisons find it.
    task = create_task(source=dept, title=dept.title, actor=cast.clerk, lead_department=cast.liaison.department)
    perform(task, "assign", actor=cast.gov_office, data={"due_date": "2099-01-01"})  # transferred (交办)
    return {"mine": mine, "dept": dept, "other": other, "report": report, "meeting": meeting, "town": town}


def _found(user, query, **filters):
    docs, _terms = search_documents(user, query, **filters)
    return {(d.kind, d.object_id) for d in docs}


def test_saving_a_record_indexes_it_after_commit(corpus):
    assert SearchDocument.objects.filter(kind="appeal").count() == 3
    assert SearchDocument.objects.get(kind="meeting").tokens.count("垃圾") >= 1


def test_the_office_finds_every_kind_by_chinese_words(cast, corpus):
    found = _found(cast.clerk, "垃圾中转站")
    assert found == {
        ("appeal", corpus["mine"].pk),
        ("opinion_report", corpus["report"].pk),
        ("meeting", corpus["meeting"].pk),
    }


def test_all_words_of_the_query_must_match(cast, corpus):
    assert _found(cast.clerk, "中转站 选址") == {("opinion_report", corpus["report"].pk)}


def test_nobody_finds_what_they_may_not_see(cast, corpus):
    assert _found(cast.citizen, "垃圾") == {("appeal", corpus["mine"].pk)}
    assert _found(cast.liaison, "垃圾") == {("appeal", corpus["dept"].pk)}
    assert _found(cast.other_liaison, "垃圾") == set()
    assert _found(cast.member, "垃圾") == {("opinion_report", corpus["report"].pk)}
    assert _found(cast.anonymous, "垃圾") == set()


def test_filters_by_kind_town_and_date(cast, corpus):
    assert _found(cast.clerk, "垃圾", kinds=["meeting"]) == {("meeting", corpus["meeting"].pk)}
    assert _found(cast.clerk, "垃圾", town=corpus["town"]) == {("appeal", corpus["mine"].pk)}
    today = timezone.localdate(corpus["mine"].created_at)  # the district's date (UTC's is a day behind after 16:00)
    assert len(_found(cast.clerk, "垃圾", date_from=today, date_to=today)) == 4
    assert _found(cast.clerk, "垃圾", date_to=today.fromordinal(today.toordinal() - 1)) == set()


def test_hits_highlight_the_query_words(cast, corpus):
    docs, terms = search_documents(cast.clerk, "中转站 选址")
    [hit] = hits_for(list(docs), terms)
    assert [p for p, marked in hit.title_parts if marked] == ["中转站", "选址"]


def test_edits_and_deletes_keep_the_index_in_step(cast, corpus, django_capture_on_commit_callbacks):
    report = corpus["report"]
    with django_capture_on_commit_callbacks(execute=True):
        report.title = "关于公厕建设的建议"
        report.body = "公厕太少。"
        report.save()
    assert ("opinion_report", report.pk) not in _found(cast.clerk, "中转站")
    assert ("opinion_report", report.pk) in _found(cast.clerk, "公厕")
    with django_capture_on_commit_callbacks(execute=True):
        corpus["other"].delete()
    assert not SearchDocument.objects.filter(kind="appeal", object_id=corpus["other"].pk).exists()


def test_rebuild_recreates_the_index_from_the_records(cast, corpus):
    SearchDocument.objects.all().delete()
    counts = search.rebuild_index()
    assert counts["appeal"] == 3 and counts["opinion_report"] == 1 and counts["meeting"] == 1
    assert ("appeal", corpus["mine"].pk) in _found(cast.clerk, "臭味")


def test_a_new_kind_is_searchable_by_registering_it(cast, corpus):
    from django.contrib.auth import get_user_model

    kind = registry.SearchKind(
        key="user_names",
        label="用户",
        model="accounts.User",
        title="full_name",
        text_fields=("username",),
        visible=lambda user: get_user_model().objects.filter(pk=user.pk),
        url=lambda obj: "",
        created_field="date_joined",
    )
    registry.register_kind(kind)
    try:
        cast.clerk.full_name = "垃圾分类宣传员"
        search.index_record(kind=kind, obj=cast.clerk)
        assert ("user_names", cast.clerk.pk) in _found(cast.clerk, "宣传员")
        assert ("user_names", cast.clerk.pk) not in _found(cast.member, "宣传员")
    finally:
        registry.unregister_kind("user_names")


def test_query_count_does_not_grow_with_results(cast, corpus, django_assert_max_num_queries):
    for i in range(15):
        AppealFactory(title=f"垃圾桶满溢{i}", body="无人清运")
    search.rebuild_index()
    with django_assert_max_num_queries(7):  # 6, and SQLite's count of matches that picks its plan
        docs, terms = search_documents(cast.clerk, "垃圾")
        hits = hits_for(list(docs[:20]), terms)
    assert len(hits) == 19


@pytest.mark.parametrize("who", ["clerk", "citizen", "liaison", "member"])
def test_both_sqlite_plans_find_the_same_rows_in_the_same_order(cast, corpus, who, monkeypatch):
    """A frequent word walks the date index, a rare one fetches by id: same answers, newest first."""
    from analytics import search_backend

    user = getattr(cast, who)

    def ordered(**filters):
        docs, _terms = search_documents(user, "垃圾", **filters)
        plans.append("(+" in str(docs.query))
        return [(d.kind, d.object_id) for d in docs]

    plans = []

    monkeypatch.setattr(search_backend, "SQLITE_MIN_BROAD", 10**9)  # never broad: fetch by id
    by_id = ordered(), ordered(town=corpus["town"]), ordered(kinds=["appeal"])
    monkeypatch.setattr(search_backend, "SQLITE_MIN_BROAD", 0)
    monkeypatch.setattr(search_backend, "SQLITE_FETCH_US", 10**9)  # always broad: walk the date index
    by_date = ordered(), ordered(town=corpus["town"]), ordered(kinds=["appeal"])
    assert by_id == by_date
    if connection.vendor == "sqlite":
        assert plans == [False] * 3 + [True] * 3
    assert by_id[0]  # every role in the corpus finds something with 垃圾 (see the visibility test)
