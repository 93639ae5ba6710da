"""The annual work report: a page to choose the year, and the DOCX / PDF downloads."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.documents import render_docx, render_pdf
from core.exports import file_response
from core.i18n import record_language
from insight.report import build_annual_report
from insight.selectors import duty, stats

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require_reader(user) -> None:
    if not duty.sees_all_records(user):
        raise Http404


@login_required
def report_page(request):
    _require_reader(request.user)
    return render(request, "insight/report.html", {"years": stats.data_years(), "default_year": stats.default_year()})


@login_required
def report_document(request, year: int, fmt: str):
    _require_reader(request.user)
    if fmt not in ("docx", "pdf") or year not in stats.data_years():
        raise Http404
    name = _("%(y)s年度工作统计报告.%(fmt)s") % {"y": year, "fmt": fmt}
    # The report is a document of the district: worded in its language (headings, categories, reply
    # classes, sectors), whatever language the reader downloading it reads the site in.
    with record_language():
        spec = build_annual_report(year)
        if fmt == "docx":
            return file_response(render_docx(spec), name, DOCX)
        return file_response(render_pdf(spec), name, "application/pdf")
