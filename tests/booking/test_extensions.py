import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tenancy.models import Business, Extension
from tenancy.services import set_extension

pytestmark = pytest.mark.django_db


def flags(business: Business) -> dict[str, bool]:
    business.refresh_from_db()
    return {ext.value: business.has_extension(ext) for ext in Extension}


def test_enabling_loyalty_enables_payments_client_login_and_coupons(business):
    _business, also = set_extension(business=business, extension=Extension.LOYALTY, enabled=True)

    assert set(also) == {Extension.ACCEPT_PAYMENTS, Extension.CLIENT_LOGIN,
                         Extension.COUPONS_GIFT_CARDS}
    assert flags(business) == {"loyalty": True, "accept_payments": True, "client_login": True,
                               "coupons_gift_cards": True, "clear_history": False}


def test_enabling_loyalty_reports_only_the_extensions_it_switched_on(business):
    set_extension(business=business, extension=Extension.CLIENT_LOGIN, enabled=True)

    _business, also = set_extension(business=business, extension=Extension.LOYALTY, enabled=True)

    assert set(also) == {Extension.ACCEPT_PAYMENTS, Extension.COUPONS_GIFT_CARDS}


def test_clear_history_is_refused_while_loyalty_is_on_and_nothing_changes(business):
    set_extension(business=business, extension=Extension.LOYALTY, enabled=True)
    before = flags(business)

    with pytest.raises(ValidationError, match="Clear history cannot be turned on"):
        set_extension(business=business, extension=Extension.CLEAR_HISTORY, enabled=True)

    assert flags(business) == before


def test_loyalty_is_refused_while_clear_history_is_on_and_nothing_changes(business):
    set_extension(business=business, extension=Extension.CLEAR_HISTORY, enabled=True)
    before = flags(business)

    with pytest.raises(ValidationError, match="Loyalty cannot be turned on"):
        set_extension(business=business, extension=Extension.LOYALTY, enabled=True)

    assert flags(business) == before


def test_an_extension_loyalty_needs_cannot_be_turned_off_while_loyalty_is_on(business):
    set_extension(business=business, extension=Extension.LOYALTY, enabled=True)

    with pytest.raises(ValidationError, match="Turn Loyalty off first"):
        set_extension(business=business, extension=Extension.CLIENT_LOGIN, enabled=False)

    assert flags(business)["client_login"] is True


def test_turning_loyalty_off_keeps_the_other_extensions_on(business):
    set_extension(business=business, extension=Extension.LOYALTY, enabled=True)

    set_extension(business=business, extension=Extension.LOYALTY, enabled=False)

    assert flags(business) == {"loyalty": False, "accept_payments": True, "client_login": True,
                               "coupons_gift_cards": True, "clear_history": False}


def test_the_database_refuses_loyalty_with_clear_history_even_past_the_service(business):
    Business.objects.filter(pk=business.pk).update(
        loyalty_enabled=True, accept_payments_enabled=True, client_login_enabled=True,
        coupons_gift_cards_enabled=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        Business.objects.filter(pk=business.pk).update(clear_history_enabled=True)


def test_the_database_refuses_loyalty_without_the_extensions_it_needs(business):
    with pytest.raises(IntegrityError), transaction.atomic():
        Business.objects.filter(pk=business.pk).update(loyalty_enabled=True)
