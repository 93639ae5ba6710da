"""Meeting minutes (会议纪要) as DOCX and PDF, generated from the meeting record."""

from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import Attendance, Meeting
from consultations.selectors import minutes_issued_on, outcome_items_of, participants_of, speeches_of
from core.documents import DocSpec, Heading, Table, render_docx, render_pdf
from core.i18n import record_language
from core.selectors import current_committee


def _attendance_text(p) -> str:
    if p.attendance == Attendance.DEPUTY:
        return _("委托%(name)s参加") % {"name": p.deputy_name}
    if p.attendance == Attendance.DECLINED:
        return _("请假（%(reason)s）") % {"reason": p.reason}
    return str(p.get_attendance_display())


def minutes_spec(meeting: Meeting) -> DocSpec:
    """One DocSpec for both formats, so the DOCX and the PDF always say the same thing."""
    committee = current_committee()
    start = timezone.localtime(meeting.starts_at)
    participants = list(participants_of(meeting))
    speeches = list(speeches_of(meeting))
    items = list(outcome_items_of(meeting))
    blocks: list = [
        _("时间：%(when)s") % {"when": start.strftime("%Y-%m-%d %H:%M")},
        _("地点：%(place)s") % {"place": meeting.place or "—"},
        _("会议形式：%(kind)s") % {"kind": meeting.get_kind_display()},
    ]
    if meeting.conveners:
        blocks.append(_("召集单位：%(who)s") % {"who": meeting.conveners})
    # Every section is always present (an empty one reads "—") so the numbering 一 to 五 never skips.
    blocks += [Heading(_("一、会议议程")), meeting.agenda or "—"]
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
    summary = [line for line in meeting.minutes_summary.splitlines() if line.strip()]
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


def minutes_docx(meeting: Meeting) -> bytes:
    # The minutes are an official document: worded (and dated) in the district's language, whatever
    # language the downloader reads the site in.
    with record_language():
        return render_docx(minutes_spec(meeting))


def minutes_pdf(meeting: Meeting) -> bytes:
    with record_language():
        return render_pdf(minutes_spec(meeting))
