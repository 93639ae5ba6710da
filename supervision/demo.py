"""Demo: two special reports carried out by departments, one of the seed year 2022 and one of recent months.

The 2022 report compiles the outcome items of the consultations demo's 双减 meeting
(`consultations.demo.shuangjian_meeting`, which builds that meeting if this loader runs first, so the demo
holds one 双减 consultation whatever the order of the loaders). Its whole story lies in 2022 and early 2023
(its steps carry those days, see `core.demo_runner.StoryClock`): issued on 12 July, days after the
meeting's minutes; transferred three days later with the deadlines the meeting agreed; accepted, one
disputed and reassigned, handled through the autumn, answered before the deadline (one late, marked
overdue and chased) and rated; the last closed in spring 2023. So the 督办 pages, the topic's stage and
the leaders' statistics by year show it in 2022, and no 2022 task is left for anyone to act on.

The work still running is on a recent report, built here (the consultations demo has no consultation of
recent months): a thematic consultation on home- and community-based elderly care, researched, held and
minuted about three months ago, its report issued and transferred two months ago. Its tasks are in every
state, one each (one overdue, its department asking for more time), dated relative to today.
"""

import datetime as dt
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from consultations import services as consultations
from consultations.demo import shuangjian_meeting
from consultations.models import MeetingKind
from core.demo_runner import StoryClock
from core.workflow import perform
from district.models import Body, Department, Member
from supervision.models import SupervisionNote, TaskReply
from supervision.services.reports import compile_special_report
from supervision.services.tasks import (
    Assignment,
    add_note,
    create_task,
    rate_reply,
    report_progress,
    submit_reply,
    transfer_outcome_items,
)

TZ = ZoneInfo("Asia/Shanghai")


def _at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


class Handled(NamedTuple):
    """How one outcome item of the 2022 report was carried out: accepted, progress reported (when,
    percent, what), answered (its class) and rated by the lead member."""

    accepted: dt.datetime
    progress: list
    replied: dt.datetime
    rated: dt.datetime
    rating: str = "satisfied"
    reply_class: str = "solved"
    planned: dt.date | None = None
    reply: str = ""
    # Past its deadline before the reply: marked overdue the next day, noted and chased (曾逾期).
    late: bool = False
    # Disputed by its department the days after the transfer and reassigned to this one.
    reassigned_to: str = ""
    # A reply that only planned (正在解决或列入计划) is followed up: the department reports it done then.
    done: dt.datetime | None = None
    done_note: str = ""


