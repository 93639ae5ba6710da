"""Special reports (专报件): compile from outcome items, number on sign-off, render DOCX and PDF."""

from collections.abc import Iterable
from string import Template

from constance import config
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.documents import DocSpec, Heading, Table, render_docx, render_pdf
from core.exceptions import ActionForbidden, Refused, passes
from core.i18n import join_list, record_language, recorded
from core.services import record_status_change
from supervision.choices import ReportStatus
from supervision.models import ReportCounter, ReportTemplate, SpecialReport
from supervision.predicates import is_report_compiler


def default_template() -> ReportTemplate:
    template = ReportTemplate.objects.order_by("-is_default", "id").first()
    if template is None:
        raise Refused(_("尚未配置专报模板，请先在管理后台添加。"))
    return template


def _cn_date(value) -> str:
    with record_language():
        return _("%(y)s年%(m)s月%(d)s日") % {"y": value.year, "m": value.month, "d": value.day}


@transaction.atomic
def compile_special_report(
    *,
    meeting,
    items: Iterable,
    actor,
    lead=None,
    template: ReportTemplate | None = None,
    title: str = "",
    year: int | None = None,
) -> SpecialReport:
    """The research office compiles a topic's (a meeting's) outcome items into a draft special report."""
    if not is_report_compiler(actor):
        raise ActionForbidden(_("只有研究室可以编发专报件。"))
    items = sorted(items, key=lambda i: (i.order, i.pk))
    if not items:
        raise Refused(_("请至少选择一项协商成果事项。"), fields={"items": [_("必选。")]})
    if any(i.meeting_id != meeting.pk for i in items):
        raise Refused(_("所选成果事项不属于该次协商会议。"), fields={"items": [_("请重新选择。")]})
    # An item is transferred to its department once: in a second report its transfer could only be refused.
    taken = SpecialReport.objects.filter(items__in=items).distinct()
    if taken.exists():
        msg = _("所选成果事项已编入专报件%(reports)s。") % {"reports": join_list(r.number or r.title for r in taken)}
        raise Refused(msg, fields={"items": [msg]})
    template = template or default_template()
    subject = meeting.subject or meeting
    # The topic is the plan item consulted on, else the research group's topic; the meeting's own
    # title ("“…”专题协商会") is only the last resort, since the template wraps the topic in quotes.
    if meeting.subject_id:
        topic = str(subject)
    elif meeting.research_group_id:
        topic = meeting.research_group.title
    else:
        topic = meeting.title
    values = {
        "topic": topic,
        "meeting": meeting.title,
        "meeting_date": _cn_date(timezone.localtime(meeting.starts_at)),
        "count": str(len(items)),
    }
    report = SpecialReport(
        title=(title or recorded(gettext_lazy("关于%(topic)s协商成果的专报"), {"topic": topic}))[:200],
        subject=subject,
        topic_title=topic[:200],
        meeting=meeting,
        template=template,
        intro=Template(template.intro).safe_substitute(values),
        closing=Template(template.closing).safe_substitute(values),
        recipients=template.recipients,
        prefix=template.prefix or config.SUPERVISION_REPORT_PREFIX,
        year=year or timezone.localdate().year,
        lead=lead,
        created_by=actor,
    )
    report._history_user = actor
    report.full_clean()
    report.save()
    report.items.set(items)
    return report


@transaction.atomic
def update_special_report(*, report, actor, **fields) -> SpecialReport:
    """Edit a draft report's wording, recipients or rater."""
    if not is_report_compiler(actor):
        raise ActionForbidden(_("只有研究室可以修改专报件。"))
    if report.status != ReportStatus.DRAFT:
        raise Refused(_("专报件已送签，不能再修改；如需修改请由秘书长退回。"))
    for name in ("title", "intro", "closing", "recipients", "lead", "is_public"):
        if name in fields:
            setattr(report, name, fields[name])
    report._history_user = actor
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def delete_draft_report(*, report, actor) -> None:
    """Withdraw a draft (or returned) report so that its outcome items can be compiled again once
    corrected. A draft has no number yet, so none is lost; the deletion is kept in the report's history
    (who, when) and as a status change."""
    if not is_report_compiler(actor):
        raise ActionForbidden(_("只有研究室可以删除专报件草稿。"))
    report = SpecialReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise Refused(_("只有草稿状态的专报件可以删除；已送签的请由秘书长退回后再删除。"))
    record_status_change(
        report,
        "delete",
        report.status,
        "",
        actor=actor,
        note=recorded(gettext_lazy("删除专报件草稿：%(title)s"), {"title": report.title}),
        data={"items": list(report.items.values_list("pk", flat=True))},
    )
    report._history_user = actor
    report.items.clear()
    report.delete()


