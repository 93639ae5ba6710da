"""Demo: the 2022 standing-committee key topic 落实教育"双减"政策, from research group to agreed outcomes.

Everything here is demo data: schools and people other than the seed's named ones are fictional. The
story runs through the real services, then its steps get the days of 2022 they were taken on
(`core.demo_runner.StoryClock`): the minutes, say, are dated a week after the meeting, not the day the
demo loaded.
"""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from consultations import services
from consultations.models import Meeting, MeetingKind, ParticipantRole, SpeechKind
from core.demo_runner import StoryClock
from core.workflow import perform
from district.models import Body, Department, Expert, Member

TZ = ZoneInfo("Asia/Shanghai")
TOPIC = "落实教育“双减”政策"
MEETING_TITLE = "区政协常委会专题协商会：落实教育“双减”政策"


def _at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2022, month, day, hour, minute, tzinfo=TZ)


def context() -> dict:
    meeting = Meeting.objects.filter(title=MEETING_TITLE).order_by("id").first()
    if meeting is None:
        return {}
    return {
        "shuangjian_meeting": meeting,
        "shuangjian_outcomes": list(meeting.outcome_items.select_related("responsible_department").order_by("order")),
        "shuangjian_group": meeting.research_group,
    }


def _plan_item(ctx: dict):
    """The topics demo's plan item for 双减, if it ran first; the generic link works either way."""
    items = ctx.get("plan_items_2022") or {}
    for title, item in items.items():
        if "双减" in title:
            return item
    return None


def _photo(name: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (480, 320), colour)
    ImageDraw.Draw(img).rectangle((40, 40, 440, 280), outline=(255, 255, 255), width=6)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=70)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def shuangjian_meeting(ctx: dict) -> Meeting:
    """The 双减 consultation (research group, meeting, agreed outcomes), built once: by this loader, or by
    the first loader that needs it (the supervision demo transfers its outcomes), whichever runs first."""
    if Meeting.objects.filter(title=MEETING_TITLE).exists():
        ctx.update(context())
        return ctx["shuangjian_meeting"]
    users = {u.username: u for u in User.objects.filter(username__in=["clerk", "research", "chair", "expert"])}
    clerk, research, chair = users["clerk"], users["research"], users["chair"]
    depts = {d.short_name: d for d in Department.objects.all()}
    body = Body.objects.filter(name="教科卫体委员会").first()
    clock = StoryClock()
    group = _research(
        ctx, clerk=clerk, research=research, chair=chair, expert_user=users["expert"], body=body, clock=clock
    )
    _consultation(group, clerk=clerk, chair=chair, depts=depts, clock=clock)
    clock.settle()
    ctx.update(context())
    return ctx["shuangjian_meeting"]


def load(ctx: dict) -> None:
    shuangjian_meeting(ctx)
    clerk, research = User.objects.get(username="clerk"), User.objects.get(username="research")
    _forming_group(research)
    _plenary(clerk)


def _plenary(clerk) -> None:
    """The 2022 plenary session with every member's attendance (the duty record scores it)."""
    import random

    from consultations.models import Attendance, MeetingParticipant, MeetingStatus

    tz = ZoneInfo("Asia/Shanghai")
    # Each meeting was entered ahead of it (its record and history begin then), not when the demo loaded.
    clock = StoryClock()
    clock.at(datetime(2021, 12, 27, 10, tzinfo=tz))
    meeting = Meeting.objects.create(
        kind=MeetingKind.PLENARY,
        title="政协厦门市同安区第十四届委员会第二次会议（演示）",
        starts_at=datetime(2022, 1, 10, 9, tzinfo=tz),
        ends_at=datetime(2022, 1, 12, 12, tzinfo=tz),
        place="同安区会议中心（演示）",
        agenda="听取和审议常委会工作报告、提案工作情况报告；列席区人代会；审议通过决议。",
        status=MeetingStatus.HELD,
        created_by=clerk,
    )
    rng = random.Random(2022)
    rows = []
    for member in Member.objects.filter(is_active=True).order_by("id"):
        roll = rng.random()
        attendance = Attendance.PRESENT if roll < 0.92 else Attendance.DECLINED if roll < 0.98 else Attendance.ABSENT
        rows.append(
            MeetingParticipant(
                meeting=meeting,
                role=ParticipantRole.MEMBER,
                member=member,
                user_id=member.user_id,
                name=member.name,
                attendance=attendance,
                reason="因公出差（演示）" if attendance == Attendance.DECLINED else "",
                checked_in_at=meeting.starts_at if attendance == Attendance.PRESENT else None,
            )
        )
    MeetingParticipant.objects.bulk_create(rows)
    _committee_activities(clerk, rng, clock)
    clock.settle()


