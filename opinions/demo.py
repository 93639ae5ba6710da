"""Demo 社情民意 reports in every state, with bulletins, adoptions and one leader's instruction (demo data).

The demo district follows 2022, so part of the finished reports were submitted, published and adopted in
2022 (the seed year's duty record and statistics count them); reports still in hand are recent.
"""

import random
from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import User
from core.demo_runner import StoryClock
from core.models import StatusChange
from core.workflow import workflow_for
from district.models import Department, Member
from opinions.models import Adoption, AdoptionLevel, Bulletin, Instruction, OpinionReport, Status

S = Status
RECEIVED = ["submit", "receive"]
PUBLISHED = [*RECEIVED, "sign_off", "publish"]
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: ["submit"],
    S.RECEIVED: RECEIVED,
    S.SIGNED: [*RECEIVED, "sign_off"],
    S.ADOPTED_LOCAL: PUBLISHED,
    S.FORWARDED: [*RECEIVED, "forward"],
    S.NOT_ADOPTED: [*RECEIVED, "not_adopt"],
    S.REPORTED: [*PUBLISHED, "report_up"],
    S.ADOPTED_UPPER: [*PUBLISHED, "report_up", "record_adoption"],
    S.INSTRUCTED: [*PUBLISHED, "record_instruction"],
    S.FEEDBACK: [*PUBLISHED, "record_instruction", "record_feedback"],
    S.ARCHIVED: [*PUBLISHED, "report_up", "archive"],
}
COUNTS = {
    S.DRAFT: 3,
    S.SUBMITTED: 4,
    S.RECEIVED: 3,
    S.SIGNED: 3,
    S.ADOPTED_LOCAL: 6,
    S.FORWARDED: 2,
    S.NOT_ADOPTED: 2,
    S.REPORTED: 3,
    S.ADOPTED_UPPER: 2,
    S.INSTRUCTED: 1,
    S.FEEDBACK: 1,
    S.ARCHIVED: 4,
}
# How many reports of each finished state belong to the seed year; the others are recent. States that
# wait for someone (a department's feedback on a forwarded report) stay recent, so no inbox holds 2022 work.
SEED_YEAR = 2022
IN_SEED_YEAR = {
    S.ADOPTED_LOCAL: 3,
    S.NOT_ADOPTED: 1,
    S.REPORTED: 2,
    S.ADOPTED_UPPER: 1,
    S.ARCHIVED: 4,
}
MATTERS = [
    "区燃气公司站点紧邻居民区存在安全隐患",
    "农村留守老人助餐服务覆盖不足",
    "校外培训机构治理后课后服务需求",
    "老城区背街小巷路灯损坏较多",
    "新民镇部分村道缺少错车道",
    "农贸市场周边占道经营反弹",
    "小微企业反映融资担保门槛偏高",
    "丙洲湿地周边垃圾清运不及时",
    "基层医疗机构儿科医生短缺",
    "古城区历史建筑日常维护缺位",
    "灵活就业人员参保渠道不畅",
    "社区充电桩建设进度滞后",
]

# The department that acts on each matter (district.demo's short names): where a report on it is forwarded,
# and the lead department of the task opened on a leader's instruction about it.
MATTER_DEPARTMENTS = {
    "区燃气公司站点紧邻居民区存在安全隐患": "住建局",
    "农村留守老人助餐服务覆盖不足": "民政局",
    "校外培训机构治理后课后服务需求": "教育局",
    "老城区背街小巷路灯损坏较多": "城管局",
    "新民镇部分村道缺少错车道": "交通局",
    "农贸市场周边占道经营反弹": "城管局",
    "小微企业反映融资担保门槛偏高": "财政局",
    "丙洲湿地周边垃圾清运不及时": "城管局",
    "基层医疗机构儿科医生短缺": "卫健局",
    "古城区历史建筑日常维护缺位": "文旅局",
    "灵活就业人员参保渠道不畅": "人社局",
    "社区充电桩建设进度滞后": "发改局",
}


