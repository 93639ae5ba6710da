"""Demo 社情民意 reports in every state, with bulletins, adoptions and one leader's instruction (demo data)."""

import random
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from core.models import StatusChange
from core.workflow import workflow_for
from district.models import Department, Member, Party, Sector
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


def load(ctx: dict) -> None:
    rng = random.Random(38)
    now = timezone.now()
    info = User.objects.get(username="info")
    secgen = User.objects.get(username="secgen")
    authors = list(Member.objects.filter(user__isnull=False, is_active=True).select_related("user")[:30])
    duty_group = {m.name: m for m in Member.objects.filter(name__in=["洪志强", "李宏墩", "陈宏"])}
    sector = Sector.objects.filter(name="经贸").first()
    party = Party.objects.filter(short_name="民建").first()
    departments = list(Department.objects.filter(kind="functional")[:8])
    levels = {lv.code: lv for lv in AdoptionLevel.objects.all()}
    plans = []
    i = 0
    for state, count in COUNTS.items():
        for _ in range(count):
            member = authors[i % len(authors)] if i % 5 else duty_group.get("洪志强", authors[0])
            provider = sector if i % 4 == 0 else party if i % 7 == 0 else None
            start = now - timedelta(days=rng.randint(20, 200))
            report = OpinionReport(
                title=f"关于{MATTERS[i % len(MATTERS)]}的问题（演示）",
                body=f"近期群众反映{MATTERS[i % len(MATTERS)]}。一、基本情况……二、原因分析……三、意见建议……（演示数据）",
                status=state,
                author=member.user,
                member=member,
                provider_type=ContentType.objects.get_for_model(provider) if provider else None,
                provider_id=provider.pk if provider else None,
                is_urgent=i % 11 == 0,
                submitted_at=start if PATHS[state] else None,
                received_at=start + timedelta(days=2) if "receive" in PATHS[state] else None,
                signed_by=secgen if "sign_off" in PATHS[state] else None,
                signed_at=start + timedelta(days=5) if "sign_off" in PATHS[state] else None,
                forwarded_to=rng.choice(departments) if "forward" in PATHS[state] else None,
                reported_to="区委办、区政府办、市政协（演示）" if "report_up" in PATHS[state] else "",
                reported_at=start + timedelta(days=12) if "report_up" in PATHS[state] else None,
                feedback="相关部门已制定整改方案（演示）" if "record_feedback" in PATHS[state] else "",
            )
            plans.append((report, start))
            i += 1
    reports = bulk_create_with_history([r for r, _start in plans], OpinionReport, default_user=info)
    _bulletins(reports, plans, info, levels)
    _audit(reports, plans, info, secgen)
    _instructions(reports, info, departments, levels)


def _bulletins(reports, plans, info, levels) -> None:
    """Published reports: a combined edition of the first three, single issues for the rest."""
    published = [r for r in reports if "publish" in PATHS[r.status]]
    year = timezone.localdate().year
    combined = Bulletin.objects.create(
        year=year,
        issue=1,
        title="民生热点综合（演示）",
        form="combined",
        published_on=timezone.localdate(),
        published_by=info,
    )
    adoptions = []
    for n, report in enumerate(published):
        if n < 3:
            report.bulletin = combined
        else:
            report.bulletin = Bulletin.objects.create(
                year=year,
                issue=n - 1,
                title=report.title,
                form="single",
                published_on=timezone.localdate(),
                published_by=info,
            )
        adoptions.append(
            Adoption(
                report=report, level=levels["district_cppcc"], adopted_on=report.bulletin.published_on, recorded_by=info
            )
        )
        if report.status == S.ADOPTED_UPPER:
            adoptions.append(
                Adoption(report=report, level=levels["city"], adopted_on=timezone.localdate(), recorded_by=info)
            )
    OpinionReport.objects.bulk_update(published, ["bulletin"])
    Adoption.objects.bulk_create(adoptions)


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


def _instructions(reports, info, departments, levels) -> None:
    """Leaders' instructions open supervision tasks, as in production."""
    from supervision.services import create_task

    for report in reports:
        if "record_instruction" not in PATHS[report.status]:
            continue
        dept = departments[0] if departments else None
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
            instructed_on=timezone.localdate(),
            task=task,
            recorded_by=info,
        )
