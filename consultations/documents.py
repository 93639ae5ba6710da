"""Meeting minutes (会议纪要) as DOCX and PDF, generated from the meeting record.

Issued minutes are generated once, when they are issued, and stored (`services.meetings.on_minutes_issued`);
what is generated here at a download is the draft of a held meeting, the minutes of a meeting issued
before the platform kept the issued copy, or the current version of corrected minutes (marked as such).
"""

import re

from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import Attendance, Meeting, MeetingKind
from consultations.selectors import (
    corrections_after_issue,
    minutes_issued_on,
    outcome_items_of,
    participants_of,
    speeches_of,
)
from core.documents import DocSpec, Heading, Table, render_docx, render_pdf
from core.i18n import record_language
from core.selectors import current_committee


def _attendance_text(p) -> str:
    if p.attendance == Attendance.DEPUTY:
        return _("委托%(name)s参加") % {"name": p.deputy_name}
    if p.attendance == Attendance.DECLINED:
        return _("请假（%(reason)s）") % {"reason": p.reason}
    return str(p.get_attendance_display())


def _current_marking(meeting: Meeting) -> list:
    """The lines under the title that mark a current version as not the issued minutes, with what was
    corrected after the issue (which item, by whom, when)."""
    corrections = [
        _("第%(n)s项（%(by)s，%(at)s）")
        % {"n": c["order"], "by": c["by"], "at": timezone.localtime(c["at"]).strftime("%Y-%m-%d %H:%M")}
        for c in corrections_after_issue(meeting)
    ]
    return [
        Heading(_("（含印发后更正，非印发稿）"), level=2),
        _("本件为纪要的当前版本，不是印发稿；印发稿以纪要印发时存档的文件为准。"),
        _("纪要印发后，成果事项有%(n)s处更正：%(list)s。")
        % {"n": len(corrections), "list": "、".join(corrections) or "—"},
    ]


def _lines(text: str) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


def _record_lines(meeting: Meeting) -> tuple[list[str], list[str]]:
    """The agenda and the substance of the record kept with the meeting: a community consultation's matter,
    background, the parties' positions, the mediation, its result and follow-up tasks; a micro-consultation's
    issue, how it went and its outcome (with the plan's date). Nothing else is what they discussed: the
    minutes of either would otherwise carry only who came."""
    agenda = _lines(meeting.agenda)
    record: list[str] = []
    affair = getattr(meeting, "community_affair", None) if meeting.kind == MeetingKind.COMMUNITY else None
    micro = getattr(meeting, "micro", None) if meeting.kind == MeetingKind.MICRO else None
    if affair is not None:
        agenda = agenda or [_("协商事项：%(matter)s") % {"matter": affair.matter}]
        record.append(_("事项背景：%(text)s") % {"text": affair.background})
        positions = list(affair.positions.all())
        if positions:
            record.append(_("各方意见："))
            record += [
                _("%(n)s. %(who)s：%(what)s") % {"n": n, "who": p.speaker, "what": p.position}
                for n, p in enumerate(positions, 1)
            ]
        if affair.mediation_record.strip():
            record.append(_("协商调解记录：%(text)s") % {"text": affair.mediation_record.strip()})
        result = {True: _("达成一致"), False: _("未达成一致"), None: _("尚未形成结果")}[affair.agreement_reached]
        if affair.agreement.strip():
            record.append(_("协商结果：%(result)s。%(text)s") % {"result": result, "text": affair.agreement.strip()})
        else:
            record.append(_("协商结果：%(result)s。") % {"result": result})
        tasks = list(affair.tasks.all())
        if tasks:
            record.append(_("后续任务："))
            for n, t in enumerate(tasks, 1):
                due = t.due_date.isoformat() if t.due_date else _("未定")
                line = _("%(n)s. %(what)s（责任方：%(who)s；完成时限：%(due)s）") % {
                    "n": n,
                    "what": t.description,
                    "who": t.responsible,
                    "due": due,
                }
                record.append(line)
    elif micro is not None:
        agenda = agenda or [_("协商议题：%(title)s") % {"title": micro.issue.title}]
        record.append(_("协商情况：%(text)s") % {"text": micro.summary})
        outcome = micro.get_outcome_display()
        if micro.plan_due_date:
            outcome = _("%(outcome)s（计划%(due)s前完成，责任部门：%(dept)s）") % {
                "outcome": outcome,
                "due": micro.plan_due_date.isoformat(),
                "dept": micro.department.name,
            }
        record.append(_("协商结果：%(outcome)s") % {"outcome": outcome})
        record.append(_("结果说明：%(text)s") % {"text": micro.outcome_note})
    return agenda, record


