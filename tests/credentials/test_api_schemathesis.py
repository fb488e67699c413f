"""The verification API against its own OpenAPI document, by an independent tool: Schemathesis
generates valid and invalid requests for every operation and checks that none gets a 5xx and
every answer (status, content type, body) is one the document declares. Bounded, so it runs in
CI on every change."""

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from config.wsgi import application
from credentials.api import api

EXAMPLES_PER_OPERATION = 25

# The document as /api/openapi.json serves it, read without a request (no database needed).
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))


@pytest.fixture
def connection_kept_across_requests():
    """The WSGI handler closes the database connection after each request. Inside a test's
    transaction that closes the connection the test is using (PostgreSQL says "the connection
    is closed"), so keep it open, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("connection_kept_across_requests")
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure can be replayed
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_the_promises_of_the_openapi_document(case):
    case.call_and_validate(app=application)