def _committee_activities(clerk, rng, clock) -> None:
    """Each special committee's 2022 activities (study, inspection, sector meetings) with its members."""
    from consultations.models import Attendance, MeetingParticipant, MeetingStatus

    tz = ZoneInfo("Asia/Shanghai")
    titles = ["专题学习会", "视察调研", "界别活动", "对口联系座谈", "委员培训", "年度工作总结会"]
    rows = []
    for body in Body.objects.filter(kind=Body.Kind.SPECIAL):
        members = list(Member.objects.filter(is_active=True, body=body))
        for month, title in enumerate(titles, start=3):
            when = datetime(2022, month + 2, 15, 14, tzinfo=tz)
            clock.at(when - timedelta(days=10))
            meeting = Meeting.objects.create(
                kind=MeetingKind.OTHER,
                title=f"{body.name}{title}（演示）",
                starts_at=when,
                ends_at=when.replace(hour=17),
                place="区政协会议室（演示）",
                status=MeetingStatus.HELD,
                created_by=clerk,
            )
            for member in members:
                present = rng.random() < 0.9
                rows.append(
                    MeetingParticipant(
                        meeting=meeting,
                        role=ParticipantRole.MEMBER,
                        member=member,
                        user_id=member.user_id,
                        name=member.name,
                        attendance=Attendance.PRESENT if present else Attendance.DECLINED,
                        reason="" if present else "工作冲突（演示）",
                        checked_in_at=when if present else None,
                    )
                )
    MeetingParticipant.objects.bulk_create(rows)


def _research(ctx, *, clerk, research, chair, expert_user, body, clock):
    plan_item = _plan_item(ctx)
    # The plan was published on 1 March 2022 (topics demo); the group formed at the end of March.
    clock.at(_at(3, 28, 10))
    group = services.create_research_group(
        title=str(getattr(plan_item, "title", "") or TOPIC),
        year=2022,
        lead=chair.member,
        actor=research,
        subject=plan_item,
        body=body,
        description=(
            "围绕作业减负、课后服务、校外培训治理、教师队伍保障四个方面开展调研。"
            "4月至5月赴城区和镇街中小学、校外培训机构原址、社区托管点实地调研，"
            "召开教师、家长座谈会，5月底形成协商议政报告，提交常委会专题协商。"
        ),
    )
    with_account = Member.objects.filter(is_active=True, position="", is_standing=False).exclude(user=None)
    with_account = with_account.exclude(user__username="member").order_by("id")
    education = list(with_account.filter(sector__name="教育")[:2])
    education += list(with_account.exclude(pk__in=[m.pk for m in education])[: 2 - len(education)])
    standing = Member.objects.get(user__username="standing")
    rows = []
    for i, member in enumerate([standing, *education]):
        clock.at(_at(3, 29, 9 + i))
        row = services.invite_to_group(group=group, actor=research, member=member)
        clock.at(_at(3, 30, 9 + i))
        rows.append(services.respond_to_group_invitation(membership=row, actor=member.user, accept=True))
    decliner = with_account.exclude(pk__in=[m.pk for m in education]).first()
    if decliner is not None:
        clock.at(_at(3, 29, 15))
        row = services.invite_to_group(group=group, actor=research, member=decliner)
        clock.at(_at(3, 31, 10))
        services.respond_to_group_invitation(
            membership=row, actor=decliner.user, accept=False, reason="同期参加医院等级评审，无法保证调研时间"
        )
    expert = Expert.objects.get(user=expert_user)
    clock.at(_at(3, 29, 16))
    row = services.invite_to_group(group=group, actor=research, expert=expert)
    clock.at(_at(3, 31, 15))
    rows.append(services.respond_to_group_invitation(membership=row, actor=expert_user, accept=True))
    clock.at(_at(4, 6, 9))
    perform(group, "start_research", actor=research, note="课题组组建完成，启动调研。")
    _work(group, rows=rows, research=research, chair=chair, expert_user=expert_user, clock=clock)
    return group


