"""Demo district modelled on the seed (Tong'an, Xiamen, 2022). People other than the seed's are fictional."""

import random
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import ensure_role_groups
from core.demo_runner import DEMO_PASSWORD
from district.models import (
    Body,
    CalendarDay,
    Committee,
    Community,
    Department,
    Expert,
    Member,
    Party,
    PartyLeader,
    Sector,
    Session,
    Term,
    Town,
)

BODIES = [
    ("办公室", Body.Kind.OFFICE, False),
    ("研究室", Body.Kind.RESEARCH, False),
    ("提案委员会", Body.Kind.SPECIAL, True),
    ("经济委员会", Body.Kind.SPECIAL, False),
    ("农业和农村委员会", Body.Kind.SPECIAL, False),
    ("人口资源环境委员会", Body.Kind.SPECIAL, False),
    ("教科卫体委员会", Body.Kind.SPECIAL, False),
    ("文化文史和学习委员会", Body.Kind.SPECIAL, False),
    ("社会和法制委员会", Body.Kind.SPECIAL, False),
]
SECTORS = [
    "中共",
    "民革",
    "民盟",
    "民建",
    "民进",
    "农工党",
    "致公党",
    "九三学社",
    "无党派人士",
    "共青团",
    "工会",
    "妇联",
    "工商联",
    "科技",
    "经贸",
    "农业",
    "教育",
    "文化艺术",
    "医药卫生",
    "体育",
    "社会福利和社会保障",
    "少数民族和宗教",
    "特邀",
]
PARTIES = [
    ("中国共产党", "中共"),
    ("中国国民党革命委员会", "民革"),
    ("中国民主同盟", "民盟"),
    ("中国民主建国会", "民建"),
    ("中国民主促进会", "民进"),
    ("中国农工民主党", "农工党"),
    ("中国致公党", "致公党"),
    ("九三学社", "九三学社"),
    ("无党派人士", "无党派"),
    ("群众", "群众"),
]
# A party sector (界别) is formed by the members of that party, and the 无党派人士 sector by non-party
# figures: each such sector's name → the short name of the affiliation (党派) its members have.
PARTY_OF_SECTOR = {
    "中共": "中共",
    "民革": "民革",
    "民盟": "民盟",
    "民建": "民建",
    "民进": "民进",
    "农工党": "农工党",
    "致公党": "致公党",
    "九三学社": "九三学社",
    "无党派人士": "无党派",
}
# A member of any other sector may belong to a party or to none, in about the shares of a district CPPCC
# (Communist Party members a good third, every democratic party a few, many of no party): weights in %.
OTHER_SECTOR_AFFILIATION = {
    "中共": 36,
    "民革": 2,
    "民盟": 3,
    "民建": 4,
    "民进": 3,
    "农工党": 3,
    "致公党": 2,
    "九三学社": 3,
    "无党派": 8,
    "群众": 36,
}
# The English names English readers see (district lists keep their Chinese names as the record).
BODY_NAMES_EN = {
    "办公室": "General office",
    "研究室": "Research office",
    "提案委员会": "Proposals committee",
    "经济委员会": "Economic affairs committee",
    "农业和农村委员会": "Agriculture and rural affairs committee",
    "人口资源环境委员会": "Population, resources and environment committee",
    "教科卫体委员会": "Education, science, health and sports committee",
    "文化文史和学习委员会": "Culture, history and study committee",
    "社会和法制委员会": "Social and legal affairs committee",
}
SECTOR_NAMES_EN = {
    "中共": "CPC",
    "民革": "RCCK",
    "民盟": "CDL",
    "民建": "CNDCA",
    "民进": "CAPD",
    "农工党": "CPWDP",
    "致公党": "CZGP",
    "九三学社": "Jiusan Society",
    "无党派人士": "Non-party figures",
    "共青团": "Communist Youth League",
    "工会": "Trade unions",
    "妇联": "Women's federation",
    "工商联": "Federation of industry and commerce",
    "科技": "Science and technology",
    "经贸": "Economy and trade",
    "农业": "Agriculture",
    "教育": "Education",
    "文化艺术": "Culture and arts",
    "医药卫生": "Medicine and health",
    "体育": "Sports",
    "社会福利和社会保障": "Social welfare and social security",
    "少数民族和宗教": "Ethnic minorities and religion",
    "特邀": "Specially invited",
}
# Chinese short name: (English name, English short name)
PARTY_NAMES_EN = {
    "中共": ("Communist Party of China", "CPC"),
    "民革": ("Revolutionary Committee of the Chinese Kuomintang", "RCCK"),
    "民盟": ("China Democratic League", "CDL"),
    "民建": ("China National Democratic Construction Association", "CNDCA"),
    "民进": ("China Association for Promoting Democracy", "CAPD"),
    "农工党": ("Chinese Peasants and Workers Democratic Party", "CPWDP"),
    "致公党": ("China Zhi Gong Party", "CZGP"),
    "九三学社": ("Jiusan Society", "Jiusan Society"),
    "无党派": ("Non-party figures", "Non-party"),
    "群众": ("No party affiliation", "No affiliation"),
}
TOWNS = [
    ("大同街道", Town.Kind.STREET),
    ("祥平街道", Town.Kind.STREET),
    ("新民镇", Town.Kind.TOWN),
    ("西柯镇", Town.Kind.TOWN),
    ("五显镇", Town.Kind.TOWN),
    ("洪塘镇", Town.Kind.TOWN),
    ("莲花镇", Town.Kind.TOWN),
    ("汀溪镇", Town.Kind.TOWN),
]
COMMUNITY_SUFFIXES = ["东山", "溪美", "南安", "后埔", "顶厝", "新兴"]
DEPARTMENTS = [
    ("中共厦门市同安区委办公室", "区委办", Department.Kind.PARTY_OFFICE),
    ("厦门市同安区人民政府办公室", "政府办", Department.Kind.GOV_OFFICE),
    ("区教育局", "教育局", Department.Kind.FUNCTIONAL),
    ("区发展和改革局", "发改局", Department.Kind.FUNCTIONAL),
    ("区财政局", "财政局", Department.Kind.FUNCTIONAL),
    ("区工业和信息化局", "工信局", Department.Kind.FUNCTIONAL),
    ("区农业农村局", "农业农村局", Department.Kind.FUNCTIONAL),
    ("区住房和建设局", "住建局", Department.Kind.FUNCTIONAL),
    ("区卫生健康局", "卫健局", Department.Kind.FUNCTIONAL),
    ("区人力资源和社会保障局", "人社局", Department.Kind.FUNCTIONAL),
    ("区民政局", "民政局", Department.Kind.FUNCTIONAL),
    ("区文化和旅游局", "文旅局", Department.Kind.FUNCTIONAL),
    ("区市场监督管理局", "市场监管局", Department.Kind.FUNCTIONAL),
    ("区城市管理局", "城管局", Department.Kind.FUNCTIONAL),
    ("区商务局", "商务局", Department.Kind.FUNCTIONAL),
    ("区交通运输局", "交通局", Department.Kind.FUNCTIONAL),
    ("区生态环境局", "生态环境局", Department.Kind.FUNCTIONAL),
    ("新民镇人民政府", "新民镇", Department.Kind.TOWN),
]
# The 经贸 sector duty group of the seed (domain.md §0).
DUTY_GROUP = ["洪志强", "李宏墩", "陈宏", "洪冬云", "张彦"]
SURNAMES = "陈林黄张李王吴刘蔡杨许郑洪苏叶庄谢周颜曾柯叶邱傅"
GIVEN = "志明建华国平文秀丽芳雅婷伟强海燕晓东思远振兴嘉怡宏达俊杰金水春生丽娟美玲惠敏"


