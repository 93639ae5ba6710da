"""XLSX exports with openpyxl: the column layout an office files, one sheet per list."""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter


@dataclass
class Column:
    header: str
    value: Any  # callable(row) -> cell value
    width: int = 14


def filter_label(label: str, value) -> str:
    """One filter as a sheet's title names it: "label：value" (状态：已办结)."""
    return f"{label}{pgettext('label and value', '：')}{value}"


def titled(name: str, filters: Sequence[str]) -> str:
    """A sheet's title: its name, the filters it was exported with (as the list shows them, each
    "label：value") and the day. A filtered sheet handed round must say what it holds; an unfiltered one
    reads "name（day）"."""
    return _("%(name)s（%(d)s）") % {"name": " · ".join([name, *filters]), "d": timezone.localdate().isoformat()}


def build_xlsx(*, title: str, columns: Sequence[Column], rows: Iterable, sheet: str = "Sheet1") -> bytes:
    """Write rows (streamed) into a workbook with a title line and a bold header."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = sheet[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(columns), 1))
    ws.append([c.header for c in columns])
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = col.width
    for row in rows:
        ws.append([_cell(col.value(row)) for col in columns])
        for cell in ws[ws.max_row]:
            # openpyxl stores a string that starts with "=" as a formula: a title a citizen typed as
            # =HYPERLINK(...) would run in the clerk's spreadsheet. Every value we write is data.
            if cell.data_type == "f":
                cell.data_type = "s"
    ws.freeze_panes = "A3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        # A control character pasted into a title would make openpyxl refuse the whole workbook.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
