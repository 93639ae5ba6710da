"""Hot topics: recent appeals and reports clustered, ranked, labelled; the send action is guarded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics.models import HotTopic, TopicStatus
from analytics.services import hot_topics
from analytics.tests.factories import AppealFactory, OpinionReportFactory
from core.exceptions import Refused
from core.workflow import perform

pytestmark = pytest.mark.django_db

ELEVATOR = [
    ("凤山小区电梯频繁故障", "凤山小区电梯频繁故障停运，老人上下楼困难，物业维修不及时。"),
    ("凤山小区电梯又坏了", "凤山小区的电梯又故障了，困人半小时，物业维修太慢。"),
    ("凤山小区电梯故障无人修", "凤山小区电梯故障停运一周，物业不维修，老人下不了楼。"),
    ("反映凤山小区电梯安全", "凤山小区电梯故障频繁，存在安全隐患，请督促物业维修。"),
]
SCHOOL = [
    ("祥平学校门口放学拥堵", "祥平学校门口放学时段接送车辆拥堵，学生过马路危险。"),
    ("祥平学校放学接送拥堵", "祥平学校放学接送车辆乱停，门口拥堵严重，学生安全堪忧。"),
    ("祥平学校门口交通混乱", "祥平学校门口放学时交通混乱拥堵，建议增设护学岗。"),
]
STRAYS = [
    ("公园路灯不亮", "滨海公园的路灯坏了两个月。"),
    ("菜市场卫生差", "东桥菜市场地面污水横流。"),
    ("公交班次太少", "去莲花镇的公交车一小时一班。"),
]


@pytest.fixture
def recent(cast):
    now = timezone.now()
    made = {}
    for name, rows in (("elevator", ELEVATOR), ("school", SCHOOL), ("stray", STRAYS)):
        made[name] = []
        for i, (title, body) in enumerate(rows):
            a = AppealFactory(title=title, body=body)
            type(a).objects.filter(pk=a.pk).update(created_at=now - timedelta(days=10 - i))
            made[name].append(a)
    report = OpinionReportFactory(
        title="凤山小区电梯老化问题亟待解决",
        body="凤山小区电梯故障频繁，物业维修不及时，建议纳入更新改造。",
        author=cast.member,
    )
    made["report"] = report
    return made


def test_clusters_are_formed_ranked_and_labelled_with_evidence(cast, recent):
    run = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=30), actor=cast.clerk)
    topics = list(run.topics.order_by("rank"))
    assert len(topics) == 2
    elevator, school = topics
    members = {(i.content_type.model, i.object_id) for i in elevator.items.all()}
    assert members == {("appeal", a.pk) for a in recent["elevator"]} | {("opinionreport", recent["report"].pk)}
    assert {i.object_id for i in school.items.all()} == {a.pk for a in recent["school"]}
    assert elevator.volume == 5 and "电梯" in elevator.keywords
    assert elevator.title in {t for t, _b in ELEVATOR} | {recent["report"].title}
    assert sum(n for _d, n in elevator.trend) == 5 and len(elevator.trend) == 31


def test_older_records_are_outside_the_window(cast, recent):
    run = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=3))
    assert run.n_documents == 1 and run.n_topics == 0


def test_a_window_that_ends_before_it_starts_is_refused():
    now = timezone.now()
    with pytest.raises(Refused):
        hot_topics.mine_hot_topics(since=now, until=now - timedelta(days=1))


def test_sending_is_refused_with_a_reason_while_the_plan_has_no_collection_round(cast, recent):
    run = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=30))
    topic = run.topics.get(rank=1)
    with pytest.raises(Refused) as err:
        hot_topics.send_to_collection_round(topic=topic, actor=cast.clerk)
    assert "征集" in str(err.value.message)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.NEW


def test_dismissing_needs_a_reason(cast, recent):
    run = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=30))
    topic = run.topics.get(rank=1)
    perform(topic, "dismiss", actor=cast.clerk, note="已列入去年计划")
    assert HotTopic.objects.get(pk=topic.pk).status == TopicStatus.DISMISSED


def test_the_cluster_cut_is_district_configuration(cast, recent, settings):
    from constance.test import override_config

    since = timezone.now() - timedelta(days=30)
    with override_config(ANALYTICS_CLUSTER_MIN_SIMILARITY=0.99, ANALYTICS_CLUSTER_ENTITY_BOOST=0.0):
        assert hot_topics.mine_hot_topics(since=since).n_topics == 0
    assert hot_topics.mine_hot_topics(since=since).n_topics == 2


def test_sending_creates_a_submitted_suggestion_in_the_open_round_linked_both_ways(cast, recent):
    from topics.models import SuggestionStatus, TopicSuggestion
    from topics.tests.factories import RoundFactory

    closed = RoundFactory(created_by=cast.clerk, status="closed")
    rnd = RoundFactory(created_by=cast.clerk)
    run = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=30))
    topic = run.topics.get(rank=1)
    evidence = set(topic.items.values_list("object_id", flat=True))

    hot_topics.send_to_collection_round(topic=topic, actor=cast.clerk)

    suggestion = TopicSuggestion.objects.get()
    assert suggestion.round == rnd and suggestion.round != closed
    assert suggestion.source == topic and suggestion.status == SuggestionStatus.SUBMITTED
    assert suggestion.title == topic.title and suggestion.suggester == cast.clerk
    assert "电梯" in suggestion.background and str(topic.volume) in suggestion.background
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SENT and topic.suggestion == suggestion
    assert set(topic.items.values_list("object_id", flat=True)) == evidence
    assert topic.history.first().history_user == cast.clerk


def test_sending_is_refused_when_the_only_round_has_passed_its_deadline(cast, recent):
    from topics.models import TopicSuggestion
    from topics.tests.factories import RoundFactory

    RoundFactory(created_by=cast.clerk, deadline=timezone.localdate() - timedelta(days=1))
    topic = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=30)).topics.get(rank=1)
    with pytest.raises(Refused) as err:
        hot_topics.send_to_collection_round(topic=topic, actor=cast.clerk)
    assert "没有正在征集" in str(err.value.message)
    assert not TopicSuggestion.objects.exists()
    topic.refresh_from_db()
    assert topic.status == TopicStatus.NEW and topic.suggestion is None


def test_a_window_over_five_years_is_refused_with_a_reason():
    now = timezone.now()
    with pytest.raises(Refused) as err:
        hot_topics.mine_hot_topics(since=now - timedelta(days=366 * 5 + 1), until=now)
    assert "不能超过5年" in str(err.value.message)
    assert not HotTopic.objects.exists()


def test_a_long_window_stores_a_weekly_trend(cast, recent):
    run = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=400))
    elevator = run.topics.get(rank=1)
    assert sum(n for _d, n in elevator.trend) == 5 and 57 <= len(elevator.trend) <= 59


def _letter(place: str, matter: str) -> tuple[str, str]:
    """The demo's letter (intake/demo.py): one formula around the place and the matter."""
    body = f"（演示）我是{place}的居民，{matter}，已经持续一段时间，影响日常生活，希望有关部门尽快了解情况并解决。"
    return f"{place}{matter}", body