def _fake_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
        if name not in used and name not in DUTY_GROUP:
            used.add(name)
            return name


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))


def context() -> dict:
    committee = Committee.objects.order_by("id").first()
    if committee is None:
        return {}
    return {
        "committee": committee,
        "term": Term.objects.filter(is_current=True).first(),
        "departments": {d.short_name: d for d in Department.objects.all()},
        "bodies": {b.name: b for b in Body.objects.all()},
        "users": {u.username: u for u in User.objects.filter(username__in=_DEMO_USERNAMES)},
    }


_DEMO_USERNAMES = [
    "admin",
    "clerk",
    "research",
    "proposal",
    "info",
    "chair",
    "vicechair",
    "secgen",
    "member",
    "standing",
    "partyoffice",
    "govoffice",
    "partyleader",
    "liaison_edu",
    "liaison_hr",
    "expert",
    "citizen",
]


# The 2026 holiday calendar as the State Council's notice (国务院办公厅关于2026年部分节假日安排的通知)
# gives it: runs of days off, and the weekend days worked in exchange. The office enters each year's.
HOLIDAYS_2026 = [
    ("元旦", "2026-01-01", "2026-01-03", ["2026-01-04"]),
    ("春节", "2026-02-15", "2026-02-23", ["2026-02-14", "2026-02-28"]),
    ("清明节", "2026-04-04", "2026-04-06", []),
    ("劳动节", "2026-05-01", "2026-05-05", ["2026-05-09"]),
    ("端午节", "2026-06-19", "2026-06-21", []),
    ("中秋节", "2026-09-25", "2026-09-27", []),
    ("国庆节", "2026-10-01", "2026-10-07", ["2026-09-20", "2026-10-10"]),
]


