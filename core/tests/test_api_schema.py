"""schemathesis against our own OpenAPI: no 5xx, and responses conform to the schema.

CI runs a fixed set of 15 cases per operation (derandomized: the same cases every run). A longer,
random fuzzing run, on demand:
    SCHEMATHESIS_MAX_EXAMPLES=200 SCHEMATHESIS_RANDOM=1 .venv/bin/pytest core/tests/test_api_schema.py
"""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import ApiToken

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
