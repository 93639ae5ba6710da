"""Demo: the seed's 2022 plan, all the way from suggestions to departments' receipts, and the round open
now for next year's topics.

Everything runs through the real services and workflow (so the audit trail is real), each step dated on
its day of the 2021/22 cycle by the demo's StoryClock, with the notices and edit history it writes. People
are fictional except the seed's named ones.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from consultations.models import Attendance
from core.demo_runner import StoryClock
from core.workflow import perform
from district.models import Body, Department, Member
from topics.data.formats import ensure_formats
from topics.models import CollectionRound, ConsultationFormat, ConsultationPlan
from topics.services import plan as plan_services
from topics.services import publication, suggestions, votes

TZ = ZoneInfo("Asia/Shanghai")

# (title, format, timing, lead body, departments (short names), suggester, background)
TOPICS_2022 = [
    (
        '落实教育"双减"政策',
        "standing",
        {"quarter": 2},
        "教科卫体委员会",
        ["教育局", "财政局", "市场监管局"],
        "standing",
        "课后服务供给不均衡，校外培训治理后家长对托管和素质教育的需求增加。（演示）",
    ),
    (
        "提升丙洲陈化成公园品位",
        "chairs",
        {"month": 9},
        "文化文史和学习委员会",
        ["文旅局", "住建局", "城管局"],
        "member",
        "公园文化内涵挖掘不足，配套设施和管理水平有待提升。（演示）",
    ),
    (
        '培育专精特新"小巨人"',
        "counterpart",
        {"quarter": 2},
        "经济委员会",
        ["工信局", "发改局"],
        "sc01",
        "区内中小企业创新能力不强，梯度培育体系有待完善。（演示）",
    ),
    (
        "整合农创文旅资源",
        "counterpart",
        {"quarter": 3},
        "农业和农村委员会",
        ["农业农村局", "文旅局"],
        "sc02",
        "农业、文创、旅游资源分散，缺少串联的线路和品牌。（演示）",
    ),
    (
        "发展农村集体经济",
        "counterpart",
        {"quarter": 3},
        "农业和农村委员会",
        ["农业农村局", "财政局"],
        "sc03",
        "部分村集体经营性收入偏低，发展路径单一。（演示）",
    ),
    (
        "古城保护性建设",
        "counterpart",
        {"quarter": 3},
        "文化文史和学习委员会",
        ["住建局", "文旅局"],
        "sc04",
        "古城街区风貌保护与民生改善需要统筹。（演示）",
    ),
    (
        "粮食生产安全",
        "counterpart",
        {"quarter": 2},
        "农业和农村委员会",
        ["农业农村局", "发改局"],
        "sc05",
        "耕地保护和种粮积极性问题需要持续关注。（演示）",
    ),
    (
        "三院上划过渡工作",
        "counterpart",
        {"quarter": 4},
        "教科卫体委员会",
        ["卫健局"],
        "sc06",
        "区属医院上划过渡期间的人员、资产和服务衔接。（演示）",
    ),
    (
        "社区网格化管理",
        "counterpart",
        {"quarter": 4},
        "社会和法制委员会",
        ["民政局", "新民镇"],
        "sc07",
        "网格员队伍稳定性和网格事项清单需要规范。（演示）",
    ),
    (
        "常态化疫情防控",
        "counterpart",
        {"quarter": 1},
        "教科卫体委员会",
        ["卫健局"],
        "sc08",
        "常态化防控与经济社会发展的统筹。（演示）",
    ),
]

# Suggested in the round open now, for next year's plan.
TOPICS_NEXT = [
    ("推进同安老城区更新", "chairs", "sc10", True),
    ("加强农村养老服务", "counterpart", "sc11", True),
    ("优化营商环境", "counterpart", "sc12", True),
    ("提升基层医疗服务能力", "counterpart", "member", False),
]


def context() -> dict:
    plan = ConsultationPlan.objects.filter(year=2022).first()
    if plan is None:
        return {}
    return {
        "plan_2022": plan,
        "plan_items_2022": {i.title: i for i in plan.items.select_related("format", "lead_member", "lead_body")},
        "round_next": CollectionRound.objects.filter(year=timezone.localdate().year + 1).first(),
    }


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=TZ)


def load(ctx: dict) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=_usernames())}
    depts = {d.short_name: d for d in Department.objects.all()}
    bodies = {b.name: b for b in Body.objects.all()}
    ensure_formats(ConsultationFormat)
    formats = {f.code: f for f in ConsultationFormat.objects.all()}
    _plan_2022(users, depts, bodies, formats)
    _round_next(users, depts, formats)
    ctx.update(context())


def _usernames() -> list[str]:
    base = ["clerk", "chair", "vicechair", "member", "standing", "partyoffice", "govoffice", "partyleader"]
    return base + [f"sc{i:02d}" for i in range(1, 15)]


def _plan_2022(users, depts, bodies, formats) -> ConsultationPlan:
    clerk = users["clerk"]
    # Every step is taken on its day of the 2021/22 cycle (the clock dates its audit row, the notices it
    # sends, the edit history and the stamps it writes): suggestions written by 20 November and handed in on
    # the 25th, the round closed on 11 December, the suggestions screened on the 15th, the plan drafted from
    # them on 5 January, approved step by step, voted on 25 February and published on 1 March.
    cycle = StoryClock()
    cycle.at(at(2021, 11, 1))
    rnd = CollectionRound.objects.create(
        year=2022,
        title="2022年度政协协商议题征集（演示）",
        notice="请各专委会、界别和委员围绕区委中心工作提出2022年度协商议题建议。（演示）",
        deadline=timezone.localdate() + timedelta(days=1),
        created_by=clerk,
    )
    cycle.at(at(2021, 11, 20))
    kept = []
    for title, fmt, _timing, body, dept_names, who, background in TOPICS_2022:
        kept.append(
            suggestions.create_suggestion(
                round=rnd,
                title=title,
                background=background,
                why_now="列入区委年度重点工作，需要政协协商助推。（演示）",
                suggested_format=formats[fmt],
                departments=[depts[n] for n in dept_names],
                suggested_body=bodies[body],
                suggester=users[who],
            )
        )
    duplicate = suggestions.create_suggestion(
        round=rnd,
        title="规范课后托管服务",
        background="家长反映课后托管时间与下班时间不衔接。（演示）",
        departments=[depts["教育局"]],
        body=bodies["教科卫体委员会"],
        suggester=clerk,
    )
    turned_down = [
        ("建设区级大型体育综合体", "sc09", "需纳入“十四五”规划统筹研究，本年度暂不列入协商计划。"),
        ("调整城区公交线路", "member", "属于部门日常工作事项，已转交通运输局研究办理。"),
    ]
    refused = [
        (suggestions.create_suggestion(round=rnd, title=title, background="（演示）", suggester=users[who]), reason)
        for title, who, reason in turned_down
    ]
    cycle.at(at(2021, 11, 25))
    for suggestion in [*kept, duplicate, *(s for s, _reason in refused)]:
        perform(suggestion, "submit", actor=suggestion.suggester)
    CollectionRound.objects.filter(pk=rnd.pk).update(deadline=date(2021, 12, 10))
    cycle.at(at(2021, 12, 11))
    perform(rnd, "close", actor=clerk)
    cycle.at(at(2021, 12, 15))
    for suggestion in kept:
        perform(suggestion, "shortlist", actor=clerk)
    perform(duplicate, "merge", actor=clerk, data={"into": kept[0].pk}, note="与“双减”议题合并")
    for suggestion, reason in refused:
        perform(suggestion, "reject", actor=clerk, note=reason)
    cycle.at(at(2022, 1, 5))

    plan = plan_services.create_plan(
        year=2022,
        title="政协同安区委员会2022年度协商工作计划",
        preamble="2022年，区政协围绕区委中心工作，突出重点议题，丰富协商形式，安排常委会会议重点协商1项、"
        "主席会议专题协商1项、委处对口协商8项。（演示）",
        round=rnd,
        actor=clerk,
    )
    leaders = list(Member.objects.filter(position__in=["chair", "vice_chair"]).order_by("id"))
    items = []
    for n, (title, fmt, timing, body, dept_names, _who, _bg) in enumerate(TOPICS_2022):
        first_draft = {"quarter": 2} if title == "三院上划过渡工作" else timing
        items.append(
            plan_services.add_item(
                plan=plan,
                actor=clerk,
                title=title,
                format=formats[fmt],
                lead_member=leaders[n % len(leaders)],
                lead_body=bodies[body],
                departments=[depts[d] for d in dept_names],
                origins=[kept[n]],
                **first_draft,
            )
        )
    cycle.at(at(2022, 1, 7))
    perform(plan, "submit_to_chairs", actor=clerk, note="提交主席会议审议稿")
    cycle.at(at(2022, 1, 12))
    perform(plan, "chairs_approve_to_joint", actor=users["chair"], note="主席会议原则通过，请三办联席会修改完善。")
    cycle.at(at(2022, 1, 20))
    v1 = plan.current_version
    plan_services.sign_off(version=v1, actor=users["partyoffice"], agreed=True)
    plan_services.sign_off(
        version=v1,
        actor=users["govoffice"],
        agreed=False,
        comment="请结合三院上划工作进度调整时间。",
        item_comments={items[7].pk: "上划工作预计下半年完成，建议安排在第四季度。"},
    )
    cycle.at(at(2022, 2, 8))
    item = items[7]
    plan_services.update_item(item=item, expected_version=item.version, actor=clerk, quarter=4)
    plan_services.cut_version(plan=plan, actor=clerk, note="按区政府办意见，三院上划过渡工作调整至第四季度。")
    plan.refresh_from_db()
    cycle.at(at(2022, 2, 10))
    for who in ("partyoffice", "govoffice", "clerk"):
        plan_services.sign_off(version=plan.current_version, actor=users[who], agreed=True)
    perform(plan, "joint_agree_to_leader", actor=clerk, note="三办联席会议定稿")
    cycle.at(at(2022, 2, 18))
    perform(plan, "leader_approve_to_vote", actor=users["partyleader"], note="同意，提交政协常委会审议。")

    cycle.at(at(2022, 2, 25, 9))
    vote = votes.open_vote(plan=plan, actor=clerk, starts_at=at(2022, 2, 25, 9), place="区政协常委会议室")
    participants = list(vote.meeting.participants.order_by("member_id"))
    attendance = {}
    for n, p in enumerate(participants):
        attendance[p.member_id] = Attendance.DECLINED if n % 9 == 8 else Attendance.PRESENT
    votes.record_attendance(
        vote=vote,
        actor=clerk,
        attendance=attendance,
        reasons={mid: "因公出差（演示）" for mid, a in attendance.items() if a == Attendance.DECLINED},
    )
    cycle.at(at(2022, 2, 25, 11))
    present = sum(1 for a in attendance.values() if a == Attendance.PRESENT)
    votes.record_tally(vote=vote, actor=clerk, votes_for=present - 1, votes_against=0, votes_abstain=1)
    votes.close_vote(vote=vote, actor=clerk)
    cycle.at(at(2022, 3, 1))
    perform(
        plan,
        "publish",
        actor=users["partyoffice"],
        data={
            "doc_number": publication.doc_number_for(plan, 12, issued_on=date(2022, 3, 1)),
            "issued_on": "2022-03-01",
        },
    )
    cycle.at(at(2022, 3, 3))
    for receipt in plan.receipts.select_related("department"):
        if receipt.department.short_name == "城管局":
            continue  # one department has not acknowledged yet
        liaison = User.objects.filter(department=receipt.department, groups__name="dept_liaison").first()
        if liaison:
            publication.acknowledge_receipt(plan=plan, actor=liaison)
    cycle.settle()
    # The members present signed in before the meeting opened.
    vote.meeting.participants.filter(attendance=Attendance.PRESENT).update(checked_in_at=at(2022, 2, 25, 8))
    return plan


def _round_next(users, depts, formats) -> None:
    """Next year's topics are being collected now (the round is open, its deadline three weeks away)."""
    year = timezone.localdate().year + 1
    rnd = suggestions.open_round(
        year=year,
        title=f"{year}年度政协协商议题征集（演示）",
        deadline=timezone.localdate() + timedelta(days=21),
        notice=f"请于截止日期前提出{year}年度协商议题建议，可附调研材料。（演示）",
        actor=users["clerk"],
    )
    for title, fmt, who, submit in TOPICS_NEXT:
        s = suggestions.create_suggestion(
            round=rnd,
            title=title,
            background="（演示）",
            suggested_format=formats[fmt],
            suggester=users[who],
            submit=submit,
        )
        if title == "推进同安老城区更新":
            perform(s, "shortlist", actor=users["clerk"])
