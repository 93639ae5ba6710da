"""Demo grassroots platforms following the seed (domain.md §0): the 同安民建政协委员工作室 at 新民镇
(partner 新民镇党委, "同心基地"), its reception weekends and contacts, the 经贸 duty group's 15
issues, micro-consultations and 7 proposals, and a community consultation. Residents are fictional.

The seed's figures (38 information items, 55 people advised in 2022) are reproduced by the records
below and computed by grassroots.selectors.workstation_report, never stored as numbers.

Every record carries the day it happened (its row, steps and edit history): an issue is collected after
the appeal it came from and before the proposal drafted from it; reception days run half a year ahead.
"""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from consultations.models import Attendance, Meeting, MeetingKind, MeetingParticipant, ParticipantRole
from core.demo_runner import StoryClock
from core.models import StatusChange
from core.workflow import perform
from district.models import Community, Department, Member, Party, Sector, Town
from grassroots import services
from grassroots.models import (
    Appointment,
    Contact,
    DutyGroup,
    DutyIssue,
    IssueStatus,
    MicroConsultation,
    Workstation,
    WorkstationService,
)
from intake.models import Appeal, AppealStatus, Outcome, Route

WORKSTATION = "同安民建政协委员工作室"
GROUP = "经贸界别委员履职小组"
DUTY_GROUP = ["洪志强", "李宏墩", "陈宏", "洪冬云", "张彦"]
# People advised per contact in 2022; they add up to the seed's 55.
PEOPLE_2022 = [3, 2, 1, 4, 2, 3, 1, 2, 5, 2, 3, 1, 2, 4, 3, 2, 1, 6, 2, 3, 3]
INFO_ITEMS_2022 = 38
ISSUES = [
    ("区燃气公司储配站搬迁", "住建局", "燃气储配站紧邻居民区和学校，居民担心安全，希望尽快搬迁。", Outcome.PLAN),
    ("新民镇工业区货车夜间扰民", "交通局", "夜间重型货车穿村而过，噪音大、扬尘多。", Outcome.ON_THE_SPOT),
    ("小微企业融资难", "发改局", "园区小微企业反映贷款门槛高、周期长。", Outcome.EXPLANATION),
    ("农贸市场改造后摊位费上涨", "市场监管局", "改造后摊位费上涨近一倍，摊主经营困难。", Outcome.PLAN),
    ("个体户办照跑多次", "市场监管局", "个体工商户反映办照需要多次往返。", Outcome.ON_THE_SPOT),
    ("园区公交线路不足", "交通局", "工业园区职工上下班通勤不便。", Outcome.PLAN),
    ("电商产业园物流配套不足", "商务局", "电商企业反映快递网点少、发货慢。", Outcome.EXPLANATION),
    ("企业用工招工难", "人社局", "制造业企业一线工人招聘困难。", Outcome.PLAN),
    ("老旧商业街改造停滞", "住建局", "商业街改造工程停工半年，商户营业受影响。", Outcome.EXPLANATION),
    (
        "夜市占道经营和周边停车管理",
        "城管局",
        "老城区夜市摊点和车辆占用老旧小区周边道路和消防通道，居民停车难，商户经营也受影响。",
        Outcome.ON_THE_SPOT,
    ),
    ("专精特新企业政策知晓率低", "工信局", "企业不清楚申报条件和扶持政策。", Outcome.ON_THE_SPOT),
    ("农产品直播带货缺乏培训", "商务局", "农户希望获得电商直播培训。", Outcome.PLAN),
    ("工业区污水管网不完善", "生态环境局", "部分企业污水纳管困难。", Outcome.PLAN),
    ("预付卡消费纠纷增多", "市场监管局", "健身、美容预付卡商家关门，消费者维权难。", Outcome.EXPLANATION),
    ("集体经济闲置厂房盘活", "农业农村局", "村集体厂房长期闲置，希望引进项目。", Outcome.PLAN),
]
# The seed's 7 proposals (proposals.demo) and the issue each grew from, by a word of the proposal's title
# (the parking proposal from the night-market issue, on the roads and parking round the old estates).
PROPOSAL_ISSUES = {
    "燃气公司搬迁": 0,
    "老城区营商环境": 4,
    "专精特新": 10,
    "农贸市场": 3,
    "工业集中区": 12,
    "老旧小区停车": 9,
    "中小微企业融资": 2,
}
# Issues the group took up from residents' appeals routed to it (intake.demo), by a word of the appeal's title.
APPEAL_ISSUES = {0: "燃气", 3: "菜市场", 7: "就业培训", 13: "预付卡"}
MICRO_ISSUES = [0, 1, 4, 9, 10]
# Issues settled with a plan (制定计划限期解决) and followed up: by the index of the issue, how the plan
# went. The sewage network was carried out before its date; the gas station's relocation slipped (a new
# site had to be approved) and was rescheduled, so it is still being carried out.
PLAN_FOLLOW_UP = {
    12: ("complete_plan", "（演示）污水管网改造工程完工，企业污水已全部纳管。"),
    0: ("reschedule_plan", "（演示）新址用地规划调整需报市里审批，搬迁计划顺延。"),
}
RESIDENTS = ["陈阿姨", "林师傅", "黄先生", "吴女士", "许大伯", "蔡店主", "郑老板", "苏女士"]


