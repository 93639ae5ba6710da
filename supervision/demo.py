"""Demo: the 2022 双减 topic's outcomes compiled into a special report and carried out by departments.

Uses the consultations demo's outcome items (ctx["shuangjian_outcomes"]) when present; otherwise it
records its own thematic consultation so that this loader stands alone. Every task state appears
once; one task is overdue. Dates of the handling are relative to today (demo data).
"""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from consultations.models import OutcomeItem
from consultations.services import create_consultation_meeting, record_outcome_item
from core.workflow import perform
from district.models import Department
from supervision.models import SupervisionNote
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

# (recommendation, agreed action, lead department, co-departments)
OUTCOMES = [
    (
        "严格校外培训机构审批和日常监管，规范学科类培训收费，落实预收费资金监管",
        "开展校外培训专项治理，预收费全部纳入监管专户",
        "教育局",
        ["市场监管局"],
    ),
    (
        "提升课后服务质量，引入体育、艺术、科普等优质资源进校园",
        "每校至少开设5类课后服务课程，引入社会优质资源",
        "教育局",
        ["文旅局"],
    ),
    (
        "统筹课后服务经费保障，完善教师参与课后服务补助机制",
        "将课后服务经费纳入年度预算，出台补助办法",
        "财政局",
        ["教育局"],
    ),
    ("加强作业设计研究，建立作业总量公示和监测制度", "各校每周公示作业总量，教研室开展作业设计评比", "教育局", []),
    ("完善家校社协同育人机制，办好家长学校", "每所学校每学期至少举办2次家长课堂", "教育局", ["民政局"]),
    ("加大中小学教师补充力度，缓解课后服务师资压力", "通过公开招聘和编制周转补充教师", "人社局", ["教育局"]),
    (
        "规范非学科类培训机构设置标准与安全管理",
        "出台非学科类培训机构设置指引，联合开展安全检查",
        "市场监管局",
        ["教育局"],
    ),
    ("利用社区场所开展寒暑假托管服务", "在有条件的社区设立假期托管点", "民政局", ["教育局"]),
    ("加强校外培训广告治理，清理违规宣传", "联合排查户外和网络培训广告", "市场监管局", ["教育局"]),
    ("推进学校体育场地建设和错时开放", "新建改建一批学校运动场并错时向社会开放", "住建局", ["教育局"]),
]
# The state each outcome's task is left in, in the order above (every state once).
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
    "created",
]


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _liaison(department: Department) -> User:
    return User.objects.filter(groups__name=Role.DEPT_LIAISON, department=department).order_by("id").first()


def _own_outcomes(ctx: dict) -> list[OutcomeItem]:
    """A thematic consultation recorded through the meeting services: held, outcomes agreed, minutes issued."""
    depts = {d.short_name: d for d in Department.objects.all()}
    clerk = _user("clerk")
    tz = timezone.get_current_timezone()
    leads = list(dict.fromkeys(depts[lead] for _rec, _action, lead, _co in OUTCOMES))
    meeting = create_consultation_meeting(
        title="落实教育“双减”政策专题协商会（演示）",
        starts_at=dt.datetime(2022, 7, 14, 9, 0, tzinfo=tz),
        ends_at=dt.datetime(2022, 7, 14, 12, 0, tzinfo=tz),
        place="区政协第一会议室",
        agenda="教育局通报情况；调研组汇报；委员发言；部门回应",
        departments=leads,
        actor=clerk,
    )
    perform(meeting, "hold", actor=clerk)
    items = [
        record_outcome_item(
            meeting=meeting,
            actor=clerk,
            recommendation=rec,
            responsible_department=depts[lead],
            agreed_action=action,
            due_date=dt.date(2022, 12, 31),
            co_departments=[depts[c] for c in co],
        )
        for rec, action, lead, co in OUTCOMES
    ]
    perform(meeting, "issue_minutes", actor=clerk, note="纪要报送区委办、区政府办。")
    return items


def load(ctx: dict) -> None:
    items = list(ctx.get("shuangjian_outcomes") or []) or _own_outcomes(ctx)
    research, secgen, gov = _user("research"), _user("secgen"), _user("govoffice")
    rater = _user("vicechair")
    report = compile_special_report(
        meeting=items[0].meeting,
        items=items,
        actor=research,
        lead=rater,
        title="关于落实教育“双减”政策协商成果的专报",
        year=2022,
    )
    perform(report, "submit", actor=research)
    perform(report, "sign", actor=secgen, note="同意报送")
    perform(report, "issue", actor=research)

    today = timezone.localdate()
    states = (STATES * ((len(items) // len(STATES)) + 1))[: len(items)]
    to_transfer = [i for i, s in zip(items, states, strict=True) if s != "created"]
    tasks = transfer_outcome_items(
        report=report,
        assignments=[
            Assignment(
                item=i,
                lead_department=i.responsible_department,
                due_date=today + dt.timedelta(days=45 + 5 * i.order),
                co_departments=list(i.co_departments.all()),
            )
            for i in to_transfer
        ],
        actor=gov,
    )
    by_item = {t.outcome_item_id: t for t in tasks}
    for item, state in zip(items, states, strict=True):
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
        _drive(by_item[item.pk], state, rater=rater, gov=gov)


def _drive(task, state: str, *, rater, gov) -> None:
    liaison = _liaison(task.lead_department)
    party = _user("partyoffice")
    if state == "assigned":
        return
    if state == "reassign":
        perform(
            task,
            "request_reassign",
            actor=liaison,
            note="教师编制与招聘由教育局统筹提出需求，建议改由教育局牵头、人社局配合。",
        )
        return
    perform(task, "accept", actor=liaison)
    if state == "acked":
        return
    if state in ("overdue", "reminded"):
        report_progress(task=task, actor=liaison, percent=20, text="已完成排查摸底，正在制定工作方案。")
        # Demo: this deadline has already passed.
        type(task).objects.filter(pk=task.pk).update(due_date=timezone.localdate() - dt.timedelta(days=6))
        perform(task, "mark_overdue", actor=None, note="超过办理期限，系统自动标记逾期。")
        add_note(task=task, actor=party, body="电话联系部门分管领导，了解滞后原因。", kind=SupervisionNote.Kind.NOTE)
        if state == "reminded":
            perform(task, "remind", actor=gov, note="请于5个工作日内报送办理情况和下一步计划。")
        return
    report_progress(task=task, actor=liaison, percent=45, text="已召开专题部署会，完成方案制定，正在组织实施。")
    if state == "in_progress":
        return
    report_progress(task=task, actor=liaison, percent=90, text="主要措施已落实，正在总结评估。")
    submit_reply(
        task=task,
        actor=liaison,
        classification="solved",
        body="经研究，已按协商意见落实各项措施，相关制度已印发实施，将持续跟踪成效。",
    )
    if state == "feedback":
        return
    if state == "closed":
        rate_reply(task=task, actor=rater, rating="satisfied", note="措施具体，落实到位。")
        return
    rate_reply(task=task, actor=rater, rating="unsatisfied", note="经费补助标准未明确，请补充具体办法和时间表。")
