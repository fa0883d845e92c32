"""Property-based run over the case endpoints: no 500s and responses that match the schema.

Schemathesis reads the served schema from the WSGI app with an officer's token, then
generates up to 25 requests per /api/v1/cases* operation (valid and invalid input alike).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application
from tests.api.factories import case_create, reference_world


@pytest.fixture
def officer_token(officer) -> str:
    return Token.objects.get_or_create(user=officer)[0].key


@pytest.fixture
def keep_connection():
    # The real WSGI handler closes the DB connection after each request, which would end the
    # test's transaction; Django's test client disconnects these the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def case_schema(db, keep_connection, officer, officer_token):
    world = reference_world()
    case_create(actor=officer, producer=world["producer"])  # so some ids exist
    headers = {"Authorization": f"Token {officer_token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, headers=headers)
    return schema.include(path_regex=r"^/api/v1/cases")


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


def test_case_endpoints_never_fail_and_match_the_schema(case_schema, officer_token):
    headers = {"Authorization": f"Token {officer_token}"}
    operations = [result.ok() for result in case_schema.get_all_operations()]
    assert len(operations) >= 10  # list, create, read, update, status, documents, assessments

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @SETTINGS
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                case.call_and_validate(
                    headers=headers, checks=[not_a_server_error, response_schema_conformance]
                )

            run()
