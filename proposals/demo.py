"""Demo proposals: the 经贸 duty group's 7 proposals from the seed among ~150 others, in every state.

People other than the seed's named members are fictional; every proposal is labelled demo data.
Rows are bulk-created along the real workflow paths (with their audit rows) so loading stays fast.
"""

import random
from datetime import datetime, time, timedelta

from constance import config
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from core.models import StatusChange
from core.workflow import workflow_for
from district.models import Department, Member, Session
from proposals.models import (
    Proposal,
    ProposalAssignment,
    ProposalContact,
    ProposalRating,
    ProposalReply,
    ProposalSigner,
    ReplyClass,
    Status,
    UnitRole,
)
from proposals.services.handling import units_line
from supervision.models import SupervisionTask

S = Status
BEFORE_FILING = ["submit", "pre_review"]
HANDED_OVER = [*BEFORE_FILING, "file", "set_units", "assign"]
ANSWERED = [*HANDED_OVER, "acknowledge", "send_reply", "approve_reply"]
PATHS = {
    S.DRAFT: [],
    S.COSIGNING: ["invite"],
    S.SUBMITTED: ["submit"],
    S.PRE_REVIEWED: BEFORE_FILING,
    S.REJECTED: [*BEFORE_FILING, "reject"],
    S.CONVERTED: [*BEFORE_FILING, "convert"],
    S.MERGED: [*BEFORE_FILING, "merge"],
    S.FILED: [*BEFORE_FILING, "file"],
    S.TO_ASSIGN: [*BEFORE_FILING, "file", "set_units"],
    S.ASSIGNED: HANDED_OVER,
    S.RETURN_REQUESTED: [*HANDED_OVER, "request_return"],
    S.IN_PROGRESS: [*HANDED_OVER, "acknowledge"],
    S.REVIEW: [*HANDED_OVER, "acknowledge", "send_reply"],
    S.REPLIED: ANSWERED,
    S.UNSATISFIED: [*ANSWERED, "conclude_unsatisfied"],
    S.REHANDLING: [*ANSWERED, "conclude_unsatisfied", "rehandle"],
    S.FOLLOW_UP: [*ANSWERED, "conclude_follow_up"],
    S.CLOSED: [*ANSWERED, "conclude_closed"],
}
NOTES = {
    "return_to_draft": "请补充问题分析",
    "reject": "含两个以上事项，请分别提出（演示）",
    "convert": "建议内容适合以社情民意信息反映（演示）",
    "request_return": "该事项不属于本单位职责（演示）",
    "rehandle": "请与提案者再次面商后重新答复（演示）",
}
# Why the proposers rated a reply 不满意; the platform's conclusion carries each such rating, as
# `services.feedback.rate_reply` words it.
UNSATISFIED_REASON = "答复未回应核心问题（演示）"
# The conclusions the proposers' ratings reach: the platform's steps (`workflow.is_system`), taken with no actor.
CONCLUSIONS = {"conclude_closed", "conclude_follow_up", "conclude_unsatisfied"}