# In the meeting's order of outcome items (their deadlines: consultations.demo.OUTCOMES).
TRANSFERRED_2022 = _at(2022, 7, 15)
HANDLED_2022 = [
    Handled(
        _at(2022, 7, 18),
        [(_at(2022, 9, 5), 60, "秋季学期各校已开设非学科类课后服务课程，正在建立社会资源准入名单。")],
        _at(2022, 10, 20),
        _at(2022, 10, 26),
    ),
    Handled(
        _at(2022, 7, 19),
        [(_at(2022, 9, 20), 50, "已开展两轮隐形变异培训专项检查，联合处置机制方案已起草。")],
        _at(2022, 12, 15),
        _at(2022, 12, 20),
    ),
    Handled(
        _at(2022, 7, 18),
        [(_at(2022, 10, 10), 40, "已会同教育局完成课后服务成本测算。")],
        _at(2022, 12, 20),
        _at(2022, 12, 27),
        rating="basic",
        reply_class="planned",
        planned=dt.date(2023, 3, 31),
        reply="课后服务补助资金已列入2023年预算草案，补助标准动态调整办法待预算批复后印发。",
        done=_at(2023, 4, 12),
        done_note="《课后服务补助标准动态调整办法》已于2023年4月印发实施，一季度补助资金已拨付到校。",
    ),
    Handled(
        _at(2022, 7, 20),
        [(_at(2022, 11, 15), 60, "绩效分配指导意见已征求学校和教师意见。")],
        _at(2023, 3, 10),
        _at(2023, 3, 16),
    ),
    Handled(
        _at(2022, 7, 18),
        [(_at(2022, 9, 30), 70, "作业设计评比已完成，督导评估指标已修订。")],
        _at(2022, 11, 18),
        _at(2022, 11, 24),
    ),
    Handled(
        _at(2022, 7, 22),
        [(_at(2022, 10, 12), 50, "已完成秋季教师公开招聘，正在办理编制周转。")],
        _at(2022, 12, 16),
        _at(2022, 12, 22),
        reassigned_to="教育局",
    ),
    Handled(
        _at(2022, 7, 19),
        [(_at(2022, 9, 16), 50, "各校家长学校已开课，正在汇总家长课堂开展情况。")],
        _at(2022, 12, 9),
        _at(2022, 12, 14),
    ),
    Handled(
        _at(2022, 7, 20),
        [(_at(2022, 10, 25), 30, "设置指引已起草，联合安全检查因疫情防控推迟。")],
        _at(2023, 1, 13),
        _at(2023, 1, 18),
        rating="basic",
        late=True,
    ),
    Handled(
        _at(2022, 7, 19),
        [(_at(2022, 11, 2), 60, "已确定首批8个社区假期托管点。")],
        _at(2022, 12, 26),
        _at(2022, 12, 30),
    ),
    Handled(
        _at(2022, 7, 21),
        [
            (_at(2022, 10, 20), 30, "已确定新建改建运动场的学校名单，正在设计。"),
            (_at(2023, 1, 10), 80, "主体工程完工，错时开放管理办法已起草。"),
        ],
        _at(2023, 4, 20),
        _at(2023, 4, 26),
    ),
]

# The recent consultation: the state each outcome's task is left in, in the order of its outcome items
# (every state once): the third is rated not satisfied, the sixth is disputed by 人社局.
STATES = [
    "closed",
    "feedback",
    "reopened",
    "in_progress",
    "acked",
    "reassign",
    "assigned",
    "overdue",
    "reminded",
    "follow_up",
    "created",
]
TOPIC = "完善居家社区养老服务"
MEETING_TITLE = "区政协专题协商会：完善居家社区养老服务"
# (recommendation, responsible department, co-departments, agreed action), in STATES order.
OUTCOMES = [
    (
        "新建小区按标准配建社区养老服务用房，存量不足的通过购置、租赁补齐。",
        "住建局",
        ["民政局"],
        "开展配建情况排查，建立移交台账。",
    ),
    (
        "推进镇街综合养老服务中心建设，每个镇街至少建成1个。",
        "民政局",
        ["财政局"],
        "制定建设计划，落实建设补助资金。",
    ),
    (
        "扩大社区长者食堂和助餐点覆盖面，完善助餐补贴。",
        "民政局",
        ["市场监管局"],
        "新增一批助餐点，明确补贴标准和食品安全监管。",
    ),
    (
        "推进医养结合，社区卫生服务中心与养老机构签约服务全覆盖。",
        "卫健局",
        ["民政局"],
        "组织签约，开展上门巡诊。",
    ),
    (
        "完善家庭养老床位建设和服务补贴政策。",
        "财政局",
        ["民政局"],
        "出台家庭养老床位补贴办法。",
    ),
    (
        "加强养老护理员队伍建设，落实培训补贴和岗位激励。",
        "人社局",
        ["民政局"],
        "开展养老护理员职业技能培训。",
    ),
    (
        "推进老旧小区适老化改造，结合加装电梯改善出行条件。",
        "住建局",
        ["民政局"],
        "将适老化改造纳入年度老旧小区改造计划。",
    ),
    (
        "规范养老服务市场，加强养老机构预付费消费监管。",
        "市场监管局",
        ["民政局"],
        "开展专项检查，建立预付费风险提示机制。",
    ),
    (
        "丰富老年人文体活动，推进老年大学办学点向社区延伸。",
        "文旅局",
        ["民政局"],
        "在有条件的社区设立老年大学教学点。",
    ),
    (
        "推进智慧养老服务平台建设，整合助餐、助医、紧急呼叫等服务。",
        "民政局",
        ["卫健局"],
        "建设区级智慧养老服务平台，纳入年度信息化项目计划。",
    ),
    (
        "建立独居、高龄老人定期探访关爱机制。",
        "民政局",
        ["卫健局"],
        "依托网格员和志愿者开展每周探访。",
    ),
]
RESEARCH_REPORT = """一、基本情况
全区60岁以上老年人口约占户籍人口的16%，居家和社区养老是主要方式（演示数据）。
二、存在问题
1. 社区养老服务设施不足、分布不均。
2. 助餐、医养结合等服务覆盖面不广。
3. 养老护理人员短缺，队伍不稳定。
三、意见建议
完善设施布局，扩大助餐和医养结合服务，加强护理员队伍建设，建立探访关爱机制。"""
REASSIGN_NOTE = "养老护理员培训由民政局统筹组织、人社局提供补贴，建议改由民政局牵头、人社局配合。"
EXTENSION_NOTE = "预付费监管办法需会同金融监管部门研究，申请延期一个月。"
UNSATISFIED_NOTE = "新增助餐点的数量和补贴标准未明确，请补充具体办法和时间表。"


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _liaison(department: Department) -> User:
    return User.objects.filter(groups__name=Role.DEPT_LIAISON, department=department).order_by("id").first()


