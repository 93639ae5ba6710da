"""The consultation report (协商议政报告) as DOCX and PDF: one saved version, rendered through core.documents
like the minutes, so that the report can be sent as a meeting's material without retyping it."""

import re

from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import ConsultationReport, ReportStatus, ReportVersion
from core.documents import DocSpec, Heading, render_docx, render_pdf
from core.i18n import record_language
from core.selectors import current_committee

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS = {"docx": DOCX, "pdf": "application/pdf"}


def _is_latest(report: ConsultationReport, version: ReportVersion) -> bool:
    return not report.versions.filter(number__gt=version.number).exists()


def version_state(report: ConsultationReport, version: ReportVersion) -> str:
    """What this version is: the report's state for its latest version (已采用, 已定稿 …), else superseded."""
    if _is_latest(report, version):
        return str(report.get_status_display())
    return _("已被后续稿本取代")


def report_version_spec(report: ConsultationReport, version: ReportVersion) -> DocSpec:
    group = report.group
    committee = current_committee()
    saved = timezone.localtime(version.created_at)
    blocks: list = [
        _("课题组：%(group)s") % {"group": group.title},
        _("牵头领导：%(lead)s") % {"lead": group.lead.name},
        _("稿本：第%(n)s稿（%(state)s）") % {"n": version.number, "state": version_state(report, version)},
        _("保存时间：%(when)s") % {"when": saved.strftime("%Y-%m-%d %H:%M")},
    ]
    if version.note:
        blocks.append(_("修改说明：%(note)s") % {"note": version.note})
    blocks.append(Heading(_("报告正文")))
    blocks += [line.strip() for line in version.body.splitlines() if line.strip()] or ["—"]
    adopted = report.status == ReportStatus.ADOPTED and _is_latest(report, version)
    return DocSpec(
        title=version.title,
        issuer=committee.name if committee else "",
        issued_on=saved.date() if adopted else None,
        blocks=blocks,
        footer_note="" if adopted else _("本件为报告稿本，不是采用稿。"),
    )


def report_version_document(report: ConsultationReport, version: ReportVersion, fmt: str) -> bytes:
    # A document of record: worded in the district's language, whatever language the downloader reads.
    with record_language():
        spec = report_version_spec(report, version)
        return render_docx(spec) if fmt == "docx" else render_pdf(spec)


_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def report_file_name(version: ReportVersion, fmt: str) -> str:
    """e.g. 关于“粮食生产安全”的协商议政报告（第3稿）.docx"""
    with record_language():
        name = _("%(title)s（第%(n)s稿）") % {"title": version.title, "n": version.number}
    return f"{_UNSAFE_IN_NAME.sub('_', name)[:120]}.{fmt}"