# The seed's 经贸 duty group proposals (domain.md §0): (title, lead, co-signers, state, units, key). The group
# formed them in 2022 from the issues it collected (grassroots.demo), so they went in that year and were
# handled to the end: closed, or followed up where the reply put the matter in a plan (the gas station's
# relocation, which the group still follows; its issue's plan was rescheduled).
DUTY_GROUP_PROPOSALS = [
    ("关于推动区燃气公司搬迁的建议", "洪志强", ["李宏墩", "陈宏"], S.FOLLOW_UP, ["住建局", "发改局"], True),
    ("关于优化老城区营商环境的建议", "李宏墩", [], S.CLOSED, ["商务局", "市场监管局"], False),
    ("关于培育专精特新“小巨人”企业的建议", "陈宏", ["洪志强"], S.FOLLOW_UP, ["工信局"], False),
    ("关于完善农贸市场管理的建议", "洪冬云", [], S.CLOSED, ["市场监管局", "城管局"], False),
    ("关于加快工业集中区配套设施建设的建议", "张彦", ["洪冬云"], S.CLOSED, ["工信局", "住建局"], False),
    ("关于规范老旧小区停车管理的建议", "洪志强", [], S.CLOSED, ["交通局", "城管局"], False),
    ("关于支持中小微企业融资的建议", "洪冬云", ["张彦", "李宏墩"], S.CLOSED, ["财政局", "发改局"], False),
]
TOPICS = [
    ("落实教育“双减”政策", ["教育局"]),
    ("提升丙洲陈化成公园品位", ["文旅局", "住建局"]),
    ("整合农创文旅资源", ["农业农村局", "文旅局"]),
    ("发展壮大农村集体经济", ["农业农村局", "财政局"]),
    ("加强古城保护性建设", ["文旅局", "住建局"]),
    ("保障粮食生产安全", ["农业农村局"]),
    ("推进社区网格化管理", ["民政局"]),
    ("完善居家养老服务", ["民政局", "卫健局"]),
    ("促进高校毕业生就业", ["人社局"]),
    ("加强基层医疗卫生服务", ["卫健局"]),
    ("推进垃圾分类常态化", ["城管局", "生态环境局"]),
    ("改善农村人居环境", ["农业农村局", "生态环境局"]),
    ("加强溪流水环境治理", ["生态环境局"]),
    ("优化公交线路和站点设置", ["交通局"]),
    ("规范征地拆迁安置工作", ["住建局", "财政局"]),
    ("提升社会保障服务水平", ["人社局", "民政局"]),
    ("丰富基层公共文化服务", ["文旅局"]),
    ("加强中小学校园安全", ["教育局"]),
]
PLACES = ["大同街道", "祥平街道", "新民镇", "西柯镇", "五显镇", "洪塘镇", "莲花镇", "汀溪镇", "全区"]
OTHER_STATES = [
    *[S.CLOSED] * 34,
    *[S.FOLLOW_UP] * 12,
    *[S.IN_PROGRESS] * 19,
    *[S.REPLIED] * 10,
    *[S.REVIEW] * 6,
    *[S.ASSIGNED] * 8,
    *[S.TO_ASSIGN] * 5,
    *[S.FILED] * 5,
    *[S.RETURN_REQUESTED] * 3,
    *[S.UNSATISFIED] * 3,
    *[S.REHANDLING] * 3,
    *[S.REJECTED] * 8,
    *[S.CONVERTED] * 5,
    *[S.MERGED] * 4,
    *[S.PRE_REVIEWED] * 6,
    *[S.SUBMITTED] * 8,
    *[S.COSIGNING] * 4,
    *[S.DRAFT] * 7,
]
# Handled to the end: these belong to the seed year; every proposal still open runs now.
FINISHED_STATES = {S.FOLLOW_UP, S.CLOSED}
# The days after a proposal was drafted on which each step was taken (the same for its dated fields):
# co-signers confirm within hours, the proposer submits the next day, the assignment meeting (交办)
# is three weeks on, the reply comes about two months after it, the proposer rates it, and so on.
STEP_DAYS = {
    "invite": 0,
    "submit": 1,
    "pre_review": 2,
    "file": 8,
    "reject": 8,
    "convert": 8,
    "merge": 8,
    "set_units": 15,
    "assign": 20,
    "request_return": 21,
    "acknowledge": 22,
    "send_reply": 60,
    "approve_reply": 75,
    "conclude_closed": 80,
    "conclude_follow_up": 80,
    "conclude_unsatisfied": 80,
    "rehandle": 82,
}
CONTACT_DAY, OPINION_DAY, RATING_DAY = 30, 50, 78
# The author writes the draft a little before its first step (sending it for co-signing the same day, say),
# so the timeline lists its creation first.
DRAFTED_BEFORE = timedelta(hours=2)