def load(ctx: dict) -> None:
    _seed_year_report(ctx)
    _recent_report()


# ---- 2022: the 双减 report, carried out in its year ------------------------------------------------


def _seed_year_report(ctx: dict) -> None:
    meeting = shuangjian_meeting(ctx)
    items = list(meeting.outcome_items.select_related("responsible_department").order_by("order"))
    research, secgen, gov = _user("research"), _user("secgen"), _user("govoffice")
    rater = _user("vicechair")
    clock = StoryClock()
    clock.at(_at(2022, 7, 8))  # the minutes were issued on 5 July
    report = compile_special_report(
        meeting=items[0].meeting,
        items=items,
        actor=research,
        lead=rater,
        title="关于落实教育“双减”政策协商成果的专报",
        year=2022,
    )
    perform(report, "submit", actor=research)
    clock.at(_at(2022, 7, 11, 15))
    perform(report, "sign", actor=secgen, note="同意报送")
    clock.at(_at(2022, 7, 12))
    perform(report, "issue", actor=research)
    clock.at(TRANSFERRED_2022)
    tasks = transfer_outcome_items(
        report=report,
        assignments=[
            Assignment(
                item=i,
                lead_department=i.responsible_department,
                # The transfer refuses a past date: the deadline the meeting agreed is written just after.
                due_date=timezone.localdate() + dt.timedelta(days=30),
                co_departments=list(i.co_departments.all()),
            )
            for i in items
        ],
        actor=gov,
    )
    for task, item in zip(tasks, items, strict=True):
        deadline_as_transferred(task, item.due_date)
    for task, item, handled in zip(tasks, items, HANDLED_2022, strict=True):
        _carry_out(task, item, handled, clock=clock, gov=gov, rater=rater)
    clock.settle()


def deadline_as_transferred(task, due: dt.date) -> None:
    """Demo: a deadline the transfer refuses (a past one) is written afterwards, in the task's edit history
    too, so the timeline shows it as transferred, not the system moving it ("系统 修改 办理期限")."""
    type(task).objects.filter(pk=task.pk).update(due_date=due)
    task.history.all().update(due_date=due)
    task.due_date = due


