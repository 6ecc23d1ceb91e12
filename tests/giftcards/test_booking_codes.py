"""The booking site's one code field: a gift card pays, a coupon discounts, within the
booking's transaction; a cancelled booking gives both back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from booking.models import Appointment
from booking.services.appointments import book_appointment, cancel_appointment
from giftcards.models import CouponUse
from tenancy.models import Extension
from tenancy.services import set_extension
from tests.booking.booking_setup import next_weekday, open_salon, paris
from tests.booking.test_site_booking import GUEST, confirm_url
from tests.factories import ClientFactory
from tests.giftcards.conftest import coupon, issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def salon(business):
    salon = open_salon(business)
    salon.cut.price = Decimal("45.00")
    salon.cut.save(update_fields=["price"])
    return salon


def book(salon, client, code, hour=10):
    return book_appointment(business=salon.business, client=client, service=salon.cut,
                            start=paris(next_weekday(1), hour), staff_member=salon.anna,
                            code=code)


def test_a_gift_card_typed_on_the_booking_site_pays_the_booking(client, salon):
    card = issue(salon.business, "100.00")

    client.post(confirm_url(salon.business, salon.cut, paris(next_weekday(1), 10)),
                {**GUEST, "code": card.display_code.lower().replace("-", " ")})

    appointment = Appointment.objects.for_business(salon.business).get()
    assert appointment.discount == Decimal("45.00")
    assert appointment.discount_code == card.masked_code
    assert appointment.code_earns_points is True  # paid, not discounted
    card.refresh_from_db()
    assert card.balance == Decimal("55.00")


def test_a_card_worth_less_than_the_booking_pays_part_of_it(salon):
    card = issue(salon.business, "20.00")

    appointment = book(salon, ClientFactory(business=salon.business), card.code)

    assert (appointment.discount, appointment.amount_due) == (Decimal("20.00"),
                                                              Decimal("25.00"))
    card.refresh_from_db()
    assert card.balance == 0


def test_a_coupon_takes_its_amount_off_and_counts_a_use(salon):
    summer = coupon(salon.business, "summer-10", value="10.00")
    fan = ClientFactory(business=salon.business)

    appointment = book(salon, fan, "Summer10")

    assert (appointment.discount_code, appointment.discount) == ("SUMMER10", Decimal("10.00"))
    assert appointment.code_earns_points is False
    summer.refresh_from_db()
    assert summer.uses_count == 1
    assert CouponUse.objects.get(coupon=summer).appointment == appointment


def test_a_percent_coupon_and_a_free_service_coupon(salon):
    coupon(salon.business, "TENOFF", kind="percent", value="10")
    coupon(salon.business, "FREECUT", kind="free_service", value="0", service=salon.cut)

    tenth = book(salon, ClientFactory(business=salon.business), "TENOFF", hour=10)
    free = book(salon, ClientFactory(business=salon.business), "FREECUT", hour=12)

    assert tenth.discount == Decimal("4.50")
    assert free.amount_due == 0


def test_a_coupon_used_up_refuses_the_booking_and_books_nothing(salon):
    coupon(salon.business, "ONCE", max_uses=1)
    book(salon, ClientFactory(business=salon.business), "ONCE", hour=10)

    with pytest.raises(ValidationError, match="already been used"):
        book(salon, ClientFactory(business=salon.business), "ONCE", hour=12)

    assert Appointment.objects.for_business(salon.business).count() == 1


def test_a_client_cannot_use_a_code_more_often_than_allowed(salon):
    coupon(salon.business, "WELCOME", max_uses_per_client=1)
    fan = ClientFactory(business=salon.business)
    book(salon, fan, "WELCOME", hour=10)

    with pytest.raises(ValidationError, match="already used this code"):
        book(salon, fan, "WELCOME", hour=12)
    book(salon, ClientFactory(business=salon.business), "WELCOME", hour=12)


def test_a_code_bound_to_a_client_is_unknown_to_everybody_else(salon):
    owner = ClientFactory(business=salon.business)
    coupon(salon.business, "ONLYYOU", client=owner)

    with pytest.raises(ValidationError, match="not valid here"):
        book(salon, ClientFactory(business=salon.business), "ONLYYOU", hour=10)
    assert book(salon, owner, "ONLYYOU", hour=12).discount == Decimal("10.00")


def test_a_code_outside_its_dates_or_deactivated_is_refused(salon):
    today = timezone.localdate()
    coupon(salon.business, "LATER", valid_from=today + timedelta(days=3))
    coupon(salon.business, "GONE", valid_until=today - timedelta(days=1))
    coupon(salon.business, "OFF", is_active=False)
    coupon(salon.business, "SHOP", applies_to="products")
    fan = ClientFactory(business=salon.business)

    for code, reason in [("LATER", "valid from"), ("GONE", "expired"),
                         ("OFF", "no longer valid"), ("SHOP", "for products")]:
        with pytest.raises(ValidationError, match=reason):
            book(salon, fan, code)


def test_another_business_code_or_card_is_answered_like_an_unknown_one(salon, other_business):
    theirs = issue(other_business)
    coupon(other_business, "THEIRS")
    fan = ClientFactory(business=salon.business)

    for code in (theirs.code, "THEIRS", "NOSUCHCODE"):
        with pytest.raises(ValidationError) as refused:
            book(salon, fan, code)
        assert refused.value.messages == [
            "This code is not valid here. Check it, or leave the field empty."]


def test_codes_are_not_taken_while_coupons_and_gift_cards_are_off(salon):
    card = issue(salon.business)
    set_extension(business=salon.business, extension=Extension.COUPONS_GIFT_CARDS,
                  enabled=False)
    salon.business.refresh_from_db()

    with pytest.raises(ValidationError, match="not valid here"):
        book(salon, ClientFactory(business=salon.business), card.code)


def test_cancelling_a_booking_gives_back_its_gift_card_payment_and_coupon_use(salon):
    card = issue(salon.business, "30.00")
    once = coupon(salon.business, "ONCE", max_uses=1)
    paid_by_card = book(salon, ClientFactory(business=salon.business), card.code, hour=10)
    discounted = book(salon, ClientFactory(business=salon.business), "ONCE", hour=12)

    for appointment in (paid_by_card, discounted):
        cancel_appointment(business=salon.business, appointment=appointment, by=None)

    card.refresh_from_db()
    once.refresh_from_db()
    assert card.balance == Decimal("30.00")
    assert once.uses_count == 0
    assert book(salon, ClientFactory(business=salon.business), "ONCE", hour=14).discount