def _holidays() -> None:
    rows = []
    for name, first, last, worked in HOLIDAYS_2026:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
        rows += [CalendarDay(date=start + timedelta(days=i), name=name) for i in range((end - start).days + 1)]
        rows += [CalendarDay(date=date.fromisoformat(d), name=f"{name}调休", is_workday=True) for d in worked]
    CalendarDay.objects.bulk_create(rows)


def load(ctx: dict) -> None:
    rng = random.Random(2022)
    ensure_role_groups()
    _holidays()
    committee = Committee.objects.create(
        name="中国人民政治协商会议厦门市同安区委员会",
        short_name="同安区政协",
        district_name="同安区",
        doc_prefix="同",
        is_demo=True,
    )
    term = _term_and_sessions(committee)
    bodies = {
        name: Body.objects.create(
            committee=committee,
            name=name,
            name_en=BODY_NAMES_EN.get(name, ""),
            kind=kind,
            handles_proposals=hp,
            order=i,
        )
        for i, (name, kind, hp) in enumerate(BODIES)
    }
    sectors = {
        name: Sector.objects.create(name=name, name_en=SECTOR_NAMES_EN.get(name, ""), order=i)
        for i, name in enumerate(SECTORS)
    }
    parties = {
        short: Party.objects.create(
            name=name,
            short_name=short,
            name_en=PARTY_NAMES_EN.get(short, ("", ""))[0],
            short_name_en=PARTY_NAMES_EN.get(short, ("", ""))[1],
            order=i,
        )
        for i, (name, short) in enumerate(PARTIES)
    }
    towns = {name: Town.objects.create(name=name, kind=kind, order=i) for i, (name, kind) in enumerate(TOWNS)}
    for town in towns.values():
        for suffix in rng.sample(COMMUNITY_SUFFIXES, 3):
            kind = (
                Community.Kind.VILLAGE
                if town.kind == Town.Kind.TOWN and rng.random() < 0.5
                else Community.Kind.COMMUNITY
            )
            Community.objects.create(
                town=town, name=suffix + ("村" if kind == Community.Kind.VILLAGE else "社区"), kind=kind
            )
    departments = {
        short: Department.objects.create(
            name=name, short_name=short, kind=kind, order=i, head_name=_fake_name(rng, set())
        )
        for i, (name, short, kind) in enumerate(DEPARTMENTS)
    }

    password_hash = make_password(DEMO_PASSWORD)
    groups = {g.name: g for g in Group.objects.all()}
    used: set[str] = set()

    def account(username, full_name, roles, **extra):
        user = User(username=username, full_name=full_name, password=password_hash, **extra)
        user.save()
        user.groups.set([groups[r] for r in roles])
        return user

    admin = account("admin", "系统管理员（演示）", [Role.ADMIN], is_staff=True, is_superuser=True)
    admin.email = "admin@example.org"
    admin.save(update_fields=["email"])
    account("clerk", _fake_name(rng, used), [Role.CLERK], body=bodies["办公室"], email="clerk@example.org")
    account("research", _fake_name(rng, used), [Role.RESEARCH_OFFICE], body=bodies["研究室"])
    account("proposal", _fake_name(rng, used), [Role.PROPOSAL_OFFICE], body=bodies["提案委员会"])
    account("info", _fake_name(rng, used), [Role.INFO_OFFICE], body=bodies["研究室"])
    account("partyoffice", _fake_name(rng, used), [Role.PARTY_OFFICE], department=departments["区委办"])
    account("govoffice", _fake_name(rng, used), [Role.GOV_OFFICE], department=departments["政府办"])
    leader_user = account("partyleader", _fake_name(rng, used), [Role.PARTY_LEADER])
    PartyLeader.objects.create(user=leader_user, name=leader_user.full_name, title="区委副书记（演示）")
    for short, dept in departments.items():
        if dept.kind in (Department.Kind.PARTY_OFFICE, Department.Kind.GOV_OFFICE):
            continue
        username = {"教育局": "liaison_edu", "人社局": "liaison_hr"}.get(short, f"liaison_{dept.pk}")
        # A made-up number per department, not drawn from rng: the names and phones drawn after stay as they were.
        phone = f"1385920{dept.order:04d}"
        account(username, _fake_name(rng, used), [Role.DEPT_LIAISON], department=dept, phone=phone)
    expert_user = account("expert", _fake_name(rng, used), [Role.EXPERT])
    Expert.objects.create(
        user=expert_user, name=expert_user.full_name, field="教育政策", organisation="某高校（演示）", phone=_phone(rng)
    )
    for _i in range(5):
        Expert.objects.create(
            name=_fake_name(rng, used),
            field=rng.choice(["城乡规划", "农业经济", "文化遗产", "公共卫生", "产业经济"]),
            organisation="特邀研究员（演示）",
            phone=_phone(rng),
        )
    account("citizen", "市民（演示）", [Role.CITIZEN])

    _members(rng, used, term, sectors, parties, bodies, towns, account)