# What residents raised with the workstation at each kind of its services (by the codes of the default rows of
# grassroots.WorkstationService), and the department that acts on it (district.demo's short names): an
# information item written up from a reception or visit is about one of these, and is forwarded to that
# department. Items written up from an appeal are forwarded to the department of the appeal's category (its
# default 承办部门).
WORKSTATION_MATTERS = {
    "policy": [("企业不清楚技改扶持政策申报条件", "工信局"), ("农户不清楚种粮补贴申领办法", "农业农村局")],
    "science": [("中小学课后科普活动场地不足", "教育局"), ("村民缺少农业种植技术培训", "农业农村局")],
    "family_visit": [("独居老人缺少定期探访", "民政局"), ("困难家庭劳动力就业帮扶不足", "人社局")],
    "mediation": [("老旧小区物业收费纠纷频发", "住建局"), ("餐饮店油烟噪音扰民引发邻里纠纷", "生态环境局")],
    "social": [("村卫生所常用药品不全", "卫健局"), ("农村垃圾分类收运设施不足", "城管局")],
}


def workstation_matter(service: str, n: int) -> str:
    """The matter of the workstation's n-th information item written up from a contact of this service."""
    options = WORKSTATION_MATTERS[service]
    return options[n % len(options)][0]


def workstation_item_department(report: OpinionReport, departments: dict) -> Department:
    """The department that acts on a workstation item's subject, among {short name: department}: its
    appeal's category's department, else the department of the WORKSTATION_MATTERS matter in its title."""
    from intake.models import Appeal

    source = report.source
    if isinstance(source, Appeal) and source.category and source.category.department:
        return source.category.department
    for options in WORKSTATION_MATTERS.values():
        for matter, short_name in options:
            if matter in report.title:
                return departments[short_name]
    raise LookupError(f"no department for the workstation item “{report.title}”")


def department_for(report: OpinionReport, departments: dict) -> Department | None:
    """The department that acts on the report's matter (MATTER_DEPARTMENTS), among {short name: department}."""
    matter = next((m for m in MATTERS if m in report.title), None)
    return departments.get(MATTER_DEPARTMENTS[matter]) if matter else None


def at(start, report, name: str) -> datetime:
    """When the step `name` of the report's path happened: every step two days after the one before."""
    return start + timedelta(days=2 * PATHS[report.status].index(name))