# The demo's topics 12 and 11: matters joined by one generic word (损坏, 不透明), in places whose
# community names recur across towns (南安社区, 顶厝社区, 后埔村).
DEMO_MATTERS = {
    "irrigation": (
        "农田灌溉水渠损坏",
        [("祥平街道", "南安社区"), ("新民镇", "顶厝社区"), ("汀溪镇", "后埔村"), ("汀溪镇", "后埔村")],
    ),
    "lights": ("路灯损坏多日未修", [("西柯镇", "南安社区"), ("大同街道", "顶厝社区"), ("五显镇", "后埔村")]),
    "fees": ("课后托管服务收费不透明", [("新民镇", "顶厝社区"), ("祥平街道", "东山社区"), ("大同街道", "南安社区")]),
    "compensation": ("征地补偿款发放不透明", [("莲花镇", "新兴村"), ("大同街道", "后埔社区"), ("五显镇", "南安社区")]),
    "subsidy": ("种粮补贴发放标准不清", [("莲花镇", "东山社区"), ("莲花镇", "新兴村"), ("洪塘镇", "顶厝村")]),
    "allowance": ("高龄津贴发放延迟", [("洪塘镇", "东山村"), ("五显镇", "后埔村")]),
}


@pytest.fixture
def demo_matters(cast):
    from district.models import Community, Town

    now = timezone.now()
    made: dict[str, set[int]] = {}
    for n, (key, (matter, places)) in enumerate(DEMO_MATTERS.items()):
        made[key] = set()
        for i, (town_name, community_name) in enumerate(places):
            town, _new = Town.objects.get_or_create(name=town_name)
            community, _new = Community.objects.get_or_create(town=town, name=community_name)
            title, body = _letter(f"{town_name}{community_name}", matter)
            a = AppealFactory(title=title, body=body, town=town, community=community)
            type(a).objects.filter(pk=a.pk).update(created_at=now - timedelta(days=20 - n - i))
            made[key].add(a.pk)
    return made


