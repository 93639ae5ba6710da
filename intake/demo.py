"""Demo appeals (fictional) across towns, channels and every state, 2022–2023 (the letter referred to a
department and waiting for it: this week)."""

import random
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import StatusChange
from district.models import Community, Town
from intake.models import (
    Appeal,
    AppealCategory,
    AppealMessage,
    AppealRating,
    AppealStatus,
    Channel,
    Outcome,
    Route,
    Satisfaction,
)
from intake.services import new_tracking_code

# (code, name, department short name, sample matters) — livelihood areas of the seed (domain.md §0).
# The English names English readers see are in CATEGORY_NAMES_EN.
CATEGORIES = [
    ("education", "教育", "教育局", ["小区附近公办幼儿园学位紧张", "学校门口上下学接送拥堵", "课后托管服务收费不透明"]),
    ("culture", "文化", "文旅局", ["村文化活动中心长期闲置", "古厝保护修缮进度慢", "社区缺少老年人活动场地"]),
    (
        "healthcare",
        "医疗卫生",
        "卫健局",
        ["社区卫生服务站药品种类少", "镇卫生院周末没有儿科", "家庭医生签约后联系不上"],
    ),
    ("employment", "就业", "人社局", ["返乡青年就业培训信息不畅", "灵活就业人员社保缴费不便", "企业拖欠农民工工资"]),
    ("elderly", "养老", "民政局", ["村里缺少老年人食堂", "居家养老服务上门次数少", "高龄津贴发放延迟"]),
    ("social_security", "社会保障", "人社局", ["医保异地报销手续繁琐", "低保审核周期长", "残疾人补贴申请材料多"]),
    ("relocation", "征地拆迁", "住建局", ["安置房交房时间一再推迟", "征地补偿款发放不透明", "拆迁后临时过渡费停发"]),
    ("ecology", "生态环保", "生态环境局", ["溪流有养殖污水排入", "工业区夜间异味扰民", "河道垃圾清理不及时"]),
    ("grain", "粮食生产", "农业农村局", ["撂荒地复耕缺少补助说明", "农田灌溉水渠损坏", "种粮补贴发放标准不清"]),
    ("transport", "交通出行", "交通局", ["村里公交班次太少", "路口缺少红绿灯", "乡村道路坑洼多"]),
    ("urban", "城市管理", "城管局", ["小区周边占道经营", "路灯损坏多日未修", "建筑垃圾乱倒"]),
    ("market", "市场监管", "市场监管局", ["菜市场缺斤短两", "燃气公司储配站离居民区太近", "预付卡商家跑路"]),
]
CATEGORY_NAMES_EN = {
    "education": "Education",
    "culture": "Culture",
    "healthcare": "Health care",
    "employment": "Employment",
    "elderly": "Elderly care",
    "social_security": "Social security",
    "relocation": "Land acquisition and relocation",
    "ecology": "Ecology and environment",
    "grain": "Grain production",
    "transport": "Transport",
    "urban": "Urban management",
    "market": "Market regulation",
}
# How many days before the load the parent's letter referred to 区教育局 came in (transferred the day
# after: within SUPERVISION_RETURN_WINDOW_DAYS, so the department may still ask to hand it over).
REFERRED_DAYS_AGO = 3
CHANNEL_WEIGHTS = [
    (Channel.WEB, 30),
    (Channel.WECHAT, 25),
    (Channel.PHONE, 15),
    (Channel.LETTER, 8),
    (Channel.MAILBOX, 7),
    (Channel.RECEPTION, 10),
    (Channel.VISIT, 5),
]
ANSWERS = {
    Outcome.ON_THE_SPOT: "经现场核实，相关部门已当场处理完毕，感谢您的反映。",
    Outcome.PLAN: "已列入部门年度工作计划，将按期完成，届时请关注。",
    Outcome.EXPLANATION: "经核实，该事项涉及上级政策规定，已向您作出说明，后续如有变化将及时告知。",
}
SURNAMES = "陈林黄张李王吴刘蔡杨许郑苏叶庄谢"
# Citizens' ratings of closed appeals (labelled demo data): who rated, how, and what the unhappy said.
RATING_WEIGHTS = [(Satisfaction.SATISFIED, 60), (Satisfaction.BASIC, 25), (Satisfaction.UNSATISFIED, 15)]
# How the plans of appeals closed with 制定计划限期解决 were carried out (labelled demo data).
PLAN_DONE_NOTES = [
    "（演示）计划已按期落实，相关设施已完工并投入使用。",
    "（演示）已按计划完成整改，经回访群众，问题已解决。",
    "（演示）相关部门已落实整改措施，现场复查无反弹。",
]
PLAN_RESCHEDULE_NOTE = "（演示）项目需重新招标，施工单位确定后再开工，计划完成日期顺延。"
UNSATISFIED_COMMENTS = [
    "（演示）答复只说了会研究，没有说什么时候解决。",
    "（演示）问题还在，现场没有人来看过。",
    "（演示）解释看不懂，希望能当面说明。",
]


