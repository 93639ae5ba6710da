"""schemathesis against our own OpenAPI: no 5xx, and responses conform to the schema.

CI runs a fixed set of 15 cases per operation (derandomized: the same cases every run). A longer,
random fuzzing run, on demand:
    SCHEMATHESIS_MAX_EXAMPLES=200 SCHEMATHESIS_RANDOM=1 .venv/bin/pytest core/tests/test_api_schema.py
"""

import contextlib
import json
import os
import re
from importlib import import_module

import pytest
import schemathesis
from django.core import signals
from django.core.exceptions import FieldDoesNotExist
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework import serializers as drf_serializers
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import ApiToken
from config.api_urls import DOMAIN_APPS

# What we promise: never a 5xx, and every response (errors included) is what the schema documents.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(
    json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
)
schema.app = get_wsgi_application()


@pytest.fixture
def token(cast):
    # Like Django's test client: keep the test's connection open across in-process WSGI requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    _token, key = ApiToken.issue(user=cast.clerk, scope="write")
    yield key
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "15")),
    deadline=None,
    derandomize=os.environ.get("SCHEMATHESIS_RANDOM") != "1",
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_and_never_errors(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


# The record-level checks below read the schema itself, so they run in milliseconds and name what is wrong.
DOCUMENT = schema.raw_schema
RECORD_ACTION = re.compile(r"/\{[^}]+\}/[^{}]+/$")  # /api/v1/<kind>/{id}/<action>/


def _response_schema(operation: dict, code: str) -> dict | None:
    content = operation["responses"].get(code, {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = DOCUMENT["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_a_records_own_lists_are_documented_as_the_bare_arrays_they_are():
    """transitions/, history/, progress/, participants/... answer with a JSON array, not a page, and take
    no list filters or page parameters (those would be applied to finding the record)."""
    wrong = []
    for path, item in DOCUMENT["paths"].items():
        if not RECORD_ACTION.search(path) or "get" not in item:
            continue
        operation = item["get"]
        body = _response_schema(operation, "200")
        if body is not None and "count" in _resolve(body).get("properties", {}):
            wrong.append(f"{path}: documented as a page")
        params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if params & {"page", "page_size", "cursor", "ordering"}:
            wrong.append(f"{path}: documents {sorted(params)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("path", "method", "code", "fields"),
    [
        ("/api/v1/plan-votes/{id}/ballot/", "post", "201", {"id", "choice"}),
        ("/api/v1/plans/{id}/signoff/", "post", "201", {"id", "office"}),
        ("/api/v1/plans/{id}/acknowledge/", "post", "200", {"department", "acknowledged_at"}),
    ],
)
def test_answers_with_a_body_document_it(path, method, code, fields):
    body = _response_schema(DOCUMENT["paths"][path][method], code)
    assert body is not None, f"{method.upper()} {path} is documented with no response body"
    assert set(_resolve(body)["properties"]) == fields


def _forward_field(model, name):
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return None if field.auto_created and not field.concrete else field


def _may_be_null(serializer_field, model) -> bool:
    """Whether the model value a serializer field reads (`source`, through relations) can be None."""
    for part in serializer_field.source.split("."):
        field = _forward_field(model, part) if model is not None else None
        if field is None:
            return False
        if field.null:
            return True
        model = field.related_model
    return False


def _model_serializers(cls=drf_serializers.ModelSerializer):
    for sub in cls.__subclasses__():
        yield sub
        yield from _model_serializers(sub)


def test_fields_that_can_be_null_are_documented_nullable():
    """A declared field (StringRelatedField, PrimaryKeyRelatedField, ...) reading a nullable column must
    say allow_null=True: the schema then says nullable, as the null in the answer does."""
    for app in DOMAIN_APPS:
        with contextlib.suppress(ModuleNotFoundError):
            import_module(f"{app}.api")
    wrong = []
    for cls in set(_model_serializers()):
        label = f"{cls.__module__}.{cls.__name__}"
        model = getattr(getattr(cls, "Meta", None), "model", None)
        if model is None or cls.__module__.split(".")[0] not in DOMAIN_APPS:
            continue
        for name, field in cls().fields.items():
            if isinstance(field, drf_serializers.SerializerMethodField | drf_serializers.ManyRelatedField):
                continue
            if field.source == "*" or field.allow_null or field.default is not drf_serializers.empty:
                continue  # a default stands in for the null
            if _may_be_null(field, model):
                wrong.append(f"{label}.{name}")
    assert not wrong, "declare allow_null=True on: " + ", ".join(sorted(wrong))


def test_a_real_record_and_its_own_lists_conform_to_the_schema(token):
    """The fuzzing above mostly meets ids that do not exist (a 404); here the answers are about a real
    appeal, with its history and actions, so what they hold is checked against the schema too."""
    from intake.tests.factories import AppealFactory

    appeal = AppealFactory()
    for path in ("/api/v1/appeals/{id}/", "/api/v1/appeals/{id}/history/", "/api/v1/appeals/{id}/transitions/"):
        case = schema[path]["GET"].Case(path_parameters={"id": appeal.pk})
        response = case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
        assert response.status_code == 200, path