def _seed_proposals(group: DutyGroup) -> dict:
    """The seed's 7 proposals (loaded by the proposals demo) by the index of the issue each grew from."""
    from proposals.models import Proposal, Status

    proposals = Proposal.objects.filter(member__in=group.members.all()).exclude(status=Status.DRAFT).order_by("pk")
    out = {}
    for proposal in proposals:
        index = next((i for word, i in PROPOSAL_ISSUES.items() if word in proposal.title), None)
        if index is not None and index not in out and proposal.submitted_at is not None:
            out[index] = proposal
    return out


def _link_seed_proposals(issues: list, proposals: dict) -> None:
    """Link each seed proposal and its issue both ways, as `services.record_proposal_from_issue` does. The
    proposals demo dates all seven in 2022, the group's year: the group page counts them there (形成提案 7)."""
    from proposals.models import Proposal

    ct = ContentType.objects.get_for_model(DutyIssue)
    proposal_ct = ContentType.objects.get_for_model(Proposal)
    linked = []
    for index, proposal in proposals.items():
        issue = issues[index]
        issue.proposal_type, issue.proposal_id, issue.proposal_title = proposal_ct, proposal.pk, proposal.title
        issue.proposal_submitted_on = timezone.localdate(proposal.submitted_at)
        Proposal.objects.filter(pk=proposal.pk).update(source_type=ct, source_id=issue.pk)
        linked.append(issue)
    fields = ["proposal_type", "proposal_id", "proposal_title", "proposal_submitted_on"]
    DutyIssue.objects.bulk_update(linked, fields)