def has_record_substance(meeting: Meeting) -> bool:
    """Whether the meeting carries a community or micro-consultation record: its minutes have substance."""
    return bool(_record_lines(meeting)[1])


def minutes_spec(meeting: Meeting, *, current: bool = False) -> DocSpec:
    """One DocSpec for both formats, so the DOCX and the PDF always say the same thing. With current, the
    current version of issued minutes: what the record says now, marked as not the issued minutes."""
    committee = current_committee()
    start = timezone.localtime(meeting.starts_at)
    participants = list(participants_of(meeting))
    speeches = list(speeches_of(meeting))
    items = list(outcome_items_of(meeting))
    blocks: list = [
        *(_current_marking(meeting) if current else []),
        _("时间：%(when)s") % {"when": start.strftime("%Y-%m-%d %H:%M")},
        _("地点：%(place)s") % {"place": meeting.place or "—"},
        _("会议形式：%(kind)s") % {"kind": meeting.get_kind_display()},
    ]
    if meeting.conveners:
        blocks.append(_("召集单位：%(who)s") % {"who": meeting.conveners})
    agenda, record = _record_lines(meeting)
    # Every section is always present (an empty one reads "—") so the numbering 一 to 五 never skips.
    blocks += [Heading(_("一、会议议程")), *(agenda or ["—"])]
    blocks.append(
        Table(
            [_("姓名"), _("身份"), _("单位"), _("出席情况")],
            [
                [p.name, p.role_title, p.department.short_name if p.department else "", _attendance_text(p)]
                for p in participants
            ],
            caption=_("二、参会人员"),
        )
    )
    summary = [line for line in meeting.minutes_summary.splitlines() if line.strip()] + record
    blocks += [Heading(_("三、会议纪要")), *(summary or ["—"])]
    blocks.append(Heading(_("四、发言和部门回应")))
    if not speeches:
        blocks.append("—")
    for s in speeches:
        who = s.speaker_name + (_("（%(who)s）") % {"who": s.on_behalf_of} if s.on_behalf_of else "")
        blocks.append(
            _("%(n)s. %(who)s【%(kind)s】：%(summary)s")
            % {"n": s.order, "who": who, "kind": s.get_kind_display(), "summary": s.summary}
        )
    blocks.append(
        Table(
            [_("序号"), _("意见建议"), _("责任部门"), _("配合部门"), _("商定的措施"), _("完成时限")],
            [
                [
                    str(i.order),
                    i.recommendation,
                    i.responsible_department.short_name or i.responsible_department.name,
                    "、".join(d.short_name or d.name for d in i.co_departments.all()),
                    i.agreed_action,
                    i.due_date.isoformat() if i.due_date else "",
                ]
                for i in items
            ]
            or [["—", "", "", "", "", ""]],
            caption=_("五、协商成果事项"),
        )
    )
    return DocSpec(
        title=_("%(title)s纪要") % {"title": meeting.title},
        issuer=committee.name if committee else "",
        issued_on=minutes_issued_on(meeting),
        blocks=blocks,
        footer_note=_("报送：区委办公室、区政府办公室。抄送：相关部门。"),
    )


def minutes_docx(meeting: Meeting, *, current: bool = False) -> bytes:
    # The minutes are an official document: worded (and dated) in the district's language, whatever
    # language the downloader reads the site in.
    with record_language():
        return render_docx(minutes_spec(meeting, current=current))


def minutes_pdf(meeting: Meeting, *, current: bool = False) -> bytes:
    with record_language():
        return render_pdf(minutes_spec(meeting, current=current))


_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def issued_file_name(meeting: Meeting, fmt: str) -> str:
    """The issued minutes' file name, e.g. 落实教育“双减”政策专题协商会纪要.docx."""
    with record_language():
        name = _("%(title)s纪要") % {"title": meeting.title}
    return f"{_UNSAFE_IN_NAME.sub('_', name)[:120]}.{fmt}"
