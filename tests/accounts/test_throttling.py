"""Sign-in throttling: per account and per address, on the back office and the booking site."""

import pytest
import redis
from django.conf import settings
from django.urls import reverse

from tenancy.models import Extension
from tenancy.services import set_extension
from tests.factories import PASSWORD, ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed sign-in attempts."


def back_office_sign_in(browser, email, password, ip="203.0.113.7"):
    return browser.post(reverse("accounts:login"), {"username": email, "password": password},
                        REMOTE_ADDR=ip)


@pytest.fixture
def tight_limits(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.LOGIN_FAILURES_PER_IP = 5
    return settings


def test_an_account_is_locked_after_repeated_failures_even_with_the_right_password(
        client, tight_limits):
    user = UserFactory()
    for _attempt in range(3):
        back_office_sign_in(client, user.email, "wrong-password")

    response = back_office_sign_in(client, user.email, PASSWORD)

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_names_the_minutes_left(client, tight_limits):
    tight_limits.LOGIN_FAILURE_WINDOW_SECONDS = 600
    user = UserFactory()
    for _attempt in range(3):
        back_office_sign_in(client, user.email, "wrong-password")

    response = back_office_sign_in(client, user.email, "wrong-password")

    assert "Try again in 10 minutes." in response.content.decode()


def test_failures_below_the_limit_are_forgotten_after_a_successful_sign_in(client, tight_limits):
    user = UserFactory()
    for _attempt in range(2):
        back_office_sign_in(client, user.email, "wrong-password")
    assert back_office_sign_in(client, user.email, PASSWORD).status_code == 302
    client.logout()

    for _attempt in range(2):
        back_office_sign_in(client, user.email, "wrong-password")

    assert back_office_sign_in(client, user.email, PASSWORD).status_code == 302


def test_an_address_guessing_many_accounts_is_locked_out(client, tight_limits):
    victims = [UserFactory() for _ in range(5)]
    for victim in victims:
        back_office_sign_in(client, victim.email, "wrong-password")
    bystander = UserFactory()

    from_guesser = back_office_sign_in(client, bystander.email, PASSWORD)
    from_elsewhere = back_office_sign_in(client, bystander.email, PASSWORD, ip="198.51.100.4")

    assert LOCKED in from_guesser.content.decode()
    assert from_elsewhere.status_code == 302


def test_the_booking_site_login_shares_the_account_lockout(client, business, tight_limits):
    set_extension(business=business, extension=Extension.CLIENT_LOGIN, enabled=True)
    user = UserFactory()
    ClientFactory(business=business, user=user, email=user.email)
    for _attempt in range(3):
        back_office_sign_in(client, user.email, "wrong-password")

    response = client.post(reverse("booking:site-login", args=[business.slug]),
                           {"email": user.email, "password": PASSWORD},
                           REMOTE_ADDR="198.51.100.9")

    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.redis
def test_a_counter_that_expires_while_a_failure_is_counted_still_expires(client, monkeypatch):
    # The window of the account's count ends between a check that the counter exists and
    # its increment: an INCR then would start a counter that never expires.
    server = redis.Redis.from_url(settings.REDIS_URL)
    user = UserFactory()
    back_office_sign_in(client, user.email, "wrong-password")
    real_exists = redis.Redis.exists

    def exists_then_expire(self, *names):
        found = real_exists(self, *names)
        server.delete(*names)
        return found

    monkeypatch.setattr(redis.Redis, "exists", exists_then_expire)

    back_office_sign_in(client, user.email, "wrong-password")

    counters = [key for key in server.scan_iter("*login-failures*")]
    assert counters
    assert all(server.ttl(key) > 0 for key in counters), {
        key: server.ttl(key) for key in counters}


def test_without_trusted_proxies_a_forwarded_for_header_does_not_escape_the_lockout(
        client, tight_limits):
    tight_limits.TRUSTED_PROXY_COUNT = 0
    victims = [UserFactory() for _ in range(5)]
    for n, victim in enumerate(victims):
        client.post(reverse("accounts:login"),
                    {"username": victim.email, "password": "wrong-password"},
                    REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    bystander = UserFactory()

    response = client.post(reverse("accounts:login"),
                           {"username": bystander.email, "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.9.9.99")

    assert LOCKED in response.content.decode()


def test_behind_one_proxy_each_client_has_its_own_count_and_spoofing_does_not_escape_it(
        client, tight_limits):
    tight_limits.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    victims = [UserFactory() for _ in range(5)]
    for n, victim in enumerate(victims):
        client.post(reverse("accounts:login"),
                    {"username": victim.email, "password": "wrong-password"},
                    REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7")
    bystander = UserFactory()

    spoofing_guesser = client.post(
        reverse("accounts:login"), {"username": bystander.email, "password": PASSWORD},
        REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.4, 203.0.113.7")
    another_client = client.post(
        reverse("accounts:login"), {"username": bystander.email, "password": PASSWORD},
        REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.4")

    assert LOCKED in spoofing_guesser.content.decode()
    assert another_client.status_code == 302