def _source_appeals(group: DutyGroup) -> dict:
    """For the issues taken up from appeals, the appeal (routed to the group, on the same matter) and the
    day it reached the group: the issue is collected after that, never before the resident wrote."""
    candidates = list(
        Appeal.objects.filter(duty_group=group)
        .exclude(status__in=[AppealStatus.RECEIVED, AppealStatus.MERGED, AppealStatus.WITHDRAWN])
        .order_by("created_at", "id")
    )
    ct = ContentType.objects.get_for_model(Appeal)
    out, used = {}, set()
    for index, word in APPEAL_ISSUES.items():
        appeal = next((a for a in candidates if word in a.title and a.pk not in used), None)
        if appeal is None:
            continue
        used.add(appeal.pk)
        routed = (
            StatusChange.objects.filter(content_type=ct, object_id=appeal.pk, action="route")
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        out[index] = (appeal, timezone.localdate(routed or appeal.created_at))
    return out


def platforms(ctx: dict) -> tuple[Workstation, DutyGroup]:
    """The demo workstation and duty group (get-or-create: the appeals demo routes cases to them)."""
    town = Town.objects.filter(name="新民镇").first()
    ws, created = Workstation.objects.get_or_create(
        name=WORKSTATION,
        defaults={
            "host_party": Party.objects.filter(short_name="民建").first(),
            "host_name": "民建同安区基层委员会",
            "partner_body": "新民镇党委",
            "partner_label": "同心基地",
            "town": town,
            "address": "同安区新民镇同心基地（演示地址）",
            "phone": "0592-0000000（演示）",
            "description": "政协委员在工作室值班，“请进来”接待群众、“走出去”走访群众，收集社情民意，协助化解矛盾。",
            "services": list(WorkstationService.objects.filter(is_active=True).values_list("code", flat=True)),
            "reception_capacity": 6,
        },
    )
    if created:
        member_user = ctx.get("users", {}).get("member")
        minjian = list(Member.objects.filter(party__short_name="民建").order_by("id")[:4])
        if member_user is not None and hasattr(member_user, "member"):
            minjian.append(member_user.member)
        ws.members.set(minjian)
    group, created = DutyGroup.objects.get_or_create(
        name=GROUP,
        defaults={
            "sector": Sector.objects.filter(name="经贸").first() or Sector.objects.first(),
            "room": "经贸界别委员活动室（演示）",
            "description": "经贸界别委员组成的履职小组，收集民生问题、开展微协商。",
        },
    )
    if created:
        members = list(Member.objects.filter(name__in=DUTY_GROUP, sector__name="经贸"))
        group.members.set(members)
        group.convenor = next((m for m in members if m.name == DUTY_GROUP[0]), None)
        group.save(update_fields=["convenor"])
    return ws, group


def load(ctx: dict) -> None:
    rng = random.Random(38)
    ws, group = platforms(ctx)
    users = ctx.get("users", {})
    clerk, member = users.get("clerk"), users.get("member") or users.get("clerk")
    if clerk is None:
        return
    _date_platforms(ws, group)
    _reception_days(ws, clerk)
    _contacts_and_information(rng, ws, clerk, member)
    _upcoming_bookings(rng, ws)
    _duty_group(rng, group, clerk, member)
    _community_consultation(clerk)


def _date_platforms(ws: Workstation, group: DutyGroup) -> None:
    """The workstation and the duty group were set up before the seed year (their records and edit
    history begin then), whichever loader created them (the appeals demo routes cases to them)."""
    set_up = timezone.make_aware(datetime(2021, 12, 20, 10))
    for obj in (ws, group):
        type(obj).objects.filter(pk=obj.pk).update(created_at=set_up, updated_at=set_up)
        for n, record in enumerate(obj.history.order_by("history_date", "history_id")):
            record.history_date = set_up + timedelta(minutes=n)
            record.save(update_fields=["history_date"])


def _reception_days(ws: Workstation, clerk) -> None:
    """Each year's reception weekends, arranged in the December before; next year's months up to half a
    year ahead, arranged now."""
    today = timezone.localdate()
    clock = StoryClock()
    for year in range(2022, today.year + 1):
        clock.at(timezone.make_aware(datetime(year - 1, 12, 20, 15)))
        services.generate_reception_days(workstation=ws, start=date(year, 1, 1), months=12, actor=clerk)
    clock.live()
    services.generate_reception_days(
        workstation=ws, start=date(today.year + 1, 1, 1), months=max(0, today.month + 6 - 12), actor=clerk
    )
    clock.settle()


def _contacts_and_information(rng, ws, clerk, member) -> None:
    from opinions.demo import WORKSTATION_MATTERS, settle_workstation_items, workstation_matter
    from opinions.models import OpinionReport
    from opinions.services import draft_report

    days_2022 = list(ws.reception_days.filter(date__year=2022).order_by("date"))
    offered = list(WorkstationService.objects.filter(code__in=WORKSTATION_MATTERS))
    members = list(ws.members.all())
    contacts = []
    for i, people in enumerate(PEOPLE_2022):
        visit_out = i % 3 == 2
        day = None if visit_out else days_2022[(i * 2) % len(days_2022)]
        on = date(2022, 1 + (i * 11) // len(PEOPLE_2022), 20) if visit_out else day.date
        service = offered[i % len(offered)]
        contacts.append(
            Contact(
                workstation=ws,
                kind=Contact.Kind.VISIT_OUT if visit_out else Contact.Kind.RECEPTION,
                date=on,
                reception_day=day,
                service=service,
                people_count=people,
                place="新民镇" + rng.choice(["梧侣村", "禾山村", "柑岭村", "同心基地"]) + "（演示）",
                summary=f"（演示）{service.name}：群众反映的问题已记录并解答。",
                recorded_by=clerk,
            )
        )
    Contact.objects.bulk_create(contacts)
    for contact in contacts:  # written up the day of the reception or visit
        contact.created_at = contact.updated_at = timezone.make_aware(datetime.combine(contact.date, time(17)))
    Contact.objects.bulk_update(contacts, ["created_at", "updated_at"])
    through = Contact.members.through
    through.objects.bulk_create(
        [through(contact_id=c.pk, member_id=m.pk) for c in contacts for m in rng.sample(members, min(2, len(members)))]
    )
    appeals = list(
        Appeal.objects.filter(workstation=ws, created_at__year=2022, status__in=["answered", "closed"]).order_by("id")[
            :20
        ]
    )
    reports = []
    for i in range(INFO_ITEMS_2022):
        source = appeals[i] if i < len(appeals) else contacts[i % len(contacts)]
        if isinstance(source, Appeal):
            title = heard = source.title
        else:
            # What residents raised at this reception or visit: a subject one department acts on.
            matter = workstation_matter(source.service.code, i)
            title = f"关于新民镇{matter}的建议（演示）"
            heard = f"新民镇群众在{source.service.name}中反映{matter}"
        report = draft_report(
            title=title,
            body=f"（演示）{heard}。建议有关部门加强调研，完善政策。",
            # Written up by the office staff who run the workstation's receptions, in its name:
            # the workstation's information, credited to no member's duty record.
            author=clerk,
            member=None,
            source=source,
            provider=ws,
        )
        report.created_at = timezone.make_aware(datetime(2022, 2 + i % 10, 5 + i % 20, 10))
        reports.append(report)
        if isinstance(source, Appeal):
            source.opinion_report = report
    OpinionReport.objects.bulk_update(reports, ["created_at"])
    settle_workstation_items(reports)
    Appeal.objects.bulk_update(appeals, ["opinion_report"])


def _upcoming_bookings(rng, ws) -> None:
    upcoming = list(ws.reception_days.filter(date__gte=timezone.localdate()).order_by("date")[:2])
    offered = list(WorkstationService.objects.filter(is_active=True))
    rows = []
    for day in upcoming:
        for k in range(rng.randint(2, 4)):
            rows.append(
                Appointment(
                    reception_day=day,
                    name=rng.choice(RESIDENTS),
                    phone="139" + "".join(rng.choice("0123456789") for _ in range(8)),
                    topic=rng.choice(["咨询医保报销", "邻里纠纷调解", "咨询养老政策", "宅基地手续"]),
                    service=rng.choice(offered),
                    reference=f"YYDEMO{day.pk % 100:02d}{k}"[:12],
                )
            )
    Appointment.objects.bulk_create(rows)


def _collected_on(i: int, appeal_reached: date | None, proposal) -> date:
    """The day issue i was collected: through 2022 in turn; not before its appeal reached the group,
    and a couple of weeks before the proposal drafted from it went in."""
    collected = date(2022, 1 + (i * 11) // len(ISSUES), 3 + i)
    if appeal_reached is not None:
        collected = max(collected, appeal_reached + timedelta(days=3))
    if proposal is not None:
        collected = min(collected, timezone.localdate(proposal.submitted_at) - timedelta(days=14))
    # Its investigation and micro-consultation, three weeks on, lie in the past too.
    return min(collected, timezone.localdate() - timedelta(days=30))


def _duty_group(rng, group, clerk, member) -> None:
    departments = {d.short_name: d for d in Department.objects.all()}
    town = Town.objects.filter(name="新民镇").first()
    source_appeals = _source_appeals(group)
    proposals = _seed_proposals(group)
    issues = []
    for i, (title, dept, description, outcome) in enumerate(ISSUES):
        appeal, reached = source_appeals.get(i, (None, None))
        collected = _collected_on(i, reached, proposals.get(i))
        resolved = i in MICRO_ISSUES or i % 4 == 0
        issue = DutyIssue(
            group=group,
            title=title,
            description=f"（演示）{description}",
            source=DutyIssue.Source.APPEAL if appeal else DutyIssue.Source.FIELD,
            appeal=appeal,
            town=appeal.town if appeal and appeal.town else town,
            community=appeal.community if appeal else None,
            department=departments.get(dept),
            collected_on=collected,
            findings="（演示）小组成员实地走访，听取居民和企业意见。",
            status=IssueStatus.RESOLVED if resolved else IssueStatus.INVESTIGATING,
            outcome=outcome if resolved else "",
            outcome_note=f"（演示）{outcome.label}。" if resolved else "",
            plan_due_date=collected + timedelta(days=180) if resolved and outcome == Outcome.PLAN else None,
            created_by=member,
        )
        issues.append(issue)
    DutyIssue.objects.bulk_create(issues)
    # Entered the day each was collected, not the day the demo loaded.
    for issue in issues:
        issue.created_at = issue.updated_at = timezone.make_aware(datetime.combine(issue.collected_on, time(10)))
    DutyIssue.objects.bulk_update(issues, ["created_at", "updated_at"])
    _link_seed_proposals(issues, proposals)
    ct = ContentType.objects.get_for_model(DutyIssue)
    changes = []
    for i, issue in enumerate(issues):
        at = timezone.make_aware(datetime.combine(issue.collected_on, time(15)))
        changes.append(_change(ct, issue, "investigate", "collected", "investigating", at, member))
        if issue.status == IssueStatus.RESOLVED and issue.outcome == Outcome.PLAN:
            changes += _plan_steps(ct, issue, at + timedelta(days=20), PLAN_FOLLOW_UP.get(i), member)
        elif issue.status == IssueStatus.RESOLVED:
            changes.append(_change(ct, issue, "resolve", "investigating", "resolved", at + timedelta(days=20), member))
    StatusChange.objects.bulk_create(changes)
    members = list(group.members.all())
    clock = StoryClock()
    for i in MICRO_ISSUES:
        issue = issues[i]
        starts = timezone.make_aware(datetime.combine(issue.collected_on + timedelta(days=20), time(9, 30)))
        # Recorded after the meeting, before the issue was closed with its outcome (15:00 that day).
        clock.at(starts + timedelta(hours=4))
        meeting = Meeting.objects.create(
            kind=MeetingKind.MICRO,
            title=f"微协商：{issue.title}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place=group.room,
            subject_type=ct,
            subject_id=issue.pk,
            town=town,
            created_by=member,
        )
        dept = issue.department
        rows = [
            MeetingParticipant(
                meeting=meeting,
                role=ParticipantRole.DEPT_HEAD,
                department=dept,
                name=dept.head_name if dept else "部门负责人",
                attendance=Attendance.PRESENT,
            )
        ]
        rows += [
            MeetingParticipant(
                meeting=meeting, role=ParticipantRole.MEMBER, member=m, name=m.name, attendance="present"
            )
            for m in members
        ]
        rows += [
            MeetingParticipant(meeting=meeting, role=ParticipantRole.RESIDENT, name=r, attendance="present")
            for r in rng.sample(RESIDENTS, 3)
        ]
        MeetingParticipant.objects.bulk_create(rows)
        # Recorded as held, as the service records a logged micro-consultation.
        perform(meeting, "hold", actor=member)
        MicroConsultation.objects.create(
            meeting=meeting,
            issue=issue,
            department=dept,
            summary="（演示）部门负责人介绍情况，居民代表提出意见，委员居中协调。",
            outcome=issue.outcome,
            outcome_note=issue.outcome_note,
            plan_due_date=issue.plan_due_date,
            recorded_by=member,
        )
    clock.settle()
    _reschedule_plans(issues)
    appeals = [i.appeal for i in issues if i.appeal_id]
    for appeal in appeals:
        appeal.route = Route.DUTY_GROUP
    if appeals:
        Appeal.objects.bulk_update(appeals, ["route"])
    Appeal.objects.filter(duty_group=group, status=AppealStatus.RECEIVED).update(duty_group=None)


def _plan_steps(ct, issue, planned_at, follow_up, actor) -> list[StatusChange]:
    """A plan made at the micro-consultation, then carried out before its date or rescheduled at it."""
    steps = [_change(ct, issue, "plan", "investigating", "follow_up", planned_at, actor, issue.outcome_note)]
    action, note = follow_up or ("complete_plan", "（演示）计划已按期落实。")
    due = timezone.make_aware(datetime.combine(issue.plan_due_date, time(16)))
    if action == "complete_plan":
        steps.append(_change(ct, issue, action, "follow_up", "resolved", due - timedelta(days=10), actor, note))
    else:
        steps.append(_change(ct, issue, action, "follow_up", "follow_up", due, actor, note))
    return steps


def _reschedule_plans(issues: list) -> None:
    """The plans rescheduled at their date run on (计划落实中): their new date lies ahead of today."""
    for i, (action, _note) in PLAN_FOLLOW_UP.items():
        issue = issues[i]
        if action == "reschedule_plan" and issue.outcome == Outcome.PLAN:
            issue.status = IssueStatus.FOLLOW_UP
            issue.plan_due_date = timezone.localdate() + timedelta(days=120)
            DutyIssue.objects.filter(pk=issue.pk).update(status=issue.status, plan_due_date=issue.plan_due_date)


def _change(ct, obj, action, src, dst, at, actor, note="") -> StatusChange:
    return StatusChange(
        content_type=ct,
        object_id=obj.pk,
        action=action,
        from_state=src,
        to_state=dst,
        actor=actor,
        note=note,
        data={},
        created_at=at,
    )


def _community_consultation(clerk) -> None:
    """Held on 17 September 2022 and recorded that evening; both follow-up tasks were done in time."""
    community = Community.objects.filter(town__name="新民镇").first() or Community.objects.first()
    if community is None:
        return
    clock = StoryClock()
    clock.at(timezone.make_aware(datetime(2022, 9, 17, 18)))
    consultation = services.hold_community_consultation(
        community=community,
        matter="老旧小区加装电梯费用分摊",
        background="（演示）小区6栋拟加装电梯，低层住户担心采光和噪音，高层住户出行困难，费用分摊意见不一。",
        starts_at=timezone.make_aware(datetime(2022, 9, 17, 14, 30)),
        place=f"{community}居委会会议室（演示）",
        participants=[
            ("社区党委书记（演示）", ParticipantRole.PRESIDING),
            ("一楼住户代表（演示）", ParticipantRole.RESIDENT),
            ("六楼住户代表（演示）", ParticipantRole.RESIDENT),
            ("区政协委员（演示）", ParticipantRole.MEMBER),
            ("住建局工作人员（演示）", ParticipantRole.DEPT_HEAD),
        ],
        positions=[
            ("一楼住户", "担心采光和噪音，不愿承担费用"),
            ("六楼住户", "老人上下楼困难，愿意多承担费用"),
            ("住建局", "可申请加装电梯财政补助"),
        ],
        mediation_record="（演示）委员介绍其他小区经验，按楼层系数分摊费用，高层住户给予低层住户适当补偿。",
        agreement_reached=True,
        agreement="按楼层系数分摊费用，一、二层不出资；申请财政补助。",
        tasks=[
            ("申请加装电梯财政补助", "社区居委会", date(2022, 10, 31)),
            ("办理规划和施工审批", "住建局", date(2022, 12, 31)),
        ],
        actor=clerk,
    )
    notes = ["（演示）补助申请材料已报区住建局，获批。", "（演示）规划和施工审批已办结，电梯开工。"]
    done_on = [(2022, 10, 26), (2022, 12, 20)]
    for task, done, note in zip(consultation.tasks.order_by("due_date"), done_on, notes, strict=True):
        clock.at(timezone.make_aware(datetime(*done, 16)))
        services.complete_follow_up(task=task, actor=clerk, note=note)
    clock.settle()
