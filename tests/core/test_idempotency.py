"""`Idempotency-Key`: same key and body replays; another body is 422; in flight is 409
until the claim's lease runs out."""

import threading
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from booking.models import Client
from booking.services import clients as client_services
from core.idempotency import purge_expired_keys, request_fingerprint
from core.models import IdempotencyKey
from tests.factories import IdempotencyKeyFactory

pytestmark = pytest.mark.django_db

BODY = {"first_name": "Inès", "email": "ines@example.com"}


def post(api, body, key):
    return api.post("/api/v1/clients/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_same_key_and_body_replays_the_first_response(api_for, business):
    api = api_for(business)
    first = post(api, BODY, "k-1")

    again = post(api, BODY, "k-1")

    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Client.objects.for_business(business).count() == 1


def test_the_same_key_with_another_body_is_422(api_for, business):
    api = api_for(business)
    post(api, BODY, "k-2")

    response = post(api, {**BODY, "first_name": "Other"}, "k-2")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Client.objects.for_business(business).count() == 1


def test_a_key_still_in_flight_answers_409(api_for, business):
    api = api_for(business)
    post(api, BODY, "k-3")
    IdempotencyKey.objects.filter(key="k-3").update(state=IdempotencyKey.State.IN_FLIGHT)

    response = post(api, BODY, "k-3")

    assert response.status_code == 409
    assert response["Retry-After"] == "1"


@pytest.fixture
def lease(settings):
    settings.IDEMPOTENCY_LEASE_SECONDS = 60
    return timedelta(seconds=60)


def abandoned_claim(business, key, *, claimed_ago):
    """The row of a first request (of BODY) whose process died before it answered."""
    first = SimpleNamespace(method="POST", path="/api/v1/clients/", data=BODY)
    return IdempotencyKeyFactory(
        business=business, key=key, fingerprint=request_fingerprint(first),
        state=IdempotencyKey.State.IN_FLIGHT, response_status=None, response_body=None,
        claimed_at=timezone.now() - claimed_ago)


def test_a_claim_whose_lease_has_passed_is_taken_over_by_the_retry(api_for, business, lease):
    api = api_for(business)
    abandoned_claim(business, "k-dead", claimed_ago=lease + timedelta(seconds=1))

    retried = post(api, BODY, "k-dead")
    replayed = post(api, BODY, "k-dead")

    assert retried.status_code == 201
    assert retried.get("Idempotent-Replayed") is None
    assert replayed.status_code == 201
    assert replayed["Idempotent-Replayed"] == "true"
    assert replayed.json() == retried.json()
    assert Client.objects.for_business(business).count() == 1


def test_a_claim_within_its_lease_still_answers_409(api_for, business, lease):
    abandoned_claim(business, "k-busy", claimed_ago=lease - timedelta(seconds=5))

    response = post(api_for(business), BODY, "k-busy")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_in_flight"
    assert not Client.objects.for_business(business).exists()


def test_a_finished_key_still_replays_after_the_lease(api_for, business, lease):
    api = api_for(business)
    first = post(api, BODY, "k-done")
    IdempotencyKey.objects.filter(key="k-done").update(
        claimed_at=timezone.now() - 2 * lease, created_at=timezone.now() - 2 * lease)

    again = post(api, BODY, "k-done")

    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Client.objects.for_business(business).count() == 1


def test_a_request_that_outlived_its_lease_leaves_the_key_to_the_one_that_took_it_over(
        api_for, business):
    taken_over_at = timezone.now() + timedelta(minutes=5)

    def create_client_while_a_retry_takes_the_key_over(**kwargs):
        IdempotencyKey.objects.filter(key="k-slow").update(claimed_at=taken_over_at)
        return create_client(**kwargs)

    create_client = client_services.create_client
    with mock.patch.object(client_services, "create_client",
                           create_client_while_a_retry_takes_the_key_over):
        slow = post(api_for(business), BODY, "k-slow")

    record = IdempotencyKey.objects.get(key="k-slow")
    assert slow.status_code == 201
    assert (record.state, record.claimed_at) == (IdempotencyKey.State.IN_FLIGHT, taken_over_at)


def test_keys_belong_to_one_business(api_for, business, other_business):
    post(api_for(business), BODY, "shared")

    response = post(api_for(other_business), BODY, "shared")

    assert response.status_code == 201
    assert response.get("Idempotent-Replayed") is None


def test_a_refused_request_frees_its_key_for_the_corrected_one(api_for, business):
    api = api_for(business)
    refused = post(api, {"email": "ines@example.com"}, "k-4")

    corrected = post(api, BODY, "k-4")

    assert refused.status_code == 400
    assert corrected.status_code == 201


def test_an_expired_key_is_forgotten(api_for, business):
    api = api_for(business)
    post(api, BODY, "k-5")
    IdempotencyKey.objects.filter(key="k-5").update(
        created_at=timezone.now() - timedelta(hours=25))

    response = post(api, {**BODY, "email": "other@example.com"}, "k-5")

    assert response.status_code == 201


def test_the_purge_removes_only_keys_older_than_24_hours(api_for, business):
    api = api_for(business)
    post(api, BODY, "old")
    post(api, {**BODY, "email": "new@example.com"}, "new")
    IdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=24, minutes=1))

    removed = purge_expired_keys()

    assert removed == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_a_key_that_is_too_long_is_refused(api_for, business):
    response = post(api_for(business), BODY, "x" * 256)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_idempotency_key"


def post_at_once(api_key: str, key: str, *, senders: int = 8) -> list[int]:
    """The status codes of `senders` threads posting BODY with one key at the same instant."""
    statuses, barrier = [], threading.Barrier(senders)

    def send():
        from rest_framework.test import APIClient

        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {api_key}")
        barrier.wait()
        try:
            statuses.append(post(api, BODY, key).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_create_one_client(api_for, business):
    statuses = post_at_once(api_for(business).token.raw_key, "race")

    assert Client.objects.for_business(business).count() == 1
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_take_over_an_abandoned_claim_once(api_for, business, lease):
    api_key = api_for(business).token.raw_key
    abandoned_claim(business, "abandoned", claimed_ago=lease + timedelta(seconds=1))

    statuses = post_at_once(api_key, "abandoned")

    assert Client.objects.for_business(business).count() == 1
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}