def _when(rng: random.Random, start: datetime, days: int) -> datetime:
    return start + timedelta(days=rng.randrange(days), hours=rng.randrange(8, 20), minutes=rng.randrange(60))


def load(ctx: dict) -> None:
    from grassroots.demo import platforms

    rng = random.Random(2023)
    departments = ctx.get("departments", {})
    categories = [
        AppealCategory(
            code=code,
            name=name,
            name_en=CATEGORY_NAMES_EN.get(code, ""),
            department=departments.get(dept),
            order=i,
            description="",
        )
        for i, (code, name, dept, _m) in enumerate(CATEGORIES)
    ]
    AppealCategory.objects.bulk_create(categories)
    categories = list(AppealCategory.objects.order_by("order"))
    matters = {c.code: m for c, (_c, _n, _d, m) in zip(categories, CATEGORIES, strict=True)}
    workstation, group = platforms(ctx)
    clerk = ctx.get("users", {}).get("clerk")
    towns = list(Town.objects.all())
    communities: dict[int, list[Community]] = {}
    for c in Community.objects.all():
        communities.setdefault(c.town_id, []).append(c)
    channels, weights = zip(*CHANNEL_WEIGHTS, strict=True)
    tz = timezone.get_current_timezone()
    start = datetime(2022, 1, 3, tzinfo=tz)
    appeals: list[Appeal] = []
    for _i in range(320):
        category = rng.choice(categories)
        town = rng.choice(towns)
        community = rng.choice(communities.get(town.pk, [None]))
        created = _when(rng, start, 700)
        roll = rng.random()
        status = (
            AppealStatus.CLOSED
            if roll < 0.58
            else AppealStatus.ANSWERED
            if roll < 0.7
            else AppealStatus.ROUTED
            if roll < 0.84
            else AppealStatus.MERGED
            if roll < 0.88
            else AppealStatus.RECEIVED
        )
        if status == AppealStatus.RECEIVED:
            created = _when(rng, datetime(2023, 12, 1, tzinfo=tz), 28)
        matter = rng.choice(matters[category.code])
        place = f"{town.name}{community.name if community else ''}"
        with_contact = rng.random() < 0.7
        appeal = Appeal(
            tracking_code=new_tracking_code(),
            title=f"{place}{matter}",
            body=f"（演示）我是{place}的居民，{matter}，已经持续一段时间，影响日常生活，希望有关部门尽快了解情况并解决。",
            channel=rng.choices(channels, weights)[0],
            category=category,
            town=town,
            community=community,
            contact_name=(rng.choice(SURNAMES) + rng.choice(["先生", "女士"])) if with_contact else "",
            contact_phone=("139" + "".join(rng.choice("0123456789") for _ in range(8))) if with_contact else "",
            address=f"{place}某路{rng.randint(1, 200)}号（演示）" if with_contact and rng.random() < 0.5 else "",
            department=category.department,
            status=status,
        )
        appeal._demo_created = created
        if status != AppealStatus.RECEIVED:
            if town.name == "新民镇" and rng.random() < 0.8:
                appeal.route, appeal.workstation = Route.WORKSTATION, workstation
            elif category.code in ("market", "employment") and rng.random() < 0.6:
                appeal.route, appeal.duty_group = Route.DUTY_GROUP, group
            else:
                appeal.route = Route.OFFICE
        if status in (AppealStatus.ANSWERED, AppealStatus.CLOSED):
            outcome = rng.choice(list(Outcome))
            appeal.answer = ANSWERS[outcome]
            appeal.answered_at = created + timedelta(days=rng.randint(3, 20))
            if status == AppealStatus.CLOSED:
                appeal.outcome = outcome
                appeal.outcome_note = ANSWERS[outcome]
                appeal.closed_at = appeal.answered_at + timedelta(days=rng.randint(1, 10))
                if outcome == Outcome.PLAN:
                    appeal.plan_due_date = (appeal.closed_at + timedelta(days=rng.randint(30, 180))).date()
        appeals.append(appeal)
    Appeal.objects.bulk_create(appeals, batch_size=200)
    _merge(rng, appeals)
    for appeal in appeals:
        appeal.created_at = appeal._demo_created
        appeal.updated_at = appeal.closed_at or appeal.answered_at or appeal._demo_created
    Appeal.objects.bulk_update(appeals, ["created_at", "updated_at", "merged_into", "status", "route"], batch_size=200)
    # bulk_create writes no history: give every appeal its "created" audit row, dated when it came in.
    for appeal in appeals:
        appeal._history_date = appeal._demo_created
    Appeal.history.bulk_history_create(appeals, batch_size=200)
    _timeline(appeals, clerk)
    _ratings(appeals)
    _plans(appeals, clerk)
    _recent(ctx.get("users", {}), categories, towns)


