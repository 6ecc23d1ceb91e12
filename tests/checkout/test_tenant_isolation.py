"""The cross-tenant walks of tests/test_tenant_isolation.py, over checkout's pages and
API too (this package's URLconf serves them; see urls.py)."""

import pytest

from tests import test_tenant_isolation as walk

pytestmark = pytest.mark.django_db

two_tenants = walk.two_tenants


def test_the_walks_cover_checkouts_pages_and_api():
    pages = walk.tenant_routes(walk.BACKOFFICE_PREFIX)
    api = walk.tenant_routes(walk.API_PREFIX)

    assert any("invoice_line_pk" in route for route in pages)
    assert any("invoices/<int:invoice_pk>/refund/" in route for route in pages)
    assert any("product_pk" in route for route in api)
    assert any("invoice_line_pk" in route for route in api)


def test_an_owner_cannot_reach_another_business_through_checkout_pages(client, two_tenants):
    walk.test_an_owner_cannot_read_or_change_another_business_through_the_back_office(
        client, two_tenants)


def test_a_token_cannot_reach_another_business_through_the_checkout_api(api_for, two_tenants):
    walk.test_a_token_of_one_business_cannot_read_or_change_another_through_the_api(
        api_for, two_tenants)