def _work(group, *, rows, research, chair, expert_user, clock):
    lead_row = group.memberships.get(role="lead")
    team = [lead_row, *rows]
    visits = [
        (
            date(2022, 4, 19),
            "大同街道某实验小学（演示）",
            "校长、教务主任、教师代表6人、家长代表5人",
            "学校实行“5+2”课后服务，参与率约93%；非学科类课程以校内教师为主，社会资源引入不足。"
            "教师反映课后服务后工作时长明显增加，弹性上下班落实不一。家长普遍认可作业量下降。",
            (178, 34, 34),
        ),
        (
            date(2022, 4, 28),
            "祥平街道某初级中学（演示）",
            "分管副校长、年段长、学生代表",
            "作业公示制度已建立，书面作业平均时长控制在90分钟内；个别学科作业设计仍以重复训练为主。"
            "课后服务经费主要来自财政补助，标准偏低，教师参与积极性有待提高。",
            (30, 90, 160),
        ),
        (
            date(2022, 5, 12),
            "西柯镇原校外培训机构集中区域及社区托管点（演示）",
            "区市场监管局、区教育局执法人员，社区工作人员",
            "学科类培训机构压减明显，但存在以“家政服务”“托管”名义开展隐形变异培训的线索；"
            "部门间信息共享和联合执法机制需常态化。社区托管点场地、师资不足。",
            (46, 125, 50),
        ),
    ]
    for i, (day, place, met, notes, colour) in enumerate(visits):
        clock.at(datetime(day.year, day.month, day.day, 17, tzinfo=TZ))  # written up the evening after
        services.add_field_visit(
            group=group,
            actor=research,
            visited_on=day,
            place=place,
            met_with=met,
            notes=notes,
            participants=team[: 3 + i % 2],
            files=[_photo(f"调研现场{i + 1}.jpg", colour)],
        )
    material = SimpleUploadedFile(
        "双减政策文件摘编（演示）.txt",
        "一、中共中央办公厅 国务院办公厅《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》要点\n"
        "二、省市贯彻落实文件要点（演示摘编）\n".encode(),
        content_type="text/plain",
    )
    clock.at(_at(4, 8, 10))
    services.share_material(group=group, actor=research, title="双减政策文件摘编", upload=material)
    for title, who, due in [
        ("汇总全区中小学课后服务参与率和经费数据", rows[1], date(2022, 5, 6)),
        ("梳理校外培训机构压减和执法数据", rows[0], date(2022, 5, 13)),
        ("起草报告中“教师队伍保障”部分", rows[-1], date(2022, 5, 20)),
    ]:
        clock.at(_at(4, 15, 10))
        task = services.add_research_task(group=group, actor=chair, title=title, assignee=who, due_date=due)
        clock.at(datetime(due.year, due.month, due.day, 16, tzinfo=TZ) - timedelta(days=1))  # a day early
        perform(task, "complete", actor=research)
    _report(group, research=research, chair=chair, expert_user=expert_user, clock=clock)


REPORT_V1 = """一、基本情况
（待补充全区课后服务和校外培训治理数据）
二、存在问题
1. 课后服务质量不均衡。
2. 校外培训隐形变异问题。
三、意见建议
（待课题组讨论）"""

REPORT_V2 = """一、基本情况
全区义务教育学校课后服务实现全覆盖，学生参与率约91%；学科类校外培训机构压减率超过九成（演示数据）。
二、存在问题
1. 课后服务内容以看管和作业辅导为主，优质社会资源引入不足。
2. 以“托管”“家政”名义开展的隐形变异培训时有发现，监管手段不足。
3. 课后服务经费保障标准偏低，教师工作量增加、激励不足。
三、意见建议
1. 丰富课后服务内容，引入科普、体育、艺术等非学科类资源。
2. 建立校外培训常态化联合监管机制。
3. 完善经费保障和教师激励。"""

REPORT_V3 = REPORT_V2.replace(
    "3. 完善经费保障和教师激励。",
    "3. 完善经费保障，落实课后服务补助标准动态调整。\n"
    "4. 合理核定教师工作量，落实弹性上下班，绩效工资向参与课后服务的教师倾斜。\n"
    "5. 提高作业设计质量，将作业管理纳入学校督导评估。",
)


