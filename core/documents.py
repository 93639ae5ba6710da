"""Generated documents: DOCX (python-docx) and PDF (WeasyPrint with Debian's Noto CJK fonts).

Apps build a `DocSpec` (title, number, blocks) once and render it to both formats, so the DOCX and
the PDF of a plan, minutes or special report always say the same thing.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from core.i18n import record_language

CJK_SERIF = "Noto Serif CJK SC"
CJK_SANS = "Noto Sans CJK SC"


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Image:
    """A PNG image (e.g. a chart rendered server-side), width in centimetres."""

    png: bytes
    width_cm: float = 15.0
    caption: str = ""


@dataclass
class DocSpec:
    title: str
    number: str = ""  # e.g. 同委办〔2022〕12号
    issuer: str = ""  # e.g. 中共厦门市同安区委办公室
    issued_on: date | None = None
    recipients: str = ""  # 主送
    blocks: list = field(default_factory=list)  # str paragraphs, Heading, Table, Image
    footer_note: str = ""  # e.g. 抄送 / 印发


# Characters XML 1.0 cannot carry (C0 controls other than tab and line breaks, U+FFFE/U+FFFF): python-docx
# refuses them, so one typed into a title (a paste from another program) would break the download.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value) -> str:
    return _NOT_XML.sub("", str(value))


def _font(run, name: str, size: float | None = None, bold: bool = False) -> None:
    run.font.name = name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def render_docx(spec: DocSpec) -> bytes:
    """Render spec as a DOCX that Word and LibreOffice open."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = CJK_SERIF
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_SERIF)
    normal.font.size = Pt(12)
    doc.core_properties.title = _xml_text(spec.title)
    if spec.issuer:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(_xml_text(spec.issuer)), CJK_SANS, 20, bold=True)
    if spec.number:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(_xml_text(spec.number)), CJK_SERIF, 14)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(_xml_text(spec.title)), CJK_SANS, 18, bold=True)
    if spec.recipients:
        _font(doc.add_paragraph().add_run(_xml_text(spec.recipients)), CJK_SERIF, 14)
    for block in spec.blocks:
        _docx_block(doc, block)
    if spec.issued_on or spec.issuer:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        text = "\n".join(x for x in [spec.issuer, _cn_date(spec.issued_on)] if x)
        _font(p.add_run(_xml_text(text)), CJK_SERIF, 14)
    if spec.footer_note:
        _font(doc.add_paragraph().add_run(_xml_text(spec.footer_note)), CJK_SERIF, 10)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_block(doc, block) -> None:
    if isinstance(block, Heading):
        p = doc.add_paragraph()
        _font(p.add_run(_xml_text(block.text)), CJK_SANS, 16 if block.level == 1 else 14, bold=True)
    elif isinstance(block, Table):
        if block.caption:
            _font(doc.add_paragraph().add_run(_xml_text(block.caption)), CJK_SANS, 12, bold=True)
        table = doc.add_table(rows=1, cols=len(block.headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
            _font(cell.paragraphs[0].add_run(_xml_text(text)), CJK_SANS, 10.5, bold=True)
        for row in block.rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                _font(cell.paragraphs[0].add_run(_xml_text(text)), CJK_SERIF, 10.5)
    elif isinstance(block, Image):
        from docx.shared import Cm

        doc.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
        if block.caption:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(_xml_text(block.caption)), CJK_SERIF, 10.5)
    else:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(28)
        _font(p.add_run(_xml_text(block)), CJK_SERIF, 14)


def render_pdf(spec: DocSpec) -> bytes:
    """Render spec as a PDF with embedded CJK fonts."""
    import base64

    from weasyprint import HTML

    blocks = []
    for block in spec.blocks:
        if isinstance(block, Heading):
            blocks.append({"kind": "heading", "text": block.text, "level": block.level})
        elif isinstance(block, Table):
            blocks.append({"kind": "table", "table": block})
        elif isinstance(block, Image):
            blocks.append(
                {
                    "kind": "image",
                    "src": "data:image/png;base64," + base64.b64encode(block.png).decode(),
                    "caption": block.caption,
                    "width_cm": block.width_cm,
                }
            )
        else:
            blocks.append({"kind": "p", "text": str(block)})
    html = render_to_string(
        "documents/official.html", {"spec": spec, "blocks": blocks, "date": _cn_date(spec.issued_on)}
    )
    return HTML(string=html).write_pdf()


def _cn_date(value: date | None) -> str:
    """The date of issue as a document of record prints it: in the district's language, whoever renders it."""
    if value is None:
        return ""
    with record_language():
        return _("%(y)s年%(m)s月%(d)s日") % {"y": value.year, "m": value.month, "d": value.day}