def test_one_shared_generic_word_does_not_make_one_topic(demo_matters):
    run = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=30))
    topics = list(run.topics.all())
    which = {pk: key for key, pks in demo_matters.items() for pk in pks}
    assert topics
    for topic in topics:
        members = set(topic.items.values_list("object_id", flat=True))
        # One matter per topic: its title, count and keywords describe the items it holds.
        assert len({which[pk] for pk in members}) == 1, (topic.title, [i.title for i in topic.items.all()])
        matter, _places = DEMO_MATTERS[which[next(iter(members))]]
        assert topic.title.endswith(matter) and topic.volume == len(members)
        assert not {"南安社区", "顶厝社区", "祥平街道"} & set(topic.keywords)
    found = {which[next(iter(t.items.values_list("object_id", flat=True)))]: t.volume for t in topics}
    assert found["irrigation"] == 4 and found["fees"] == 3 and found["compensation"] == 3


def test_the_suggestion_quotes_the_counts_of_both_halves_and_the_history_names_it(cast, recent):
    """Review 2 #3 and #5: why_now says 近期N件，前期M件 (not the smoothed ratio); the audit trail names the
    suggestion created, with no raw field names (suggestion id / suggestion type)."""
    from core.workflow import history_for
    from topics.models import TopicSuggestion
    from topics.tests.factories import RoundFactory

    RoundFactory(created_by=cast.clerk)
    topic = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=30)).topics.get(rank=1)
    assert (topic.volume, topic.recent, topic.earlier, topic.change) == (5, 5, 0, "up")
    hot_topics.send_to_collection_round(topic=topic, actor=cast.clerk)
    suggestion = TopicSuggestion.objects.get()
    assert "近期5件，前期0件，较前期增长" in suggestion.why_now and "倍" not in suggestion.why_now
    topic.refresh_from_db()
    events = history_for(topic, cast.clerk)
    labels = [c["label"] for e in events for c in e.get("changes", ())]
    assert not any("suggestion" in label for label in labels), labels
    send = next(e for e in events if e.get("action") == "send")
    assert f"生成议题建议“{suggestion.title}”" in send["action_label"]
    assert topic._meta.get_field("suggestion_id").verbose_name == "议题建议编号"


def test_reports_without_a_place_count_the_town_their_title_names(cast):
    """Review 2 #8: 社情民意 reports record no place; the town or community named in the title counts."""
    from district.tests.factories import TownFactory

    TownFactory(name="新民镇")
    TownFactory(name="莲花镇")
    for i, town in enumerate(["新民镇", "新民镇", "莲花镇"]):
        OpinionReportFactory(
            title=f"关于{town}农村垃圾分类收运设施不足的建议{i}",
            body="农村垃圾分类收运设施不足，垃圾桶少，清运不及时。",
            author=cast.member,
        )
    topic = hot_topics.mine_hot_topics(since=timezone.now() - timedelta(days=3)).topics.get()
    assert topic.volume == 3 and topic.spread == 2


def test_a_window_without_texts_is_refused_and_stores_no_run(cast):
    """Review 2 #4: an empty run would become the one shown."""
    from analytics.models import HotTopicRun

    now = timezone.now()
    with pytest.raises(Refused) as err:
        hot_topics.mine_hot_topics(since=now - timedelta(days=400), until=now - timedelta(days=300))
    assert "没有群众诉求或社情民意信息" in str(err.value.message)
    assert not HotTopicRun.objects.exists()


def test_the_nightly_command_reports_a_quiet_window_without_failing(cast):
    """Review 2 #4: the cron line's quiet month stores no run and is no error (exit 0, a line of output)."""
    from io import StringIO

    from django.core.management import call_command

    from analytics.models import HotTopicRun

    out = StringIO()
    call_command("mine_hot_topics", "--since", "30d", stdout=out)
    assert "没有群众诉求或社情民意信息" in out.getvalue()
    assert not HotTopicRun.objects.exists()