def _report(group, *, research, chair, expert_user, clock):
    report = group.report
    clock.at(_at(5, 16, 10))
    services.save_report_draft(
        report=report, actor=research, title=report.title, body=REPORT_V1, expected_version=1, note="报告提纲"
    )
    report.refresh_from_db()
    clock.at(_at(5, 23, 10))
    services.save_report_draft(
        report=report,
        actor=expert_user,
        title=report.title,
        body=REPORT_V2,
        expected_version=report.version,
        note="补充调研数据和问题分析",
    )
    report.refresh_from_db()
    clock.at(_at(5, 24, 10))
    mandatory = services.comment_on_report(
        report=report, actor=research, body="经费和教师保障部分过于笼统，请分列具体建议并明确责任部门。", mandatory=True
    )
    advisory = services.comment_on_report(
        report=report, actor=expert_user, body="建议补充作业管理方面的建议，与督导评估挂钩。"
    )
    clock.at(_at(5, 25, 9))
    perform(report, "submit_review", actor=expert_user, note="第二稿请组长审阅。")
    clock.at(_at(5, 27, 10))
    services.save_report_draft(
        report=report,
        actor=research,
        title=report.title,
        body=REPORT_V3,
        expected_version=report.version,
        note="按意见分列经费、教师、作业三条建议",
    )
    clock.at(_at(5, 27, 16))
    services.resolve_comment(comment=mandatory, actor=chair, resolution="已分列为第3、4条建议，并明确责任部门。")
    services.resolve_comment(comment=advisory, actor=chair, resolution="已增加第5条建议。")
    clock.at(_at(5, 30, 10))
    perform(report, "finalise", actor=chair, note="同意定稿，提交常委会专题协商。")
    clock.at(_at(5, 31, 10))
    perform(report, "adopt", actor=research, note="作为常委会专题协商的基础材料。")
    clock.at(_at(6, 1, 9))
    perform(group, "conclude", actor=chair)


SPEECHES = [
    (
        SpeechKind.BRIEFING,
        "教育局",
        "",
        "通报全区落实“双减”工作情况：课后服务全覆盖，作业公示制度建立，学科类培训机构大幅压减。",
    ),
    (
        SpeechKind.SPEECH,
        "lead",
        "课题组",
        "汇报协商议政报告，提出丰富课后服务、常态化监管、经费保障、教师激励、作业管理五方面建议。",
    ),
    # None: the speaker speaks for their own sector (界别), as the directory has it.
    (SpeechKind.SPEECH, "standing", None, "建议引入青少年宫、科技馆等社会资源进校园，开发特色课后服务课程。"),
    (SpeechKind.QUESTION, "expert", "特邀研究员", "课后服务经费补助标准是否有动态调整机制？"),
    (SpeechKind.RESPONSE, "财政局", "", "将会同教育局测算，研究建立课后服务补助标准动态调整机制。"),
    (SpeechKind.RESPONSE, "市场监管局", "", "将联合教育局开展隐形变异培训专项治理，建立举报线索快速处置机制。"),
    (SpeechKind.LEADER, "leader", "", "要把协商成果转化为具体举措，各责任部门按期反馈落实情况。"),
]

OUTCOMES = [
    (
        "丰富课后服务内容，提升课后服务质量，引入科普、体育、艺术等优质非学科类社会资源。",
        "教育局",
        ["文旅局"],
        "2022年秋季学期起每校至少开设3类非学科类课后服务课程，建立社会资源准入名单。",
        date(2022, 10, 31),
    ),
    (
        "建立校外培训常态化联合监管机制，严查以托管、家政等名义开展的隐形变异培训。",
        "市场监管局",
        ["教育局"],
        "开展专项治理行动，建立举报线索48小时内联合处置机制。",
        date(2022, 12, 31),
    ),
    (
        "完善课后服务经费保障，建立补助标准动态调整机制。",
        "财政局",
        ["教育局"],
        "会同教育局测算成本，2023年预算中落实课后服务补助资金。",
        date(2022, 12, 31),
    ),
    (
        "合理核定教师工作量，落实弹性上下班，绩效工资向参与课后服务的教师倾斜。",
        "人社局",
        ["教育局", "财政局"],
        "出台教师参与课后服务绩效分配指导意见。",
        date(2023, 3, 31),
    ),
    (
        "提高作业设计质量，控制书面作业总量和时长，将作业管理纳入学校督导评估。",
        "教育局",
        [],
        "组织作业设计评比，将作业管理纳入2022年度学校督导评估指标。",
        date(2022, 11, 30),
    ),
    # Raised in the members' speeches and the departments' responses at the meeting.
    (
        "加大中小学教师补充力度，缓解课后服务师资压力。",
        "人社局",
        ["教育局"],
        "通过公开招聘和编制周转补充教师。",
        date(2022, 12, 31),
    ),
    (
        "完善家校社协同育人机制，办好家长学校。",
        "教育局",
        ["民政局"],
        "每所学校每学期至少举办2次家长课堂。",
        date(2022, 12, 31),
    ),
    (
        "规范非学科类培训机构设置标准与安全管理。",
        "市场监管局",
        ["教育局"],
        "出台非学科类培训机构设置指引，联合开展安全检查。",
        date(2022, 12, 31),
    ),
    (
        "利用社区场所开展寒暑假托管服务。",
        "民政局",
        ["教育局"],
        "在有条件的社区设立假期托管点。",
        date(2022, 12, 31),
    ),
    (
        "推进学校体育场地建设和错时开放。",
        "住建局",
        ["教育局"],
        "新建改建一批学校运动场并错时向社会开放。",
        date(2023, 6, 30),
    ),
]


