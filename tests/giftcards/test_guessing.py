"""Codes typed by clients are rate-limited against guessing: wrong ones are counted in
Redis per address and per business, at most 10 a minute, then "try again later"."""

import threading

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from giftcards import guessing
from tenancy.models import Extension
from tenancy.services import set_extension
from tests.booking.booking_setup import next_weekday, open_salon, paris
from tests.booking.test_site_booking import GUEST, confirm_url
from tests.giftcards.conftest import coupon, issue

pytestmark = pytest.mark.django_db

NOT_FOUND = "We could not find a gift card with this code."
LOCKED = "Too many wrong codes were tried. Please try again in a minute."


def check(browser, business, code, address="203.0.113.7"):
    return browser.post(reverse("giftcards:site-balance", args=[business.slug]),
                        {"code": code}, REMOTE_ADDR=address)


def test_a_right_code_shows_the_balance_and_its_expiry(client, business):
    card = issue(business, "60.00")

    response = check(client, business, card.display_code.lower())

    page = response.content.decode()
    assert response.status_code == 200
    assert "€60.00" in page
    assert card.masked_code in page
    assert card.display_code not in page


def test_an_unknown_code_and_another_business_code_are_answered_alike(client, business,
                                                                       other_business):
    theirs = issue(other_business, "60.00")

    unknown = check(client, business, "ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    foreign = check(client, business, theirs.code)

    assert unknown.status_code == foreign.status_code == 200
    assert NOT_FOUND in unknown.content.decode()
    assert NOT_FOUND in foreign.content.decode()
    assert unknown.context["form"].errors == foreign.context["form"].errors
    assert "€60.00" not in foreign.content.decode()


def test_after_ten_wrong_codes_in_a_minute_even_a_right_one_must_wait(client, business):
    card = issue(business)

    answers = [check(client, business, f"WRONG-CODE-{n:04d}") for n in range(10)]
    locked = check(client, business, card.code)

    assert all(NOT_FOUND in answer.content.decode() for answer in answers)
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert "€100.00" not in locked.content.decode()


def test_another_address_is_not_held_back_by_one_guesser(client, business):
    card = issue(business)
    for n in range(10):
        check(client, business, f"WRONG-CODE-{n:04d}")

    response = check(client, business, card.code, address="198.51.100.2")

    assert response.status_code == 200
    assert "€100.00" in response.content.decode()


def test_guesses_spread_over_many_addresses_are_held_back_per_business(client, business):
    card = issue(business)
    for n in range(guessing.FAILURES_PER_BUSINESS):
        check(client, business, "NOPE", address=f"10.0.{n // 250}.{n % 250}")

    response = check(client, business, card.code, address="198.51.100.2")

    assert response.status_code == 429


def test_wrong_codes_at_one_business_do_not_hold_back_another(client, business,
                                                             other_business):
    for n in range(10):
        check(client, business, f"WRONG-CODE-{n:04d}")
    set_extension(business=other_business, extension=Extension.COUPONS_GIFT_CARDS, enabled=True)
    card = issue(other_business, "30.00")

    response = check(client, other_business, card.code)

    assert "€30.00" in response.content.decode()


def test_the_booking_site_code_field_is_held_back_after_ten_wrong_codes(client, business):
    salon = open_salon(business)
    coupon(business, "SUMMER10")
    url = confirm_url(business, salon.cut, paris(next_weekday(1), 10))

    wrong = [client.post(url, {**GUEST, "code": f"GUESS{n}"}) for n in range(10)]
    right = client.post(url, {**GUEST, "code": "SUMMER10"})

    assert all("This code is not valid here" in str(w.context["form"].errors) for w in wrong)
    assert LOCKED in str(right.context["form"].errors["code"])
    assert not salon.cut.appointments.exists()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_simultaneous_tries_take_exactly_the_limit_and_the_window_expires(business):
    address = "203.0.113.9"
    barrier = threading.Barrier(40)
    let_in = []

    def guess():
        barrier.wait()
        try:
            let_in.append(guessing.start_try(business, address))
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    server = redis.Redis.from_url(settings.REDIS_URL)
    per_address, per_business = map(cache.make_key, guessing._keys(business.pk, address))
    assert let_in.count(True) == guessing.FAILURES_PER_ADDRESS
    assert int(server.get(per_address)) == int(server.get(per_business)) == 10
    assert 0 < server.ttl(per_address) <= guessing.WINDOW_SECONDS
    assert 0 < server.ttl(per_business) <= guessing.WINDOW_SECONDS


def test_a_right_code_gives_its_try_back(client, business):
    card = issue(business)
    for n in range(9):
        check(client, business, f"WRONG-CODE-{n:04d}")

    rights = [check(client, business, card.code) for _ in range(3)]
    last_wrong = check(client, business, "WRONG-CODE-9999")
    locked = check(client, business, card.code)

    assert all("€100.00" in right.content.decode() for right in rights)
    assert NOT_FOUND in last_wrong.content.decode()
    assert locked.status_code == 429


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_simultaneous_wrong_codes_from_one_address_look_up_no_more_than_the_limit(
        business, monkeypatch):
    from django.test import Client

    from giftcards import selectors

    lookups = []
    real_lookup = selectors.card_for_code
    one_too_many = threading.Condition()

    def counted_lookup(**kwargs):
        # Each lookup waits (a second at most) for one more than the limit to be under way,
        # so that no request finishes, and is counted, before the others have been let in.
        with one_too_many:
            lookups.append(kwargs["code"])
            one_too_many.notify_all()
            one_too_many.wait_for(lambda: len(lookups) > guessing.FAILURES_PER_ADDRESS,
                                  timeout=1)
        return real_lookup(**kwargs)

    monkeypatch.setattr(selectors, "card_for_code", counted_lookup)
    barrier = threading.Barrier(30)
    statuses = []

    def guess(n):
        barrier.wait()
        try:
            statuses.append(check(Client(), business, f"WRONG-CODE-{n:04d}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(lookups) == guessing.FAILURES_PER_ADDRESS
    assert statuses.count(429) == 30 - guessing.FAILURES_PER_ADDRESS


def test_behind_a_proxy_clients_are_counted_apart(client, business, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    card = issue(business)
    for n in range(10):
        client.post(reverse("giftcards:site-balance", args=[business.slug]),
                    {"code": f"WRONG-CODE-{n:04d}"}, REMOTE_ADDR="10.0.0.2",
                    HTTP_X_FORWARDED_FOR="203.0.113.7")

    response = client.post(reverse("giftcards:site-balance", args=[business.slug]),
                           {"code": card.code}, REMOTE_ADDR="10.0.0.2",
                           HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert "€100.00" in response.content.decode()
