"""The Open311 JSON Schemas (read at test time from the shared folder) as a validator, and XML helpers."""

import json
import os
import xml.etree.ElementTree as ET
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMA_DIR = Path(os.environ.get("OPEN311_SCHEMA_DIR", "/work/shared/open311"))

formats = FormatChecker()


@formats.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    # ISO 8601 with a time zone, as GeoReport v2 demands (Z or ±HH:MM).
    if not isinstance(value, str):
        return True
    return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


@formats.checks("uri")
def _uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


@cache
def registry() -> Registry:
    if not SCHEMA_DIR.is_dir():
        pytest.fail(f"Open311 schemas not found in {SCHEMA_DIR} (set OPEN311_SCHEMA_DIR).")
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text("utf-8")), default_specification=DRAFT7))
        for path in sorted(SCHEMA_DIR.glob("*.json"))
    ]
    return Registry().with_resources(resources)


def assert_valid(data, schema_name: str) -> None:
    """Fail with every violation when `data` does not match the named schema file."""
    validator = Draft7Validator({"$ref": schema_name}, registry=registry(), format_checker=formats)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, errors


def xml_root(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)
