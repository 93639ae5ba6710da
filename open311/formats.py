"""GeoReport v2 wire formats: the same list of records as JSON or as XML with the spec's element names."""

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping

from django.http import HttpResponse

FORMATS = ("json", "xml")
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# Characters XML 1.0 cannot carry at all (control characters other than tab, newline, return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def _xml_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _append(parent: ET.Element, tag: str, value) -> None:
    node = ET.SubElement(parent, tag)
    if isinstance(value, Mapping):
        for key, child in value.items():
            _append(node, key, child)
    elif isinstance(value, list):
        # The spec nests lists under a plural element with singular children (attributes/attribute).
        singular = tag[:-1] if tag.endswith("s") else tag
        for child in value:
            _append(node, singular, child)
    else:
        node.text = _xml_value(value)


def to_xml(records: Iterable[Mapping], *, root: str, item: str) -> bytes:
    """`<root><item><field>…</field></item>…</root>` preceded by the UTF-8 XML declaration."""
    top = ET.Element(root)
    for record in records:
        _append(top, item, record)
    return XML_DECLARATION + ET.tostring(top, encoding="unicode").encode("utf-8")


def to_xml_object(record: Mapping, *, root: str) -> bytes:
    """A single object as the root element (the service definition)."""
    top = ET.Element(root)
    for key, value in record.items():
        _append(top, key, value)
    return XML_DECLARATION + ET.tostring(top, encoding="unicode").encode("utf-8")


def respond(data, fmt: str, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    """A list (or, without `item`, one object) in the requested format."""
    if fmt == "xml":
        body = to_xml(data, root=root, item=item) if item else to_xml_object(data, root=root)
    else:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(status: int, *descriptions, fmt: str = "json", headers: dict | None = None) -> HttpResponse:
    """The spec's error format: a list of {code, description} (one per problem), sent with the HTTP status."""
    errors = [{"code": status, "description": str(text)} for text in descriptions]
    response = respond(errors, fmt if fmt in FORMATS else "json", root="errors", item="error", status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