def _carry_out(task, item, handled: Handled, *, clock, gov, rater) -> None:
    if handled.reassigned_to:
        clock.at(TRANSFERRED_2022 + dt.timedelta(days=3))
        perform(
            task,
            "request_reassign",
            actor=_liaison(task.lead_department),
            note="教师招聘需求由教育局统筹提出，建议改由教育局牵头、人社局配合。",
        )
        clock.at(TRANSFERRED_2022 + dt.timedelta(days=5, hours=5))
        disputing = task.lead_department
        perform(
            task,
            "reassign",
            actor=gov,
            note="同意改由教育局牵头办理，人社局配合。",
            data={
                "lead_department": Department.objects.get(short_name=handled.reassigned_to).pk,
                "co_departments": [disputing.pk],
            },
        )
    liaison = _liaison(task.lead_department)
    clock.at(handled.accepted)
    perform(task, "accept", actor=liaison)
    for when, percent, text in handled.progress:
        clock.at(when)
        report_progress(task=task, actor=liaison, percent=percent, text=text)
    if handled.late:
        late = dt.datetime.combine(task.due_date + dt.timedelta(days=1), dt.time(8), tzinfo=TZ)
        clock.at(late)
        perform(task, "mark_overdue", actor=None, note="超过办理期限，系统自动标记逾期。")
        clock.at(late + dt.timedelta(days=2, hours=2))
        party = _user("partyoffice")
        add_note(task=task, actor=party, body="电话联系部门分管领导，了解滞后原因。", kind=SupervisionNote.Kind.NOTE)
        clock.at(late + dt.timedelta(days=3, hours=2))
        perform(task, "remind", actor=gov, note="请于5个工作日内报送办理情况。")
    clock.at(handled.replied)
    submit_reply(
        task=task,
        actor=liaison,
        classification=handled.reply_class,
        # A planned date must lie ahead when the reply is submitted; the story's (past) one is written after.
        planned_date=timezone.localdate() + dt.timedelta(days=1) if handled.planned else None,
        body=handled.reply or f"经研究，已按协商意见落实：{item.agreed_action}相关制度已印发实施，将持续跟踪成效。",
    )
    if handled.planned:
        planned_as_replied(task, handled.planned)
    clock.at(handled.rated)
    note = "措施具体，落实到位。" if handled.rating == "satisfied" else "已落实，请持续跟踪成效。"
    rate_reply(task=task, actor=rater, rating=handled.rating, note=note)
    if handled.done:
        clock.at(handled.done)
        perform(task, "report_done", actor=liaison, note=handled.done_note)


def planned_as_replied(task, planned: dt.date) -> None:
    """Demo: a reply's planned date in the story's past (refused on submission) is written afterwards, in
    the reply's edit history too."""
    reply = TaskReply.objects.filter(task=task, submitted_at__isnull=False).order_by("-round").first()
    TaskReply.objects.filter(pk=reply.pk).update(planned_date=planned)
    reply.history.all().update(planned_date=planned)


# ---- recent months: the elderly-care report, its tasks still running -------------------------------


def _recent_report() -> None:
    research, secgen, gov, clerk = _user("research"), _user("secgen"), _user("govoffice"), _user("clerk")
    rater = _user("vicechair")
    clock = StoryClock()
    ago = _days_ago(clock)
    meeting = _recent_consultation(clock, ago, research=research, clerk=clerk, lead=rater)
    items = list(meeting.outcome_items.select_related("responsible_department").order_by("order"))
    ago(72)
    report = compile_special_report(
        meeting=meeting,
        items=items,
        actor=research,
        lead=rater,
        year=timezone.localdate(timezone.now() - dt.timedelta(days=69)).year,
    )
    perform(report, "submit", actor=research)
    ago(70)
    perform(report, "sign", actor=secgen, note="同意报送")
    ago(69)
    perform(report, "issue", actor=research)

    today = timezone.localdate()
    to_transfer = [i for i, s in zip(items, STATES, strict=True) if s != "created"]
    ago(62)
    tasks = transfer_outcome_items(
        report=report,
        assignments=[
            Assignment(
                item=i,
                lead_department=i.responsible_department,
                due_date=max(i.due_date, today),
                co_departments=list(i.co_departments.all()),
            )
            for i in to_transfer
        ],
        actor=gov,
    )
    by_item = {t.outcome_item_id: t for t in tasks}
    for item, state in zip(items, STATES, strict=True):
        ago(60)
        if state == "created":
            create_task(
                source=item,
                title=f"{report.topic_title}：{item.recommendation}",
                description=item.agreed_action,
                actor=gov,
                rater=rater,
                special_report=report,
            )
            continue
        _drive(by_item[item.pk], state, rater=rater, gov=gov, ago=ago)
    clock.settle()


