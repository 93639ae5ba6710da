"""Reading generated documents back the way people open them: LibreOffice and pdftotext."""

import shutil
import subprocess
from pathlib import Path


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def libreoffice_text(docx: bytes, tmp_path: Path, *, name: str = "document") -> str:
    """Open a DOCX in LibreOffice (headless), convert it to PDF, and return the PDF's text."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is installed by `make test` (apt: libreoffice-writer-nogui)"
    src = tmp_path / f"{name}.docx"
    src.write_bytes(docx)
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return pdf_text(tmp_path / f"{name}.pdf")
