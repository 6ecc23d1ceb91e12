"""Many desks and browsers at the same moment, with real threads on PostgreSQL: a card,
a coupon or a points balance is never spent beyond what it holds."""

import queue
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from booking.models import Appointment
from booking.services.appointments import book_appointment
from giftcards.models import CouponUse, GiftCardTransaction, TransactionKind
from giftcards.services import cards as card_services
from giftcards.services import coupons as coupon_services
from tests.booking.booking_setup import next_weekday, open_salon, paris
from tests.factories import ClientFactory
from tests.giftcards.conftest import coupon, issue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Connections held at once: well under PostgreSQL's default 100, which the rest of the
# suite (and a live server) share.
MAX_THREADS = 25


def race(attempts, threads: int = MAX_THREADS) -> list[str]:
    """Run the callables from `threads` threads that start together; "ok" or the refusal
    of each."""
    todo, results = queue.Queue(), []
    for attempt in attempts:
        todo.put(attempt)
    count = min(threads, len(attempts))
    barrier = threading.Barrier(count)

    def work():
        barrier.wait()
        try:
            while True:
                try:
                    attempt = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    attempt()
                    results.append("ok")
                except ValidationError as refused:
                    results.append(refused.messages[0])
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


def test_fifty_redemptions_of_ten_against_a_balance_of_a_hundred_make_ten(business):
    card = issue(business, "100.00")

    results = race([lambda: card_services.redeem_gift_card(business=business, code=card.code,
                                                           amount=Decimal("10.00"))
                    for _ in range(50)])

    assert results.count("ok") == 10
    assert all("Only €0.00 is left" in r or "spent in full" in r
               for r in results if r != "ok")
    card.refresh_from_db()
    assert card.balance == 0
    redemptions = GiftCardTransaction.objects.filter(card=card, kind=TransactionKind.REDEEM)
    assert redemptions.count() == 10


def test_a_hundred_uses_of_a_coupon_limited_to_seven_make_seven(business):
    limited = coupon(business, "SEVEN", max_uses=7)
    clients = [ClientFactory(business=business) for _ in range(100)]

    def use(client):
        with transaction.atomic():
            coupon_services.use_coupon(business, limited.pk, client=client, amount=Decimal("10.00"))

    results = race([lambda client=client: use(client) for client in clients])

    assert results.count("ok") == 7
    limited.refresh_from_db()
    assert limited.uses_count == 7
    assert CouponUse.objects.filter(coupon=limited).count() == 7


def test_eight_browsers_booking_with_one_single_use_code_book_it_once(business):
    salon = open_salon(business)
    once = coupon(business, "ONCE", max_uses=1)
    day = next_weekday(2)
    bookings = [(ClientFactory(business=business), salon.anna if n % 2 else salon.ben,
                 paris(day, 9 + n // 2)) for n in range(8)]

    results = race([
        lambda client=client, staff=staff, start=start: book_appointment(
            business=business, client=client, service=salon.cut, start=start,
            staff_member=staff, code="ONCE")
        for client, staff, start in bookings], threads=8)

    assert results.count("ok") == 1
    once.refresh_from_db()
    assert once.uses_count == 1
    assert Appointment.objects.filter(business=business, discount_code="ONCE").count() == 1
