"""The rate limits' counters (core.ratelimit): atomic, always with an expiry, per the
client's address as the trusted proxies report it."""

import threading

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory

from core import ratelimit

KEY = "test-ratelimit:guesses"


def request_from(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_trusted_proxies_the_forwarded_for_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    address = ratelimit.client_address(request_from("203.0.113.7", "198.51.100.4"))

    assert address == "203.0.113.7"


def test_behind_one_proxy_the_right_most_forwarded_address_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    address = ratelimit.client_address(
        request_from("10.0.0.2", "1.2.3.4, 192.0.2.1,198.51.100.4"))

    assert address == "198.51.100.4"


def test_behind_two_proxies_the_second_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    address = ratelimit.client_address(request_from("10.0.0.2", "1.2.3.4, 198.51.100.4, 10.0.0.9"))

    assert address == "198.51.100.4"


@pytest.mark.parametrize("forwarded", [None, "", "198.51.100.4", "1.2.3.4, not-an-address"])
def test_a_forwarded_for_header_that_did_not_come_through_the_proxies_is_not_trusted(
        settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 2 if forwarded == "198.51.100.4" else 1

    address = ratelimit.client_address(request_from("10.0.0.2", forwarded))

    assert address == "10.0.0.2"


def simultaneously(count, action):
    barrier = threading.Barrier(count)
    results = []

    def run():
        barrier.wait()
        results.append(action())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_simultaneous_tries_are_let_in_up_to_the_limit_and_no_further():
    results = simultaneously(30, lambda: ratelimit.acquire([(KEY, 10)], 60))

    assert results.count(True) == 10
    assert ratelimit.seconds_locked([(KEY, 10)]) > 0


def test_a_refused_try_counts_on_no_key():
    other = f"{KEY}:other"
    for _ in range(3):
        ratelimit.acquire([(KEY, 3), (other, 10)], 60)

    refused = ratelimit.acquire([(KEY, 3), (other, 10)], 60)

    assert not refused
    assert ratelimit.seconds_locked([(other, 3)]) > 0
    assert ratelimit.seconds_locked([(other, 4)]) == 0


def test_a_released_try_makes_room_for_another():
    for _ in range(3):
        ratelimit.acquire([(KEY, 3)], 60)

    ratelimit.release([KEY])

    assert ratelimit.acquire([(KEY, 3)], 60)
    assert not ratelimit.acquire([(KEY, 3)], 60)


def test_the_lock_lasts_until_the_window_that_the_first_hit_started_ends():
    ratelimit.acquire([(KEY, 10)], 120)
    ratelimit.acquire([(KEY, 10)], 120)

    assert 0 < ratelimit.seconds_locked([(KEY, 2)]) <= 121
    assert ratelimit.seconds_locked([(KEY, 3)]) == 0


@pytest.mark.redis
def test_every_counter_on_redis_carries_its_window_as_expiry():
    server = redis.Redis.from_url(settings.REDIS_URL)
    simultaneously(20, lambda: ratelimit.acquire([(KEY, 100)], 60))
    simultaneously(20, lambda: ratelimit.acquire([(f"{KEY}:b", 5)], 60))
    ratelimit.release([KEY, f"{KEY}:b", f"{KEY}:gone"])

    # Kept under the cache's key prefix, as the site's other keys
    first, second, gone = (cache.make_key(key) for key in (KEY, f"{KEY}:b", f"{KEY}:gone"))
    assert int(server.get(first)) == 19
    assert int(server.get(second)) == 4
    assert 0 < server.ttl(first) <= 60
    assert 0 < server.ttl(second) <= 60
    assert not server.exists(gone)