def _recent_consultation(clock, ago, *, research, clerk, lead):
    """The research group's report and the thematic consultation meeting with its agreed outcomes, about
    three months ago; the late tasks' outcomes were due a week ago, the others fall due in the coming months."""
    held = timezone.localtime(timezone.now() - dt.timedelta(days=78)).replace(hour=9, minute=0, second=0, microsecond=0)
    held -= dt.timedelta(days=max(0, held.weekday() - 4))  # on a weekday
    ago(175)
    group = consultations.create_research_group(
        title=TOPIC,
        year=held.year,
        lead=lead.member,
        actor=research,
        body=Body.objects.filter(name="社会和法制委员会").first(),
        description="（演示）走访镇街综合养老服务中心、长者食堂和养老机构，召开老年人、护理员座谈会。",
    )
    standing = Member.objects.get(user__username="standing")
    row = consultations.invite_to_group(group=group, actor=research, member=standing)
    ago(174)
    consultations.respond_to_group_invitation(membership=row, actor=standing.user, accept=True)
    ago(170)
    perform(group, "start_research", actor=research, note="课题组组建完成，启动调研。")
    ago(110)
    report = group.report
    consultations.save_report_draft(
        report=report, actor=research, title=report.title, body=RESEARCH_REPORT, expected_version=1, note="调研报告"
    )
    ago(104)
    perform(report, "finalise", actor=lead, note="同意定稿，提交专题协商。")
    ago(103)
    perform(report, "adopt", actor=research, note="作为专题协商的基础材料。")
    ago(102)
    perform(group, "conclude", actor=lead)

    departments = {d.short_name: d for d in Department.objects.all()}
    members = Member.objects.filter(is_standing=True, position="").exclude(user=None).order_by("id")[6:10]
    ago(100)
    meeting = consultations.create_consultation_meeting(
        title=MEETING_TITLE,
        kind=MeetingKind.THEMATIC,
        starts_at=held,
        ends_at=held + dt.timedelta(hours=3),
        place="区政协会议中心第一会议室（演示）",
        agenda="一、区民政局通报养老服务工作情况\n二、课题组汇报调研报告\n三、委员发言\n四、相关部门回应\n五、区领导讲话",
        leader_name="分管民政工作的副区长（演示）",
        departments=[departments[k] for k in ("民政局", "卫健局", "财政局", "住建局")],
        members=list(members),
        research_group=group,
        actor=clerk,
    )
    perform(meeting, "send_invitations", actor=clerk, note="提前15个工作日发出通知，材料提前10个工作日送达。")
    clock.at(held - dt.timedelta(minutes=30))
    perform(meeting, "hold", actor=clerk)
    for participant in meeting.participants.all():
        consultations.check_in(participant=participant, actor=clerk)
    clock.at(held + dt.timedelta(hours=2, minutes=30))
    today = timezone.localdate()
    for order, (text, dept, co, action) in enumerate(OUTCOMES):
        late = STATES[order] in ("overdue", "reminded")
        consultations.record_outcome_item(
            meeting=meeting,
            actor=clerk,
            recommendation=text,
            responsible_department=departments[dept],
            co_departments=[departments[c] for c in co],
            agreed_action=action,
            due_date=today - dt.timedelta(days=6) if late else today + dt.timedelta(days=45 + 5 * order),
        )
    ago(76)
    consultations.set_minutes_summary(
        meeting=meeting,
        actor=clerk,
        summary=(
            "区政协召开专题协商会，围绕“完善居家社区养老服务”开展协商。区领导、区民政局、卫健局、财政局、"
            "住建局负责人与课题组、常委面对面协商，形成十一项协商成果，明确责任部门和完成时限。（演示）"
        ),
    )
    ago(75)
    issued_on = timezone.localdate(timezone.now() - dt.timedelta(days=75))
    data = {"issued_on": issued_on.isoformat()}
    perform(meeting, "issue_minutes", actor=clerk, note="纪要报送区委办、区政府办。", data=data)
    return meeting