def _recent(users: dict, categories: list[AppealCategory], towns: list[Town]) -> None:
    """Appeals of December 2023 through the services: two of the demo citizen's (one still waiting,
    one they withdrew), one the demo member took down on the phone for a resident, handled by the
    office, and a parent's letter the office referred to the education bureau (so that its liaison
    has a referral to sign for and answer through its task)."""
    from core.workflow import perform
    from intake.services import submit_appeal

    citizen, member, clerk = users.get("citizen"), users.get("member"), users.get("clerk")
    if citizen is None or member is None or clerk is None:
        return
    from core.demo_runner import StoryClock
    from intake.services import refer_to_department

    by_code = {c.code: c for c in categories}
    town = towns[0] if towns else None
    tz = timezone.get_current_timezone()
    # Each step is taken on its day of the story (StoryClock): the appeal, its edit history, its steps and
    # the notices they sent (the clerks told of a new appeal, the citizen of a step) carry that day.
    clock = StoryClock()

    def on(day: int, hour: int = 9, minute: int = 30) -> None:
        clock.at(datetime(2023, 12, day, hour, minute, tzinfo=tz))

    on(20)
    waiting, _new = submit_appeal(
        title="小区门口井盖松动（演示）",
        body="（演示）小区东门人行道上的井盖松动，踩上去会翘起，老人小孩经过很危险，希望尽快固定。",
        category=by_code.get("urban"),
        town=town,
        contact_name="市民（演示）",
        contact_phone="13900000011",
        citizen=citizen,
        actor=citizen,
        idempotency_key="demo-citizen-waiting",
    )
    on(18)
    withdrawn, _new = submit_appeal(
        title="楼下夜市噪音扰民（演示）",
        body="（演示）楼下夜市每晚营业到凌晨一点，音响声音很大，影响休息。",
        category=by_code.get("urban"),
        town=town,
        citizen=citizen,
        actor=citizen,
        idempotency_key="demo-citizen-withdrawn",
    )
    on(18, 11)
    perform(withdrawn, "withdraw", actor=citizen, note="（演示）夜市已经调整了营业时间，问题解决了，谢谢。")
    on(22)
    recorded, _new = submit_appeal(
        title="村道雨后积水严重（电话反映，演示）",
        body="（演示）居民来电反映：村口道路每逢下雨积水没过脚踝，电动车经常熄火，希望疏通排水沟。",
        channel=Channel.PHONE,
        category=by_code.get("transport"),
        town=town,
        contact_name="黄女士",
        contact_phone="13900000012",
        actor=member,
        recorded_by=member,
        idempotency_key="demo-member-recorded",
    )
    on(22, 11)
    perform(recorded, "route", actor=clerk, data={"route": Route.OFFICE})
    # The parent's letter is recent (relative to the day the demo is loaded), like the supervision demo:
    # it came in this week (REFERRED_DAYS_AGO), was routed and referred that afternoon and transferred
    # (交办) the next morning: the department still has it to sign for (within the window for asking to
    # hand it over, 申请改派), its deadline counted from the transfer, its notice among the latest.
    referred_received = (timezone.localtime() - timedelta(days=REFERRED_DAYS_AGO)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    clock.at(referred_received)
    referred, _new = submit_appeal(
        title="学校门口上下学接送拥堵（来信，演示）",
        body="（演示）家长来信：城东小学门口上下学时段接送车辆乱停，学生过马路很危险，"
        "希望学校和交警错峰放学、设置临时停车区。",
        channel=Channel.LETTER,
        category=by_code.get("education"),
        town=town,
        contact_name="郑女士",
        contact_phone="13900000013",
        actor=clerk,
        recorded_by=clerk,
        idempotency_key="demo-office-referred",
    )
    clock.at(referred_received + timedelta(hours=2))
    perform(referred, "route", actor=clerk, data={"route": Route.OFFICE})
    if referred.category and referred.category.department:
        clock.at(referred_received + timedelta(hours=5, minutes=30))
        transferred = referred_received + timedelta(days=1, minutes=30)
        due = timezone.localdate(transferred) + timedelta(days=30)
        task = refer_to_department(appeal=referred, department=referred.category.department, due_date=due, actor=clerk)
        if users.get("govoffice") is not None:
            clock.at(transferred)
            perform(task, "assign", actor=users["govoffice"], note="（演示）请区教育局会同交警部门办理并答复来信人。")
    clock.settle()


def _merge(rng: random.Random, appeals: list[Appeal]) -> None:
    """Each merged appeal joins an earlier case (of the same category if any) still open when it is
    merged, four hours after it came in (see _timeline): nothing is merged into a case already
    answered or closed (intake.services._merge_target), nor into one that came in later. An appeal
    with no such case is handled on its own, by the office."""
    mains = [a for a in appeals if a.status in (AppealStatus.ROUTED, AppealStatus.ANSWERED, AppealStatus.CLOSED)]
    for appeal in appeals:
        if appeal.status != AppealStatus.MERGED:
            continue
        at = appeal._demo_created + timedelta(hours=4)
        still_open = [
            m for m in mains if m._demo_created < appeal._demo_created and (m.answered_at is None or m.answered_at > at)
        ]
        if not still_open:
            appeal.status, appeal.route = AppealStatus.ROUTED, Route.OFFICE
            continue
        same = [m for m in still_open if m.category_id == appeal.category_id] or still_open
        main = rng.choice(same)
        appeal.merged_into = main
        appeal.title, appeal.route = main.title, ""
        appeal.workstation = appeal.duty_group = None


def _timeline(appeals: list[Appeal], clerk) -> None:
    ct = ContentType.objects.get_for_model(Appeal)
    rows: list[StatusChange] = []
    messages: list[AppealMessage] = []
    for a in appeals:
        at = a._demo_created + timedelta(hours=4)
        if a.status == AppealStatus.MERGED:
            # The note never names the main case by its tracking code (the citizen's key, which the leaders
            # reading the note may not see): the step's data names it by id, as a merge on the page does.
            rows.append(_change(ct, a, "merge", "received", "merged", at, clerk, "与主诉求反映同一问题，合并办理"))
            continue
        if a.status == AppealStatus.RECEIVED:
            continue
        rows.append(_change(ct, a, "route", "received", "routed", at, clerk, ""))
        if a.answered_at:
            rows.append(_change(ct, a, "answer", "routed", "answered", a.answered_at, clerk, a.answer))
            messages.append(AppealMessage(appeal=a, author_kind=AppealMessage.Author.STAFF, body=a.answer))
        if a.closed_at:
            rows.append(_change(ct, a, "close", "answered", "closed", a.closed_at, clerk, a.outcome_note))
    StatusChange.objects.bulk_create(rows, batch_size=500)
    # `created_at` is stamped on creation (auto_now_add): each answer is dated when it was given.
    messages = AppealMessage.objects.bulk_create(messages, batch_size=500)
    for message in messages:
        message.created_at = message.appeal.answered_at
    AppealMessage.objects.bulk_update(messages, ["created_at"], batch_size=500)


def _ratings(appeals: list[Appeal]) -> None:
    """About a third of the closed appeals rated by whoever held the code, within the rating window
    (its own random sequence, so the appeals above stay as they were)."""
    rng = random.Random(2024)
    values, weights = zip(*RATING_WEIGHTS, strict=True)
    rows = []
    for appeal in appeals:
        if appeal.status != AppealStatus.CLOSED or rng.random() >= 0.35:
            continue
        rating = rng.choices(values, weights)[0]
        row = AppealRating(
            appeal=appeal,
            rating=rating,
            comment=rng.choice(UNSATISFIED_COMMENTS) if rating == Satisfaction.UNSATISFIED else "",
        )
        row._demo_at = appeal.closed_at + timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8))
        rows.append(row)
    AppealRating.objects.bulk_create(rows, batch_size=200)
    for row in rows:
        row.created_at = row._history_date = row._demo_at
    AppealRating.objects.bulk_update(rows, ["created_at"], batch_size=200)
    AppealRating.history.bulk_history_create(rows, batch_size=200)