def load(ctx: dict) -> None:
    rng = random.Random(2022)
    now = timezone.now()
    sessions = {s.year: s for s in Session.objects.filter(term__is_current=True)}
    depts = {d.short_name: d for d in Department.objects.all()}
    members = {m.name: m for m in Member.objects.select_related("user")}
    duty_group = [row[1] for row in DUTY_GROUP_PROPOSALS]
    accounts = list(
        Member.objects.filter(user__isnull=False, is_active=True).exclude(name__in=duty_group).select_related("user")
    )
    office = User.objects.get(username="proposal")
    chair = User.objects.get(username="chair")
    liaisons = {u.department_id: u for u in User.objects.filter(groups__name="dept_liaison").order_by("id")}
    classes = {c.code: c for c in ReplyClass.objects.all()}
    plans = []
    for title, lead, cosigners, state, units, key in DUTY_GROUP_PROPOSALS:
        plans.append(
            _plan(
                rng,
                now,
                sessions,
                office,
                title,
                members[lead],
                [members[n] for n in cosigners],
                state,
                units,
                key=key,
                from_issue=True,
            )
        )
    for i, state in enumerate(OTHER_STATES):
        topic, units = TOPICS[i % len(TOPICS)]
        # Walk the places once per round of topics: with i % len(PLACES) the 9 places repeat in step
        # with the 18 topics, so each title came back eight times (in different states).
        place = PLACES[(i // len(TOPICS)) % len(PLACES)]
        title = f"关于{place}{topic}的建议" if place != "全区" else f"关于全区{topic}的建议"
        lead = rng.choice(accounts)
        others = [m for m in accounts if m.pk != lead.pk]
        cosigners = rng.sample(others, rng.choice([0, 0, 1, 2]))
        if state == S.COSIGNING and not cosigners:
            # Only a joint proposal is sent for co-signing (`drafting.guard_invite`): it has someone invited.
            cosigners = [others[i % len(others)]]
        plans.append(_plan(rng, now, sessions, office, title, lead, cosigners, state, units))
    _number(plans)
    for plan in plans:
        # Created by its author (the office for a paper proposal it entered), as the real form does.
        plan["proposal"]._history_user = plan["proposal"].author
    proposals = bulk_create_with_history(
        [p["proposal"] for p in plans], Proposal, default_user=office, default_change_reason="demo"
    )
    for plan, proposal in zip(plans, proposals, strict=True):
        plan["proposal"] = proposal
    _date_records(plans)
    _merge_targets(plans)
    _children(plans, depts, liaisons, office, classes, rng)
    _key_and_excellent(plans, chair, office)


def _plan(rng, now, sessions, office, title, lead, cosigners, state, units, key=False, from_issue=False) -> dict:
    """One proposal's rows and dates, before saving."""
    # Proposals still open run now: their last step a few weeks ago, numbered in this year's session.
    # Those handled to the end, and most refused ones, are of the seed year 2022 (the duty group's from
    # the second half, after the issues they grew from were collected: see grassroots.demo). A merged
    # one joins a proposal still being handled, so it is recent too.
    refused = state in (S.REJECTED, S.CONVERTED, S.MERGED)
    by_chance = rng.random() < 0.3 if refused else False
    recent = state not in FINISHED_STATES and (not refused or by_chance or state == S.MERGED)
    if recent:
        since = rng.randint(5, 40)
        if state == S.REPLIED:  # the proposers' rating period (PROPOSAL_RATING_DAYS) is still running
            since = max(1, min(since, int(config.PROPOSAL_RATING_DAYS) - 7))
        start = now - timedelta(days=_last_step_day(PATHS[state]) + since)
    else:
        start = _aware(2022, rng.randint(1, 3) + (6 if from_issue else 0), rng.randint(1, 28))
    year = timezone.localtime(start + timedelta(days=STEP_DAYS["submit"])).year
    kind = "joint" if cosigners else "individual"
    proposal = Proposal(
        kind=kind,
        title=f"{title}（演示）",
        case=f"{title[2:-3]}方面群众反映较多，现状与群众期待仍有差距。（演示数据）",
        analysis="一是统筹协调不够；二是投入保障不足；三是长效机制尚未建立。",
        suggestions="一、明确责任单位和时间表；二、加大资金和政策支持；三、建立定期通报和评估机制。",
        # Members without an account hand in paper proposals, which the proposal office enters.
        author=lead.user or office,
        member=lead,
        is_urgent=rng.random() < 0.05,
        consents_to_conversion=state == S.CONVERTED or rng.random() < 0.5,
        status=state,
        # The session of the year it is submitted in, as `proposals.services.session_for` gives it.
        session=_session_for(sessions, year) if state not in (S.DRAFT, S.COSIGNING) else None,
    )
    if state == S.COSIGNING:
        proposal.cosign_deadline = (now + timedelta(days=5)).date()
    return {
        "proposal": proposal,
        "path": PATHS[state],
        "start": start,
        "cosigners": cosigners,
        "units": units,
        "key": key,
        "state": state,
    }


def _last_step_day(path) -> int:
    return max((STEP_DAYS[name] for name in path), default=0)


def _session_for(sessions: dict, year: int):
    return sessions.get(year) or sessions[max(y for y in sessions if y <= year)]


def _at(t, days: int):
    return t + timedelta(days=days)


def _aware(year: int, month: int, day: int):
    return timezone.make_aware(datetime(year, month, day, 9, 30))


def _number(plans) -> None:
    """Dates along the path, and numbers per session in filing order."""
    serials: dict[int, int] = {}
    for plan in sorted(plans, key=lambda p: p["start"]):
        p, path, t = plan["proposal"], plan["path"], plan["start"]
        # Saving stamps "now" on these; `_date_records` puts these back afterwards.
        plan["created"], plan["updated"] = t - DRAFTED_BEFORE, _at(t, _last_step_day(path))
        if "submit" in path or "invite" in path:
            p.submitted_at = _at(t, STEP_DAYS["submit"]) if "submit" in path else None
        if "file" in path:
            p.filed_at = _at(t, STEP_DAYS["file"])
            serials[p.session_id] = serials.get(p.session_id, 0) + 1
            p.serial = serials[p.session_id]
        if "assign" in path:
            p.assigned_at = _at(t, STEP_DAYS["assign"])
            p.reply_due = (p.assigned_at + timedelta(days=30 if p.is_urgent else 90)).date()
            p.handling_mode = "lead"
        if "approve_reply" in path:
            p.replied_at = _at(t, STEP_DAYS["approve_reply"])
            p.rating_due = timezone.localdate(p.replied_at) + timedelta(days=int(config.PROPOSAL_RATING_DAYS))
        if "rehandle" in path:
            p.round = 2
            fresh = timezone.localdate(_at(t, STEP_DAYS["rehandle"])) + timedelta(
                days=int(config.PROPOSAL_REHANDLE_DAYS)
            )
            p.reply_due = max(p.reply_due, fresh)
        if "conclude_closed" in path:
            p.closed_at = _at(t, STEP_DAYS["conclude_closed"])
        if "reject" in path or "convert" in path:
            p.reject_ground = "multiple_subjects" if "reject" in path else "no_suggestion"
        if "convert" in path:
            p.conversion = "letter"


def _date_records(plans) -> None:
    """A proposal was written when its story starts (its edit history begins there), not when the demo
    loaded: saving stamps "now" on the row and its first history record."""
    by_pk = {}
    for plan in plans:
        p = plan["proposal"]
        p.created_at, p.updated_at = plan["created"], plan["updated"]
        by_pk[p.pk] = p
    Proposal.objects.bulk_update(list(by_pk.values()), ["created_at", "updated_at"], batch_size=200)
    records = list(Proposal.history.filter(id__in=by_pk, history_type="+"))
    for record in records:
        record.history_date = by_pk[record.id].created_at
    Proposal.history.model.objects.bulk_update(records, ["history_date"], batch_size=200)


def _merge_targets(plans) -> None:
    """Each merged proposal joins a proposal of its session that was already filed when it was merged."""
    masters = [p for p in plans if p["state"] in (S.IN_PROGRESS, S.ASSIGNED)]
    merged = [p for p in plans if p["state"] == S.MERGED]
    for i, plan in enumerate(merged):
        proposal = plan["proposal"]
        merged_on = _at(plan["start"], STEP_DAYS["merge"])
        fitting = [
            m["proposal"]
            for m in masters
            if m["proposal"].session_id == proposal.session_id and m["proposal"].filed_at <= merged_on
        ]
        proposal.merged_into = (fitting or [m["proposal"] for m in masters])[i % len(fitting or masters)]
    Proposal.objects.bulk_update([plan["proposal"] for plan in merged], ["merged_into"])


def _children(plans, depts, liaisons, office, classes, rng) -> None:
    """Signers, units, contacts, replies, ratings and the audit rows of every proposal."""
    wf = workflow_for(Proposal)
    ct = ContentType.objects.get_for_model(Proposal)
    signers, units, contacts, replies, ratings, changes, suggested = [], [], [], [], [], [], []
    through = Proposal.suggested_departments.through
    for plan in plans:
        p, path, t = plan["proposal"], plan["path"], plan["start"]
        unit_depts = [depts[name] for name in plan["units"] if name in depts]
        suggested += [through(proposal_id=p.pk, department_id=d.pk) for d in unit_depts]
        confirmed = "submit" in path
        for i, member in enumerate(plan["cosigners"], start=1):
            signers.append(
                ProposalSigner(
                    proposal=p,
                    member=member,
                    user=member.user,
                    order=i,
                    accepted=True if confirmed else None,
                    # Invited when the proposal was written; confirmed within the day, before it went in.
                    invited_at=t,
                    responded_at=t + timedelta(hours=6 * i) if confirmed else None,
                )
            )
        if "set_units" in path:
            for i, dept in enumerate(unit_depts):
                units.append(
                    ProposalAssignment(
                        proposal=p,
                        department=dept,
                        role="lead" if i == 0 else "co",
                        assigned_by=office,
                        created_at=_at(t, STEP_DAYS["set_units"]),
                        updated_at=_at(t, STEP_DAYS["set_units"]),
                        acknowledged_at=_at(t, STEP_DAYS["acknowledge"]) if "acknowledge" in path and i == 0 else None,
                        return_reason=NOTES["request_return"] if "request_return" in path and i == 0 else "",
                        return_requested_at=(
                            _at(t, STEP_DAYS["request_return"]) if "request_return" in path and i == 0 else None
                        ),
                        opinion="同意主办单位的办理意见，将积极配合。（演示）" if "send_reply" in path and i else "",
                        opinion_at=_at(t, OPINION_DAY) if "send_reply" in path and i else None,
                    )
                )
        lead_dept = unit_depts[0] if unit_depts else None
        lead_liaison = liaisons.get(lead_dept.pk) if lead_dept else None
        answered_rounds = 1 if plan["state"] == S.REHANDLING else p.round
        raters = [u for u in [p.member.user, *(m.user for m in plan["cosigners"])] if u is not None]
        for round_no in range(1, answered_rounds + 1):
            if "send_reply" not in path or lead_dept is None:
                break
            contacts.append(
                ProposalContact(
                    proposal=p,
                    department=lead_dept,
                    round=round_no,
                    method=rng.choice(["face", "phone", "visit"]),
                    contacted_on=timezone.localdate(_at(t, CONTACT_DAY + 40 * (round_no - 1))),
                    created_at=_at(t, CONTACT_DAY + 40 * (round_no - 1)),
                    proposer_name=p.member.name,
                    summary="与提案者当面交流办理思路，听取意见建议。（演示）",
                    recorded_by=lead_liaison or office,
                )
            )
            code = _class_for(plan["state"], round_no, rng)
            replies.append(
                ProposalReply(
                    proposal=p,
                    department=lead_dept,
                    round=round_no,
                    reply_class=classes[code],
                    body=f"{p.member.name}委员：您提出的《{p.title}》收悉。经研究，现答复如下……（演示）",
                    signed_by=lead_dept.head_name or "局长",
                    # The letter (答复函) prints the unit's contact; a made-up office number.
                    contact_name=(lead_liaison or office).display,
                    contact_phone=f"0592-7{lead_dept.pk % 1000:03d}{round_no:01d}{p.pk % 100:02d}",
                    submitted_by=lead_liaison or office,
                    # Sent with the unit's send_reply step, which the office then approves.
                    created_at=_at(t, STEP_DAYS["send_reply"] - 5 + 40 * (round_no - 1)),
                    updated_at=_at(t, STEP_DAYS["send_reply"] + 40 * (round_no - 1)),
                    submitted_at=_at(t, STEP_DAYS["send_reply"] + 40 * (round_no - 1)),
                )
            )
            rating = _rating_for(plan["state"], round_no, p.round)
            for user in raters if rating else []:
                ratings.append(
                    ProposalRating(
                        proposal=p,
                        round=round_no,
                        user=user,
                        rating=rating,
                        reason=UNSATISFIED_REASON if rating == "unsatisfied" else "",
                        recorded_by=user,
                        # After the reply was approved and sent, before the proposer's conclusion.
                        created_at=_at(t, RATING_DAY + 40 * (round_no - 1)),
                    )
                )
        # The set_units step names the units chosen, as `services.handling.on_set_units` records them.
        roles = [(d, UnitRole.LEAD if i == 0 else UnitRole.CO) for i, d in enumerate(unit_depts)]
        units_note = units_line(roles) if roles else ""
        changes += _changes(wf, ct, p, path, t, office, lead_liaison, raters, units_note=units_note)
    through.objects.bulk_create(suggested)
    for model, rows in (
        (ProposalSigner, signers),
        (ProposalAssignment, units),
        (ProposalContact, contacts),
        (ProposalReply, replies),
        (ProposalRating, ratings),
    ):
        _bulk_create_dated(model, rows)
    StatusChange.objects.bulk_create(changes)


def _bulk_create_dated(model, rows: list) -> None:
    """Create rows with the dates of the story: saving stamps "now" on the automatic ones (created,
    updated, invited), so those are written again, as set, right after."""
    auto = [
        f.attname
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    wanted = [{name: getattr(row, name) for name in auto} for row in rows]
    model.objects.bulk_create(rows)
    for row, values in zip(rows, wanted, strict=True):
        for name, value in values.items():
            setattr(row, name, value)
    if auto and rows:
        model.objects.bulk_update(rows, auto, batch_size=200)


def _class_for(state, round_no, rng) -> str:
    if state == S.FOLLOW_UP:
        return "B"
    if state == S.CLOSED:
        return "A" if rng.random() < 0.75 else "C"
    return rng.choice(["A", "A", "B", "C"])


def _rating_for(state, round_no, rounds) -> str | None:
    if state in (S.UNSATISFIED, S.REHANDLING) and round_no == 1:
        return "unsatisfied"
    if state in (S.CLOSED, S.FOLLOW_UP):
        return "satisfied" if round_no == rounds else "unsatisfied"
    return None


def _changes(wf, ct, p, path, t, office, liaison, raters, *, units_note: str = "") -> list[StatusChange]:
    """The proposal's audit rows along its path: the author's, the unit's and the office's steps, and the
    conclusion of the ratings as the platform's step (no actor), an unsatisfied one noting each 不满意."""
    from core.i18n import recorded
    from proposals.services.feedback import UNSATISFIED_LINE

    state, out = S.DRAFT, []
    unit_actions = {"acknowledge", "send_reply", "request_return"}
    author_actions = {"invite", "submit"}
    lines = [recorded(UNSATISFIED_LINE, {"name": u.display, "reason": UNSATISFIED_REASON}) for u in raters]
    unsatisfied = "\n".join(lines)
    for name in path:
        target = wf.action(name).target
        if name in CONCLUSIONS:
            actor = None
        else:
            actor = p.author if name in author_actions else (liaison or office) if name in unit_actions else office
        out.append(
            StatusChange(
                content_type=ct,
                object_id=p.pk,
                action=name,
                from_state=state,
                to_state=target,
                actor=actor,
                note=(
                    unsatisfied
                    if name == "conclude_unsatisfied"
                    else "\n".join(n for n in (NOTES.get(name, ""), units_note if name == "set_units" else "") if n)
                ),
                data={"ground": p.reject_ground} if name in ("reject", "convert") else {},
                created_at=_at(t, STEP_DAYS[name]),
            )
        )
        state = target
    return out


def _key_and_excellent(plans, chair, office) -> None:
    """Key proposals supervised by the chair: the gas-company relocation of 2022, supervised and answered
    that year, and one of this session still being handled (its supervision task waits to be transferred,
    its handling consultation is in ten days). Two closed 2022 proposals are excellent."""
    from proposals.services.recognition import mark_key, schedule_handling_meeting

    for plan in plans:
        if plan["key"]:
            _key_of_the_seed_year(plan, chair, office)
    running = next(p for p in plans if p["state"] == S.IN_PROGRESS and not p["key"])
    proposal = mark_key(proposal=running["proposal"], supervisor=chair, actor=office)
    # On a round hour, as the office sets one: 15:00 ten days ahead.
    start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=10), time(15)))
    schedule_handling_meeting(
        proposal=proposal,
        actor=office,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="区政协三楼会议室（演示）",
        agenda="一、承办单位通报办理思路\n二、提案者发表意见\n三、督办领导讲话",
    )
    closed = [p["proposal"] for p in plans if p["state"] == S.CLOSED and p["proposal"].session.year == 2022]
    Proposal.objects.filter(pk__in=[p.pk for p in closed[:2]]).update(is_excellent=True, excellent_year=2022)


