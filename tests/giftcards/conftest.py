"""Gift card tests: a business with Coupons & gift cards on, and helpers that issue and
spend cards through the services, as the desk and the booking site do."""

from decimal import Decimal

import pytest

from giftcards.services import cards as card_services
from giftcards.services import coupons as coupon_services
from tenancy import services as tenant_services
from tenancy.models import Extension


@pytest.fixture
def business(business):
    business, _also = tenant_services.set_extension(
        business=business, extension=Extension.COUPONS_GIFT_CARDS, enabled=True)
    business, _also = tenant_services.set_extension(
        business=business, extension=Extension.ACCEPT_PAYMENTS, enabled=True)
    return business


def issue(business, value="100.00", *, days: int = 365, **values):
    return card_services.issue_gift_card(business=business, value=Decimal(value),
                                         validity_days=days, **values)


def coupon(business, code="SUMMER10", *, kind="amount", value="10.00", **values):
    return coupon_services.create_coupon(business=business, code=code, discount_kind=kind,
                                         value=Decimal(value), **values)