def _days_ago(clock: StoryClock):
    """Mark what follows as done so many days (and hours) before now (the handling is relative to today)."""
    now = timezone.now()

    def ago(days: int, hours: int = 0) -> None:
        clock.at(now - dt.timedelta(days=days, hours=hours))

    return ago


def _drive(task, state: str, *, rater, gov, ago) -> None:
    liaison = _liaison(task.lead_department)
    party = _user("partyoffice")
    if state == "assigned":
        return
    if state == "reassign":
        ago(57)
        perform(task, "request_reassign", actor=liaison, note=REASSIGN_NOTE)
        return
    ago(58)
    perform(task, "accept", actor=liaison)
    if state == "acked":
        return
    if state in ("overdue", "reminded"):
        ago(40)
        report_progress(task=task, actor=liaison, percent=20, text="已完成排查摸底，正在制定工作方案。")
        # Demo: this deadline (the meeting's) passed six days ago; the task was marked overdue the day after.
        deadline_as_transferred(task, timezone.localdate() - dt.timedelta(days=6))
        ago(5)
        perform(task, "mark_overdue", actor=None, note="超过办理期限，系统自动标记逾期。")
        ago(4)
        add_note(task=task, actor=party, body="电话联系部门分管领导，了解滞后原因。", kind=SupervisionNote.Kind.NOTE)
        ago(3)
        if state == "reminded":
            perform(task, "remind", actor=gov, note="请于5个工作日内报送办理情况和下一步计划。")
        else:
            # The department chased for being late asks for more time; the government office decides.
            perform(
                task,
                "request_extension_overdue",
                actor=liaison,
                note=EXTENSION_NOTE,
                data={"due_date": timezone.localdate() + dt.timedelta(days=30)},
            )
        return
    ago(40)
    report_progress(task=task, actor=liaison, percent=45, text="已召开专题部署会，完成方案制定，正在组织实施。")
    if state == "in_progress":
        return
    ago(20)
    report_progress(task=task, actor=liaison, percent=90, text="主要措施已落实，正在总结评估。")
    ago(10)
    if state == "follow_up":
        # The reply only plans; rated 基本满意, it is followed up until its planned date.
        submit_reply(
            task=task,
            actor=liaison,
            classification="planned",
            planned_date=timezone.localdate() + dt.timedelta(days=20),
            body="区级智慧养老服务平台已完成招标，计划于下月底上线试运行，届时报告落实情况。",
        )
        ago(5)
        rate_reply(task=task, actor=rater, rating="basic", note="请按计划上线并报告试运行情况。")
        return
    submit_reply(
        task=task,
        actor=liaison,
        classification="solved",
        body="经研究，已按协商意见落实各项措施，相关制度已印发实施，将持续跟踪成效。",
    )
    if state == "feedback":
        return
    ago(5)
    if state == "closed":
        rate_reply(task=task, actor=rater, rating="satisfied", note="措施具体，落实到位。")
        return
    rate_reply(task=task, actor=rater, rating="unsatisfied", note=UNSATISFIED_NOTE)