def _key_of_the_seed_year(plan, chair, office) -> None:
    """Chosen as a key proposal the day after it was handed over; the government office transferred its
    supervision task, the units met the proposers at a handling consultation, the lead unit replied (the
    relocation put in a plan) and the chair rated the reply: each step on its day of 2022."""
    from consultations.demo import handling_consultation_materials
    from consultations.services import check_in, set_minutes_summary
    from core.demo_runner import StoryClock
    from core.workflow import perform
    from proposals.services.recognition import mark_key, schedule_handling_meeting
    from supervision.demo import deadline_as_transferred, planned_as_replied
    from supervision.services.tasks import assign_task, rate_reply, report_progress, submit_reply

    p, t = plan["proposal"], plan["start"]
    gov = User.objects.get(username="govoffice")
    clock = StoryClock()
    clock.at(_at(t, STEP_DAYS["assign"] + 1))
    p = mark_key(proposal=p, supervisor=chair, actor=office, year=p.session.year)
    task = SupervisionTask.objects.get(source_type=ContentType.objects.get_for_model(Proposal), source_id=p.pk)
    clock.at(_at(t, STEP_DAYS["assign"] + 1) + timedelta(hours=3))
    # The transfer refuses a past deadline: the proposal's reply deadline is written just after.
    assign_task(
        task=task,
        actor=gov,
        lead_department=task.lead_department,
        due_date=timezone.localdate() + timedelta(days=30),
        co_departments=list(task.co_departments.all()),
    )
    deadline_as_transferred(task, p.reply_due)
    liaison = User.objects.filter(groups__name="dept_liaison", department=task.lead_department).order_by("id").first()
    clock.at(_at(t, STEP_DAYS["acknowledge"]))
    perform(task, "accept", actor=liaison)
    clock.at(_at(t, STEP_DAYS["acknowledge"] + 2))
    starts = (_at(t, STEP_DAYS["acknowledge"] + 14)).replace(hour=9, minute=30)
    meeting = schedule_handling_meeting(
        proposal=p,
        actor=office,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="区政协三楼会议室（演示）",
    )
    # The proposal and the units' handling plan go to the participants with the notice (材料送达).
    handling_consultation_materials(meeting, proposal=p, actor=office)
    perform(meeting, "send_invitations", actor=office)
    clock.at(starts - timedelta(minutes=30))
    perform(meeting, "hold", actor=office)
    for participant in meeting.participants.all():
        check_in(participant=participant, actor=office)
    clock.at(starts + timedelta(days=1))
    set_minutes_summary(
        meeting=meeting,
        actor=office,
        summary="（演示）承办单位通报新址比选和搬迁计划，提案者提出意见，督办领导要求明确时间表、按期推进。",
    )
    clock.at(starts + timedelta(days=2))
    issued_on = timezone.localdate(starts + timedelta(days=2)).isoformat()
    perform(meeting, "issue_minutes", actor=office, data={"issued_on": issued_on})
    clock.at(_at(t, 45))
    report_progress(task=task, actor=liaison, percent=40, text="（演示）已完成新址比选，正在办理用地规划调整。")
    clock.at(_at(t, STEP_DAYS["send_reply"]))
    submit_reply(
        task=task,
        actor=liaison,
        classification="planned",
        # A planned date must lie ahead on submission: the story's is written just after.
        planned_date=timezone.localdate() + timedelta(days=1),
        body="（演示）燃气储配站搬迁已列入区重点项目计划，新址用地规划调整报批后启动建设。",
    )
    planned_as_replied(task, timezone.localdate(_at(t, 365)))
    clock.at(_at(t, STEP_DAYS["conclude_follow_up"] + 2))
    rate_reply(task=task, actor=chair, rating="basic", note="已列入计划，请按时间表推进并及时报告进展。")
    # Rated on a plan, the task is followed up (跟踪落实) until the unit reports the planned step done.
    clock.at(max(_at(t, STEP_DAYS["conclude_follow_up"] + 10), min(_at(t, 365), _aware(2022, 12, 28))))
    perform(task, "report_done", actor=liaison, note="（演示）新址用地规划调整已获批复，搬迁项目已按计划启动建设。")
    clock.settle()
    # The proposal's own record keeps the date of its last step, not the day it was chosen.
    Proposal.objects.filter(pk=p.pk).update(updated_at=plan["updated"])