def _sector_of(participant) -> str:
    """The member's own sector as the minutes name it (工会界别), or nothing for who has none."""
    member = participant.member if participant is not None else None
    return f"{member.sector.name}界别" if member is not None and member.sector_id else ""


def _consultation(group, *, clerk, chair, depts, clock):
    members = list(Member.objects.filter(is_standing=True, position="").exclude(user=None).order_by("id")[1:6])
    # Convened at least 15 working days ahead, materials 10 ahead; held on 28 June; the minutes went
    # to the party and government offices within 7 working days.
    clock.at(_at(6, 1, 10))
    meeting = services.create_consultation_meeting(
        title=MEETING_TITLE,
        kind=MeetingKind.STANDING,
        starts_at=_at(6, 28, 9),
        ends_at=_at(6, 28, 12),
        place="区政协会议中心第一会议室（演示）",
        agenda="一、区教育局通报“双减”工作情况\n二、课题组汇报协商议政报告\n三、委员发言\n四、相关部门回应\n五、区领导讲话",
        leader_name="分管教育工作的副区长（演示）",
        departments=[depts[k] for k in ("教育局", "市场监管局", "财政局", "人社局")],
        members=members,
        research_group=group,
        actor=clerk,
    )
    clock.at(_at(6, 1, 14))
    # The adopted report goes to the participants with the notice (the notice names it).
    services.add_meeting_material(
        meeting=meeting,
        actor=clerk,
        title="协商议政报告：落实教育“双减”政策（定稿）",
        upload=SimpleUploadedFile("协商议政报告.txt", REPORT_V3.encode(), content_type="text/plain"),
    )
    clock.at(_at(6, 1, 15))
    perform(meeting, "send_invitations", actor=clerk, note="提前15个工作日发出通知，材料提前10个工作日送达。")
    clock.at(_at(6, 6, 10))
    rows = {p.department.short_name if p.department else p.name: p for p in meeting.participants.all()}
    services.respond_to_invitation(
        participant=rows["人社局"], actor=clerk, response="deputy", deputy_name="副局长（演示）"
    )
    if members:
        services.respond_to_invitation(
            participant=meeting.participants.get(member=members[-1]), actor=clerk, response="decline", reason="出差在外"
        )
    clock.at(_at(6, 28, 8, 30))
    perform(meeting, "hold", actor=clerk)
    clock.at(_at(6, 28, 8, 40))
    for p in meeting.participants.exclude(attendance="declined"):
        services.check_in(participant=p, actor=clerk)
    clock.at(_at(6, 28, 9, 30))
    who = {
        "lead": meeting.participants.get(member=chair.member),
        "standing": meeting.participants.filter(member__user__username="standing").first(),
        "expert": meeting.participants.filter(role=ParticipantRole.EXPERT).first(),
        "leader": meeting.participants.get(role=ParticipantRole.LEADER),
    }
    for kind, key, behalf, summary in SPEECHES:
        participant = rows.get(key) or who.get(key)
        if behalf is None:
            behalf = _sector_of(participant)
        services.record_speech(
            meeting=meeting, actor=clerk, kind=kind, participant=participant, on_behalf_of=behalf, summary=summary
        )
    clock.at(_at(6, 28, 11, 30))
    for text, dept, co, action, due in OUTCOMES:
        services.record_outcome_item(
            meeting=meeting,
            actor=clerk,
            recommendation=text,
            responsible_department=depts[dept],
            co_departments=[depts[c] for c in co],
            agreed_action=action,
            due_date=due,
        )
    clock.at(_at(7, 4, 10))
    services.set_minutes_summary(
        meeting=meeting,
        actor=clerk,
        summary=(
            "6月28日，区政协召开常委会专题协商会，围绕“落实教育‘双减’政策”开展协商。"
            "区领导、区教育局、市场监管局、财政局、人社局负责人与课题组、常委面对面协商，"
            "形成十项协商成果（课题组报告五项、会上委员发言和部门回应五项），明确责任部门和完成时限，"
            "由区委办、区政府办督促落实。"
        ),
    )
    clock.at(_at(7, 5, 10))
    # The issued copy is stored as the step is taken, before the clock moves the step back: it is dated
    # with the day the story issued it.
    perform(meeting, "issue_minutes", actor=clerk, note="纪要报送区委办、区政府办。", data={"issued_on": "2022-07-05"})


