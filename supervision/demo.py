"""Demo: the 2022 双减 topic's outcomes compiled into a special report and carried out by departments.

Transfers the outcome items of the consultations demo's 双减 meeting (`consultations.demo.shuangjian_meeting`,
which builds that meeting if this loader runs first), so the demo holds one 双减 consultation whatever
the order of the loaders. Every task state appears once (one per outcome item); one task is overdue.
The report went out in July 2022, days after the meeting's minutes (its steps carry those days, see
`core.demo_runner.StoryClock`). The departments' handling is dated relative to today (demo data): the
tasks were transferred two months ago and each step since is dated in order, before today.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from consultations.demo import shuangjian_meeting
from core.demo_runner import StoryClock
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

# The state each outcome's task is left in, in the meeting's order of outcome items (every state once):
# the third (课后服务经费) is rated not satisfied, the sixth (教师补充) is disputed by 人社局.
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


def load(ctx: dict) -> None:
    meeting = shuangjian_meeting(ctx)
    items = list(meeting.outcome_items.select_related("responsible_department").order_by("order"))
    research, secgen, gov = _user("research"), _user("secgen"), _user("govoffice")
    rater = _user("vicechair")
    tz = ZoneInfo("Asia/Shanghai")
    clock = StoryClock()
    clock.at(dt.datetime(2022, 7, 8, 10, tzinfo=tz))  # the minutes were issued on 5 July
    report = compile_special_report(
        meeting=items[0].meeting,
        items=items,
        actor=research,
        lead=rater,
        title="关于落实教育“双减”政策协商成果的专报",
        year=2022,
    )
    perform(report, "submit", actor=research)
    clock.at(dt.datetime(2022, 7, 11, 15, tzinfo=tz))
    perform(report, "sign", actor=secgen, note="同意报送")
    clock.at(dt.datetime(2022, 7, 12, 10, tzinfo=tz))
    perform(report, "issue", actor=research)
    ago = _days_ago(clock)
    ago(60)

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


def _days_ago(clock: StoryClock):
    """Mark what follows as done so many days before now (the handling is relative to today)."""
    now = timezone.now()

    def ago(days: int) -> None:
        clock.at(now - dt.timedelta(days=days))

    return ago


def _drive(task, state: str, *, rater, gov, ago) -> None:
    liaison = _liaison(task.lead_department)
    party = _user("partyoffice")
    if state == "assigned":
        return
    if state == "reassign":
        ago(57)
        perform(
            task,
            "request_reassign",
            actor=liaison,
            note="教师编制与招聘由教育局统筹提出需求，建议改由教育局牵头、人社局配合。",
        )
        return
    ago(58)
    perform(task, "accept", actor=liaison)
    if state == "acked":
        return
    if state in ("overdue", "reminded"):
        ago(40)
        report_progress(task=task, actor=liaison, percent=20, text="已完成排查摸底，正在制定工作方案。")
        # Demo: this deadline passed six days ago; the task was marked overdue the day after. The
        # transfer refuses a past date, so the date is written afterwards, in its edit history too: the
        # timeline shows the deadline as transferred, not the system moving it ("系统 修改 办理期限").
        due = timezone.localdate() - dt.timedelta(days=6)
        type(task).objects.filter(pk=task.pk).update(due_date=due)
        task.history.all().update(due_date=due)
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
                note="涉及场地改造，需等待区财政追加预算批复，申请延期一个月。",
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
    rate_reply(task=task, actor=rater, rating="unsatisfied", note="经费补助标准未明确，请补充具体办法和时间表。")
