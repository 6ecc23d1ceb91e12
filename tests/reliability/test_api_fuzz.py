"""Schemathesis against the published schema, with a staff token, every operation.

Whatever it sends: no 5xx, every response matches the schema, and nothing of
another business ever appears in a response.
"""

import re

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from tenancy.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

OTHER_TENANT_MARK = "other-tenant-secret"


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Called as a real WSGI app, Django would close the test's database connection after
    each request; its own test client disconnects that handler the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tenants(business, other_business):
    """Both businesses with something of each kind, the other one's marked for leaks."""
    for each, mark in ((business, "ours"), (other_business, OTHER_TENANT_MARK)):
        staff_member = factories.StaffMemberFactory(business=each, name=f"{mark} stylist")
        factories.ServiceFactory(business=each, name=f"{mark} cut", performers=[staff_member])
        client = factories.ClientFactory(business=each, first_name=mark,
                                         email=f"{mark}@example.com")
        factories.AppointmentFactory(business=each, client=client, staff_member=staff_member)
    token = factories.ApiTokenFactory(
        membership=factories.StaffMembershipFactory(business=business, role=Role.OWNER))
    return token.raw_key


# Excluded: a schema-valid request may still break a business rule the schema cannot say
# (a date in the past, a staff member who does not perform the service): that is a 400.
# Loaded once at collection: the schema view needs no database.
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def no_other_tenant_data(ctx, response, case):
    assert OTHER_TENANT_MARK not in response.text, "another business's data in the response"


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_every_operation_survives_what_schemathesis_sends(operation, tenants):
    @settings(max_examples=20, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def call(case):
        case.call_and_validate(headers={"Authorization": f"Token {tenants}"},
                               additional_checks=[no_other_tenant_data],
                               excluded_checks=[positive_data_acceptance])

    call()


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_every_operation_answers_a_null_character_with_a_json_400(operation, tenants, client):
    # Path parameters do not matter: the request is refused before it is routed.
    path = re.sub(r"\{[^}]+\}", "1", operation.path)
    headers = {"HTTP_AUTHORIZATION": f"Token {tenants}"}
    in_query = client.generic(operation.method.upper(), f"{path}?q=a%00b", **headers)
    in_body = client.generic(operation.method.upper(), path, '{"name": "a\\u0000b"}',
                             content_type="application/json", **headers)

    for response in (in_query, in_body):
        assert response.status_code == 400, operation.label
        assert response.json()["error"]["code"] == "invalid"