def _starts(rng, now) -> list[datetime]:
    """When each report was submitted, in COUNTS order: the seed year's share first within each state."""
    n_seed = sum(IN_SEED_YEAR.values())
    starts, k = [], 0
    for state, count in COUNTS.items():
        for j in range(count):
            if j < IN_SEED_YEAR.get(state, 0):
                starts.append(timezone.make_aware(datetime(SEED_YEAR, 2 + (k * 9) // n_seed, 6 + (k * 7) % 20, 9)))
                k += 1
            else:
                starts.append(now - timedelta(days=rng.randint(20, 200)))
    return starts


def load(ctx: dict) -> None:
    rng = random.Random(38)
    now = timezone.now()
    info = User.objects.get(username="info")
    secgen = User.objects.get(username="secgen")
    members = Member.objects.select_related("user", "sector", "party")
    authors = list(members.filter(user__isnull=False, is_active=True)[:30])
    duty_group = {m.name: m for m in members.filter(name__in=["洪志强", "李宏墩", "陈宏"])}
    departments = {d.short_name: d for d in Department.objects.all()}
    levels = {lv.code: lv for lv in AdoptionLevel.objects.all()}
    starts = _starts(rng, now)
    plans = []
    i = 0
    for state, count in COUNTS.items():
        for _ in range(count):
            member = authors[i % len(authors)] if i % 5 else duty_group.get("洪志强", authors[0])
            # In the name of a group the member belongs to, as the form offers him (`provider_options`):
            # his sector or his party, else his own name only.
            provider = member.sector if i % 4 == 0 else member.party if i % 7 == 0 else None
            start = starts[i]
            path = PATHS[state]
            report = OpinionReport(
                title=f"关于{MATTERS[i % len(MATTERS)]}的问题（演示）",
                body=f"近期群众反映{MATTERS[i % len(MATTERS)]}。一、基本情况……二、原因分析……三、意见建议……（演示数据）",
                status=state,
                author=member.user,
                member=member,
                provider_type=ContentType.objects.get_for_model(provider) if provider else None,
                provider_id=provider.pk if provider else None,
                is_urgent=i % 11 == 0,
                submitted_at=start if path else None,
                reported_to="区委办、区政府办、市政协（演示）" if "report_up" in path else "",
                feedback="相关部门已制定整改方案（演示）" if "record_feedback" in path else "",
            )
            if "forward" in path:
                report.forwarded_to = department_for(report, departments)
            if "receive" in path:
                report.received_at = at(start, report, "receive")
            if "sign_off" in path:
                report.signed_by, report.signed_at = secgen, at(start, report, "sign_off")
            if "report_up" in path:
                report.reported_at = at(start, report, "report_up")
            plans.append((report, start))
            i += 1
    reports = _create(plans, info)
    _bulletins(reports, plans, info, levels)
    _audit(reports, plans, info, secgen)
    _instructions(reports, plans, info, departments, levels)
    _answer_instruction_tasks(reports, plans)


def _create(plans, info) -> list[OpinionReport]:
    """Insert the reports, then date them (and their history) from when they were written, not today."""
    reports = OpinionReport.objects.bulk_create([r for r, _start in plans])
    for report, start in plans:
        path = PATHS[report.status]
        report.created_at = start - timedelta(days=1) if path else start
        report.updated_at = at(start, report, path[-1]) if path else start
        report._history_date = report.created_at
    OpinionReport.objects.bulk_update(reports, ["created_at", "updated_at"])
    OpinionReport.history.bulk_history_create(reports, default_user=info)
    return reports


def _bulletins(reports, plans, info, levels) -> None:
    """Each year's published reports: a combined edition of the first three, single issues for the rest."""
    starts = {r.pk: start for r, start in plans}
    published = sorted(
        (r for r in reports if "publish" in PATHS[r.status]), key=lambda r: at(starts[r.pk], r, "publish")
    )
    by_year: dict[int, list[OpinionReport]] = {}
    for report in published:
        by_year.setdefault(timezone.localdate(at(starts[report.pk], report, "publish")).year, []).append(report)
    adoptions = []
    for year, batch in by_year.items():
        first = batch[:3]
        combined = Bulletin.objects.create(
            year=year,
            issue=1,
            title="民生热点综合（演示）",
            form="combined",
            published_on=timezone.localdate(at(starts[first[-1].pk], first[-1], "publish")),
            published_by=info,
        )
        for n, report in enumerate(batch):
            report.bulletin = combined
            if n >= 3:
                report.bulletin = Bulletin.objects.create(
                    year=year,
                    issue=n - 1,
                    title=report.title,
                    form="single",
                    published_on=timezone.localdate(at(starts[report.pk], report, "publish")),
                    published_by=info,
                )
            adoptions.append(
                Adoption(
                    report=report,
                    level=levels["district_cppcc"],
                    adopted_on=report.bulletin.published_on,
                    recorded_by=info,
                )
            )
            if report.status == S.ADOPTED_UPPER:
                adopted_on = timezone.localdate(at(starts[report.pk], report, "record_adoption"))
                adoptions.append(Adoption(report=report, level=levels["city"], adopted_on=adopted_on, recorded_by=info))
    OpinionReport.objects.bulk_update(published, ["bulletin"])
    Adoption.objects.bulk_create(adoptions)
    # Each bulletin was entered the day it came out, not the day the demo loaded.
    for bulletin in Bulletin.objects.filter(pk__in={r.bulletin_id for r in published}):
        entered = timezone.make_aware(datetime.combine(bulletin.published_on, time(10)))
        Bulletin.objects.filter(pk=bulletin.pk).update(created_at=entered, updated_at=entered)


def _audit(reports, plans, info, secgen) -> None:
    wf = workflow_for(OpinionReport)
    ct = ContentType.objects.get_for_model(OpinionReport)
    rows = []
    for report, (_plan, start) in zip(reports, plans, strict=True):
        state = S.DRAFT
        for step, name in enumerate(PATHS[report.status]):
            target = wf.action(name).target
            actor = report.author if name == "submit" else secgen if name == "sign_off" else info
            rows.append(
                StatusChange(
                    content_type=ct,
                    object_id=report.pk,
                    action=name,
                    from_state=state,
                    to_state=target,
                    actor=actor,
                    note="内容空泛，未采用（演示）" if name == "not_adopt" else "",
                    created_at=start + timedelta(days=2 * step),
                )
            )
            state = target
    StatusChange.objects.bulk_create(rows)


# A workstation's information item of the seed year: sent to the unit that can act on it, answered, filed.
SETTLED_PATH = ["submit", "receive", "forward", "record_feedback", "archive"]


def settle_workstation_items(reports: list[OpinionReport]) -> None:
    """Submit, forward, answer and file the workstation's items in the weeks after they were written.

    They are the workstation's information (its "useful information items"), written up by the staff
    who run its receptions and filed under its name (the provider, no member named): they count for the
    workstation, not for any member's duty record (`opinions.selectors.credited_member`); forwarded,
    not published, they are not adopted.
    """
    info = User.objects.get(username="info")
    departments = {d.short_name: d for d in Department.objects.all()}
    ct = ContentType.objects.get_for_model(OpinionReport)
    wf = workflow_for(OpinionReport)
    rows = []
    for report in reports:
        start = report.created_at + timedelta(days=1)
        report.member = None
        report.status = S.ARCHIVED
        report.submitted_at, report.received_at = start, start + timedelta(days=2)
        # To the unit whose remit the item's subject is (not one unit after another).
        report.forwarded_to = workstation_item_department(report, departments)
        report.feedback = "有关单位已研究办理并答复群众（演示）"
        report.updated_at = start + timedelta(days=2 * (len(SETTLED_PATH) - 1))
        state = S.DRAFT
        for step, name in enumerate(SETTLED_PATH):
            target = wf.action(name).target
            actor = report.author if name == "submit" else info
            note = report.feedback if name == "record_feedback" else ""
            at_ = start + timedelta(days=2 * step)
            rows.append(
                StatusChange(
                    content_type=ct,
                    object_id=report.pk,
                    action=name,
                    from_state=state,
                    to_state=target,
                    actor=actor,
                    note=note,
                    created_at=at_,
                )
            )
            state = target
        report.history.filter(history_type="+").update(history_date=report.created_at)
    fields = ["member", "status", "submitted_at", "received_at", "forwarded_to", "feedback", "updated_at"]
    OpinionReport.objects.bulk_update(reports, fields)
    StatusChange.objects.bulk_create(rows)


def _instructions(reports, plans, info, departments, levels) -> None:
    """Leaders' instructions open supervision tasks, as in production."""
    from supervision.services import create_task

    # Each task was opened the day after its instruction was recorded (its record and steps date from then).
    clock = StoryClock()
    for report, (_plan, start) in zip(reports, plans, strict=True):
        if "record_instruction" not in PATHS[report.status]:
            continue
        dept = department_for(report, departments)
        clock.at(at(start, report, "record_instruction") + timedelta(days=1))
        task = create_task(
            source=report,
            title=f"落实领导批示：{report.title}",
            actor=info,
            description="区长批示：请相关部门研究解决（演示）。",
            lead_department=dept,
            due_date=timezone.localdate() + timedelta(days=60),
        )
        Instruction.objects.create(
            report=report,
            leader="区长（演示）",
            level=levels["district"],
            text="请相关部门研究解决，并及时反馈。（演示）",
            instructed_on=timezone.localdate(at(start, report, "record_instruction")),
            task=task,
            recorded_by=info,
        )
    clock.settle()


def _answer_instruction_tasks(reports, plans) -> None:
    """A report fed back on its leader's instruction was answered on the instruction's supervision task
    first: the task was transferred, accepted and replied to before the feedback was recorded."""
    from accounts.roles import Role
    from core.workflow import perform
    from supervision.services.tasks import assign_task, submit_reply

    gov = User.objects.get(username="govoffice")
    clock = StoryClock()
    for report, (_plan, start) in zip(reports, plans, strict=True):
        path = PATHS[report.status]
        if "record_instruction" not in path or "record_feedback" not in path:
            continue
        task = report.instructions.select_related("task__lead_department").first().task
        liaison = (
            User.objects.filter(groups__name=Role.DEPT_LIAISON, department=task.lead_department_id, is_active=True)
            .order_by("id")
            .first()
        )
        if liaison is None:
            continue
        opened = at(start, report, "record_instruction") + timedelta(days=1)
        clock.at(opened + timedelta(hours=2))
        assign_task(task=task, actor=gov, lead_department=task.lead_department, due_date=task.due_date)
        clock.at(opened + timedelta(hours=4))
        perform(task, "accept", actor=liaison)
        clock.at(opened + timedelta(hours=6))
        submit_reply(task=task, actor=liaison, classification="solved", body=report.feedback)
    clock.settle()