def _term_and_sessions(committee: Committee) -> Term:
    """The 14th term, elected in late 2021, and its plenary session (全体会议) of every year up to today's:
    a proposal is numbered in the session of the year it is submitted (`proposals.services.session_for`),
    so the demo's proposals of this year need this year's session. The first session met in December
    2021, the second in January 2022 (`consultations.demo`), and so on every January. A demo loaded
    after 2026 stretches the term to today rather than number proposals in an earlier year's session."""
    today = timezone.localdate()
    term = Term.objects.create(
        committee=committee, number=14, start_year=2021, end_year=max(2026, today.year), is_current=True
    )
    for year in range(2021, max(today.year, 2023) + 1):
        opens = date(2021, 12, 20) if year == 2021 else date(year, 1, 10)
        Session.objects.create(term=term, number=year - 2020, year=year, opens_on=opens if opens <= today else None)
    return term


def _members(rng, used, term, sectors, parties, bodies, towns, account) -> None:
    special = [b for b in bodies.values() if b.kind == Body.Kind.SPECIAL]
    plain_sectors = [s for s in sectors.values() if s.name != "经贸"]
    town_list = list(towns.values())
    # The affiliations of members outside the party sectors are drawn apart from `rng`, so the names, phones
    # and numbers drawn after each member stay as they were.
    affiliation_rng = random.Random(1949)

    def affiliation(sector):
        """The party of a member of `sector`: that party in a party sector (none, 无党派, in the 无党派人士
        sector); in another sector a party or none, as OTHER_SECTOR_AFFILIATION weighs them."""
        rng.choice(list(parties.values()))  # the draw the loader always made here, consumed as before
        if sector.name in PARTY_OF_SECTOR:
            return parties[PARTY_OF_SECTOR[sector.name]]
        shorts = list(OTHER_SECTOR_AFFILIATION)
        return parties[affiliation_rng.choices(shorts, weights=list(OTHER_SECTOR_AFFILIATION.values()))[0]]

    def member(name, sector, party, *, standing=False, position="", username=None, roles=()):
        user = None
        if username:
            user = account(username, name, list(roles))
        return Member.objects.create(
            term=term,
            name=name,
            gender=rng.choice("MF"),
            birth_year=rng.randint(1960, 1990),
            sector=sector,
            party=party,
            body=rng.choice(special),
            town=rng.choice(town_list),
            workplace="（演示）"
            + rng.choice(["某公司总经理", "某中学校长", "某医院主任医师", "某律所主任", "某社区书记"]),
            phone=_phone(rng),
            id_number=f"350212{rng.randint(1960, 1990)}0101{rng.randint(1000, 9999)}",
            address=f"同安区{rng.choice(town_list).name}某路{rng.randint(1, 300)}号（演示）",
            is_standing=standing,
            position=position,
            user=user,
        )

    member(
        _fake_name(rng, used),
        sectors["中共"],
        parties["中共"],
        standing=True,
        position="chair",
        username="chair",
        roles=[Role.CHAIR, Role.MEMBER, Role.STANDING_MEMBER],
    )
    member(
        _fake_name(rng, used),
        sectors["民建"],
        parties["民建"],
        standing=True,
        position="vice_chair",
        username="vicechair",
        roles=[Role.VICE_CHAIR, Role.MEMBER, Role.STANDING_MEMBER],
    )
    for _ in range(3):
        name, sector = _fake_name(rng, used), rng.choice(plain_sectors)
        member(name, sector, affiliation(sector), standing=True, position="vice_chair")
    member(
        _fake_name(rng, used),
        sectors["中共"],
        parties["中共"],
        standing=True,
        position="secretary_general",
        username="secgen",
        roles=[Role.SECRETARY_GENERAL, Role.MEMBER, Role.STANDING_MEMBER],
    )
    # The seed's 经贸 duty group; 洪志强 is the demo member account.
    for i, name in enumerate(DUTY_GROUP):
        member(
            name,
            sectors["经贸"],
            rng.choice([parties["民建"], parties["无党派"], parties["致公党"]]),
            username="member" if i == 0 else None,
            roles=[Role.MEMBER],
        )
    # Standing members: 34 more, the first one being the demo 'standing' account; all can vote online.
    for i in range(34):
        name, sector = _fake_name(rng, used), rng.choice(plain_sectors)
        member(
            name,
            sector,
            affiliation(sector),
            standing=True,
            username="standing" if i == 0 else f"sc{i:02d}",
            roles=[Role.MEMBER, Role.STANDING_MEMBER],
        )
    for i in range(255):
        name, sector = _fake_name(rng, used), rng.choice(plain_sectors + [sectors["经贸"]])
        member(
            name,
            sector,
            affiliation(sector),
            username=f"m{i:03d}" if i < 40 else None,
            roles=[Role.MEMBER],
        )