DEMO_NOTE = "演示数据：本材料由演示程序生成，内容为虚构，不是真实公文。"


def _docx(name: str, spec) -> SimpleUploadedFile:
    from core.documents import render_docx

    return SimpleUploadedFile(
        name,
        render_docx(spec),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def handling_consultation_materials(meeting: Meeting, *, proposal, actor) -> list:
    """What a proposal-handling consultation (提案办理协商会) sends its participants ahead of the meeting
    (材料送达): the proposal as filed and the handling units' plan, each a short DOCX marked as demo data,
    uploaded through the meeting's service like any material (checked, audited on the meeting's timeline).
    The proposals demo calls it between convening the meeting and sending its notice, which names them."""
    from core.documents import DocSpec, Heading, Table
    from proposals.models import UnitRole

    units = list(proposal.assignments.filter(is_active=True).select_related("department").order_by("id"))
    lead = next((a.department for a in units if a.role != UnitRole.CO), None)
    number = f"第{proposal.serial}号" if proposal.serial else ""
    text = DocSpec(
        title=proposal.title,
        number=f"{number}提案（提案原文）" if number else "提案原文",
        blocks=[
            Heading("案由"),
            proposal.case or "（见提案系统）",
            Heading("分析"),
            proposal.analysis or "（见提案系统）",
            Heading("具体建议"),
            proposal.suggestions or "（见提案系统）",
        ],
        footer_note=DEMO_NOTE,
    )
    plan = DocSpec(
        title=f"{number}提案办理工作方案",
        issuer=lead.name if lead else "",
        blocks=[
            f"提案名称：《{proposal.title}》",
            Heading("一、办理分工"),
            Table(
                headers=["承办单位", "办理类型"],
                rows=[[a.department.name, a.get_role_display()] for a in units],
            ),
            Heading("二、办理思路"),
            "收到交办后，逐条研究提案建议并与提案者当面沟通：能解决的立即解决，需列入计划的明确时间表，"
            "受条件限制暂不能解决的说明原因。",
            Heading("三、进度安排"),
            "交办后一个月内完成调研论证；三个月内书面答复提案者；答复后按计划推进，定期向提案者和督办领导报告进展。",
            Heading("四、请在协商会上重点听取意见的事项"),
            "1. 办理措施是否回应了提案的具体建议；\n2. 时间表是否可行；\n3. 需要相关部门协同解决的问题。",
        ],
        footer_note=DEMO_NOTE,
    )
    return [
        services.add_meeting_material(
            meeting=meeting,
            actor=actor,
            title=f"{number}提案原文（演示）",
            upload=_docx("提案原文（演示）.docx", text),
        ),
        services.add_meeting_material(
            meeting=meeting,
            actor=actor,
            title="承办单位办理工作方案（演示）",
            upload=_docx("办理工作方案（演示）.docx", plan),
        ),
    ]


def _forming_group(research) -> None:
    """A chairs' meeting topic of this year (taken up again after 2022), its group still being formed:
    it shows an open invitation, so it is of the year the demo is loaded in."""
    lead = Member.objects.filter(position="vice_chair", user__username="vicechair").first()
    if lead is None:
        return
    group = services.create_research_group(
        title="提升丙洲陈化成公园品位",
        year=timezone.localdate().year,
        lead=lead,
        actor=research,
        description="主席会议协商议题（演示）。",
    )
    member = Member.objects.get(user__username="member")
    services.invite_to_group(group=group, actor=research, member=member)