def guard_submit(report, *, actor, note, data) -> None:
    if not report.items.exists():
        raise Refused(_("专报件没有成果事项，不能送签。"))
    if report.lead_id is None:
        raise Refused(_("请先指定牵头委员或调研组组长（由其评价各部门的答复）。"), fields={"lead": [_("必填。")]})


def submit_offered(user, report) -> bool:
    """Offer 送秘书长签发 only when `guard_submit` lets it (a rater is named)."""
    return passes(guard_submit, report, actor=user, note="", data={})


def submit_blocked(user, report) -> str | None:
    """For the research office on a draft it may not send yet: what to do first (the guard's words)."""
    if report.status != ReportStatus.DRAFT or not is_report_compiler(user):
        return None
    try:
        guard_submit(report, actor=user, note="", data={})
    except Refused as exc:
        return str(exc.message)
    return None


def next_number(*, prefix: str, year: int) -> int:
    """Take the next serial number for (prefix, year); the counter row is locked until commit."""
    counter, _created = ReportCounter.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    # get_or_create does not lock a row it just created under every backend: re-read it locked.
    counter = ReportCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def format_number(prefix: str, year: int, serial: int) -> str:
    """The report's official number, as the documents print it (in the record's language)."""
    return recorded(gettext_lazy("%(prefix)s〔%(year)s〕%(n)s号"), {"prefix": prefix, "year": year, "n": serial})


def on_sign(report, *, actor, note, data, change) -> None:
    report.serial = next_number(prefix=report.prefix, year=report.year)
    report.number = format_number(report.prefix, report.year, report.serial)
    report.signed_by, report.signed_at = actor, change.created_at
    report._history_user = actor
    report.save(update_fields=["serial", "number", "signed_by", "signed_at", "updated_at"])


def on_issue(report, *, actor, note, data, change) -> None:
    report.issued_at = change.created_at
    report._history_user = actor
    report.save(update_fields=["issued_at", "updated_at"])


def build_spec(report: SpecialReport) -> DocSpec:
    """One description of the report, rendered identically to DOCX and PDF: a document of record, worded
    in the district's language whatever language the acting user reads the site in."""
    with record_language():
        return _spec(report)


def _spec(report: SpecialReport) -> DocSpec:
    rows = []
    for n, item in enumerate(
        report.items.select_related("responsible_department")
        .prefetch_related("co_departments")
        .order_by("order", "id"),
        start=1,
    ):
        rows.append(
            [
                str(n),
                item.recommendation,
                item.responsible_department.name,
                "、".join(d.short_name or d.name for d in item.co_departments.all()) or "—",
                item.agreed_action or "—",
                _cn_date(item.due_date) if item.due_date else "—",
            ]
        )
    blocks: list = [report.intro, Heading(_("协商成果事项及责任分工"))]
    blocks.append(
        Table(
            headers=[_("序号"), _("意见建议"), _("责任部门"), _("配合部门"), _("商定措施"), _("完成时限")],
            rows=rows,
        )
    )
    if report.closing:
        blocks.append(report.closing)
    footer = [report.template.footer_note] if report.template.footer_note else []
    if report.signed_by_id:
        footer.append(_("签发人：%(name)s") % {"name": report.signed_by.display})
    return DocSpec(
        title=report.title,
        number=report.number or _("（签发后编号）"),
        issuer=report.template.issuer,
        issued_on=timezone.localtime(report.signed_at).date() if report.signed_at else None,
        recipients=_("%(to)s：") % {"to": report.recipients},
        blocks=blocks,
        footer_note="　".join(footer),
    )


def report_docx(report: SpecialReport) -> bytes:
    # Rendered in the record's language too: the renderer prints the date of issue.
    with record_language():
        return render_docx(build_spec(report))


def report_pdf(report: SpecialReport) -> bytes:
    with record_language():
        return render_pdf(build_spec(report))
