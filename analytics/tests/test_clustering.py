"""Entity-aware clustering (no database): one estate's different complaints join, its other matters don't."""

from datetime import datetime, timedelta

from analytics.clustering import Doc, cluster
from analytics.text import content_words, default_tokenizer, entities

SHOPS = [  # one estate, several complaints about the same ground-floor shops
    ("凤栖花园底层餐馆油烟直排", "凤栖花园底层餐馆油烟直排进小区，楼上住户不敢开窗，油烟味很重。"),
    ("凤栖花园商铺烧烤营业到凌晨", "凤栖花园临街商铺烧烤营业到凌晨，吆喝声吵得居民无法休息。"),
    ("凤栖花园一楼夜宵摊噪音扰民", "凤栖花园一楼商铺开夜宵摊，深夜噪音扰民，烧烤烟味飘进家里。"),
    ("凤栖花园门面油烟和噪音", "凤栖花园门面餐馆油烟大，半夜还在营业，噪音扰民严重。"),
]
CRACKS = [  # the same estate, another matter
    ("凤栖花园楼板开裂", "凤栖花园多户楼板开裂、墙面裂缝，开发商拒不维修。"),
    ("凤栖花园墙面开裂无人管", "凤栖花园墙面开裂越来越严重，业主担心房屋质量安全。"),
    ("凤栖花园房屋质量问题", "凤栖花园交房一年楼板墙面开裂，开发商推诿。"),
]
ELSEWHERE = [  # a similar nuisance at other estates, in other words
    ("翠湖小区饭店排烟熏人", "翠湖小区旁边饭店排烟熏人，窗户都不敢开。"),
    ("银溪公寓楼下大排档太吵", "银溪公寓楼下大排档喝酒划拳到半夜，吵得睡不着。"),
]


def _docs(rows):
    tok = default_tokenizer()
    start = datetime(2024, 5, 1)
    return [
        Doc(
            key=str(i),
            title=title,
            words=content_words(f"{title} {body}", tok),
            title_words=content_words(title, tok),
            created_at=start + timedelta(days=i),
        )
        for i, (title, body) in enumerate(rows)
    ]


def test_entities_are_estate_school_and_company_names_without_letter_codes():
    assert entities("A市魅力之城商铺无排烟管道，小区内到处油烟味") == ["魅力之城"]
    assert entities("A3区祥平学校门口放学拥堵") == ["祥平学校"]
    assert entities("某某公司拖欠工资") == ["某某公司"]
    assert entities("西柯镇路灯不亮", places=["西柯镇"]) == ["西柯镇"]
    assert entities("路灯不亮") == []


def test_one_estates_complaints_about_its_shops_form_one_cluster_without_its_other_matters():
    docs = _docs(SHOPS + CRACKS + ELSEWHERE)
    groups = [{docs[i].title for i in c.members} for c in cluster(docs)]
    shops = {t for t, _b in SHOPS}
    cracks = {t for t, _b in CRACKS}
    assert shops in groups
    assert cracks in groups
    assert not any(g & {t for t, _b in ELSEWHERE} for g in groups)


def test_without_the_name_boost_the_different_wordings_do_not_join():
    docs = _docs(SHOPS + CRACKS + ELSEWHERE)
    groups = [{docs[i].title for i in c.members} for c in cluster(docs, entity_boost=0)]
    assert {t for t, _b in SHOPS} not in groups


def test_a_trend_has_a_bar_per_day_week_or_month_never_one_per_day_of_a_long_window():
    from zoneinfo import ZoneInfo

    from analytics.clustering import trend_counts, trend_unit

    zone = ZoneInfo("Asia/Shanghai")
    since = datetime(2020, 1, 1, tzinfo=zone)
    dates = [
        datetime(2020, 1, 2, 9, tzinfo=zone),
        datetime(2020, 1, 3, tzinfo=zone),
        datetime(2024, 12, 30, tzinfo=zone),
    ]

    month = datetime(2020, 1, 31, 23, 59, tzinfo=zone)
    assert trend_unit(since, month) == "day"
    assert len(trend_counts(dates[:2], since, month)) == 31

    two_years = datetime(2021, 12, 31, tzinfo=zone)
    weekly = trend_counts(dates[:2], since, two_years)
    assert trend_unit(since, two_years) == "week" and len(weekly) <= 106
    assert weekly[0] == ["2019-12-30", 2]  # the Monday of 2020-01-01's week

    five_years = datetime(2024, 12, 31, tzinfo=zone)
    monthly = trend_counts(dates, since, five_years)
    assert trend_unit(since, five_years) == "month" and len(monthly) == 60
    assert monthly[0] == ["2020-01-01", 2] and monthly[-1] == ["2024-12-01", 1]
    assert sum(n for _d, n in monthly) == 3


def test_a_trend_counts_the_districts_day_not_utc():
    from zoneinfo import ZoneInfo

    from analytics.clustering import trend_counts

    since = datetime(2024, 5, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    until = datetime(2024, 5, 3, tzinfo=ZoneInfo("Asia/Shanghai"))
    early = datetime(2024, 5, 1, 23, 30, tzinfo=ZoneInfo("UTC"))  # 2024-05-02 07:30 in the district
    assert trend_counts([early], since, until) == [["2024-05-01", 0], ["2024-05-02", 1], ["2024-05-03", 0]]


def test_a_window_over_five_years_is_too_long():
    from datetime import date

    from analytics.clustering import window_too_long

    assert not window_too_long(date(2020, 1, 1), date(2024, 12, 31))
    assert window_too_long(date(1900, 1, 1), date(2999, 12, 31))
    assert window_too_long(date(2015, 1, 1), date(2024, 12, 31))
