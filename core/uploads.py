"""Upload checks: size limit and type sniffed from the content, never trusted from the name."""

import hashlib
import re
import zipfile

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.exceptions import Refused
from core.i18n import join_list

ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "text/plain": "txt",
    "text/csv": "csv",
}
# Names a file of each type may keep when downloaded. Anything else (a script saved as text, an
# installer in an OLE container) gets the extension of what it holds, so it never opens as a program.
_NAME_EXTENSIONS = {
    "image/jpeg": {"jpg", "jpeg"},
    "application/msword": {"doc", "xls", "ppt", "wps", "et", "dps"},
    "application/vnd.ms-excel": {"xls"},
    "text/plain": {"txt", "csv", "md", "log"},
    "text/csv": {"csv", "txt"},
}
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_MARKUP = re.compile(rb"<\s*(html|script|svg|iframe|body|!doctype)", re.IGNORECASE)


def sniff(head: bytes, fileobj) -> str | None:
    """Return the MIME type judged from the bytes, or None when it is not recognised."""
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime == "application/zip" or kind.extension in ("docx", "xlsx", "pptx"):
            return _ooxml_type(fileobj)
        if kind.mime == "application/x-ole-storage":
            return "application/msword"
        return kind.mime
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "application/msword"
    if _MARKUP.search(head) or b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        # The cut at 8 KiB may split a character; accept if all but the last 3 bytes decode.
        try:
            head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return "text/plain"


def _ooxml_type(fileobj) -> str | None:
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return None
    finally:
        fileobj.seek(0)
    for prefix, mime in _OOXML.items():
        if any(n.startswith(prefix) for n in names):
            return mime
    return None


def download_name(name: str, mime: str) -> str:
    """The name to serve a stored file under: its own, unless its extension differs from its content's."""
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if ext and ext in _NAME_EXTENSIONS.get(mime, {ALLOWED_TYPES.get(mime)}):
        return name
    return f"{name}.{ALLOWED_TYPES.get(mime, 'bin')}"


def check_upload(upload, *, allowed: set[str] | None = None) -> tuple[str, str]:
    """Validate an uploaded file; return (mime, sha256). Raises Refused with a clear message."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise Refused(
            _("文件“%(name)s”大小为%(size)s，超过上限%(limit)s。")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if upload.size == 0:
        raise Refused(_("文件“%(name)s”是空文件。") % {"name": upload.name})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    mime = sniff(head, upload)
    allowed = allowed or set(ALLOWED_TYPES)
    if mime is None or mime not in allowed:
        names = join_list(sorted({ALLOWED_TYPES[m] for m in allowed if m in ALLOWED_TYPES}))
        raise Refused(_("文件“%(name)s”的类型不被接受。可上传：%(types)s。") % {"name": upload.name, "types": names})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return mime, digest.hexdigest()
