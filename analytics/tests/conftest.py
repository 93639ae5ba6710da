import pytest

from analytics.tests.factories import AppealCategoryFactory, AppealFactory


@pytest.fixture(autouse=True)
def _fresh_lexicon():
    """Each test sees the lexicon of its own database."""
    from analytics import lexicon

    lexicon.forget()
    yield
    lexicon.forget()


ELEVATOR = [
    "小区电梯经常故障停运",
    "电梯困人物业维修慢",
    "老旧小区加装电梯补贴",
    "电梯年检过期仍在运行",
    "电梯异响晃动很危险",
]
SCHOOL = [
    "学校门口放学交通拥堵",
    "孩子入学学位紧张",
    "校外培训机构退费难",
    "小学课后服务时间太短",
    "学校食堂饭菜质量差",
]
NOISE = ["夜间工地施工噪音扰民", "烧烤店噪音到凌晨", "广场舞音响声音太大", "装修噪音周末一早开始", "酒吧音乐噪音扰民"]


@pytest.fixture
def labelled(cast):
    """45 appeals in three categories, each with its category's department on record."""
    cats = {
        "elevator": AppealCategoryFactory(code="elevator", name="电梯安全", department=cast.liaison.department),
        "school": AppealCategoryFactory(code="school", name="教育入学", department=cast.liaison.department),
        "noise": AppealCategoryFactory(code="noise", name="噪音扰民", department=cast.other_liaison.department),
    }
    for code, texts in (("elevator", ELEVATOR), ("school", SCHOOL), ("noise", NOISE)):
        for i, t in enumerate(texts * 3):
            AppealFactory(
                title=t, body=f"{t}，请尽快处理。第{i}次反映", category=cats[code], department=cats[code].department
            )
    return cats
