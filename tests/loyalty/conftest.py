"""Loyalty tests: a business with Loyalty on, and helpers that make appointments that
have ended, as the crediting job finds them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loyalty.services import program
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.factories import AppointmentFactory, ClientFactory, ServiceFactory, UserFactory
from tests.fixtures.site import sign_in_on_site
from tests.test_translations import compiled_catalogs, fresh_translations  # noqa: F401


def loyalty_on(business):
    business, _also = tenant_services.set_extension(business=business,
                                                    extension=Extension.LOYALTY, enabled=True)
    return business


@pytest.fixture
def business(business):
    """Loyalty on since a week ago, so that appointments of the past days count."""
    business = loyalty_on(business)
    program.on_loyalty_switched(business=business, enabled=True,
                                now=timezone.now() - timedelta(days=7))
    return business


@pytest.fixture
def colour(business):
    service = ServiceFactory(business=business, name="Colour & cut", price=Decimal("60.00"))
    program.set_catalog_points(business=business, service=service, is_enabled=True, points=2)
    return service


@pytest.fixture
def fan(business):
    """A client who accepted marketing messages."""
    return ClientFactory(business=business, first_name="Camille", marketing_opt_in=True,
                         marketing_opt_in_at=timezone.now())


def ended(business, client, service, *, hours_ago: float = 4, **values):
    """An appointment that ended `hours_ago` hours ago (one hour long)."""
    end = timezone.now().replace(microsecond=0) - timedelta(hours=hours_ago)
    start = end - timedelta(hours=1)
    return AppointmentFactory(business=business, client=client, service=service,
                              staff_member__business=business, starts_at=start, ends_at=end,
                              busy_from=start, busy_until=end, **values)


def signed_in_client(web_client, business, client):
    """`client` given a login and signed in on the booking site with `web_client`."""
    client.user = UserFactory()
    client.save(update_fields=["user"])
    sign_in_on_site(web_client, client.user, business)
    return client