def _plans(appeals: list[Appeal], clerk) -> None:
    """The plans of the appeals closed with 制定计划限期解决 followed up (their own random sequence): all
    carried out on or before their date (计划已落实, the step dated then), except the two closed last:
    one whose date passed with nothing recorded (计划已逾期), and one rescheduled a few days ago to a date
    ahead (计划落实中), its old date kept in the step."""
    rng = random.Random(2025)
    planned = sorted(
        (a for a in appeals if a.status == AppealStatus.CLOSED and a.outcome == Outcome.PLAN and a.plan_due_date),
        key=lambda a: (a.closed_at, a.pk),
    )
    if not planned:
        return
    ct = ContentType.objects.get_for_model(Appeal)
    tz = timezone.get_current_timezone()
    rows: list[StatusChange] = []
    # planned[-2], if any, is left as it is: its date passed with nothing recorded.
    carried_out, rescheduled = planned[:-2], planned[-1]
    for appeal in carried_out:
        due = datetime.combine(appeal.plan_due_date, datetime.min.time(), tzinfo=tz) + timedelta(hours=16)
        appeal.plan_done_at = max(appeal.closed_at + timedelta(days=1), due - timedelta(days=rng.randint(0, 20)))
        appeal.plan_done_note = rng.choice(PLAN_DONE_NOTES)
        appeal.updated_at = appeal.plan_done_at
        rows.append(
            _change(ct, appeal, "complete_plan", "closed", "closed", appeal.plan_done_at, clerk, appeal.plan_done_note)
        )
    at = timezone.now() - timedelta(days=5)
    new_due = timezone.localdate() + timedelta(days=60)
    step = _change(ct, rescheduled, "reschedule_plan", "closed", "closed", at, clerk, PLAN_RESCHEDULE_NOTE)
    step.data = {"plan_due_date": new_due.isoformat(), "previous_plan_due_date": rescheduled.plan_due_date.isoformat()}
    rows.append(step)
    rescheduled.plan_due_date, rescheduled.updated_at = new_due, at
    StatusChange.objects.bulk_create(rows, batch_size=500)
    fields = ["plan_done_at", "plan_done_note", "plan_due_date", "updated_at"]
    Appeal.objects.bulk_update([*carried_out, rescheduled], fields, batch_size=200)


def _change(ct, appeal, action, src, dst, at, actor, note) -> StatusChange:
    return StatusChange(
        content_type=ct,
        object_id=appeal.pk,
        action=action,
        from_state=src,
        to_state=dst,
        actor=actor,
        note=note,
        data={"close": {"outcome": appeal.outcome}, "merge": {"into": appeal.merged_into_id}}.get(action, {}),
        created_at=at,
    )


def context() -> dict:
    """The district demo's objects (its own context() ran before the district was loaded)."""
    from district.demo import context as district_context

    return district_context()
