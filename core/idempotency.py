"""`Idempotency-Key` for API POSTs that move value.

The first request with a key claims it in its own committed row, runs, and stores
its answer; a retry with the same key and body replays that answer, a retry while
the first is still running gets 409, and the same key with another body gets 422.
The claim is decided by the unique (business, key) constraint, never by a read.

A claim is a lease of IDEMPOTENCY_LEASE_SECONDS: a request that has not answered by
then died with its process (nothing it did committed, its service being one
transaction), and the next retry takes the key over with one conditional UPDATE, so
that two retries cannot both win. A request that outlives its lease stores nothing:
the key answers for the request that took it over.
Keys are kept for IDEMPOTENCY_KEY_TTL_HOURS, then forgotten.
"""

import functools
import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from core.api import error_response
from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def key_ttl() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def request_fingerprint(request) -> str:
    try:
        body = json.dumps(request.data, sort_keys=True, default=str)
    except (TypeError, ValueError):
        body = repr(request.data)
    digest = hashlib.sha256()
    for part in (request.method, request.path, body):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def lease() -> timedelta:
    return timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS)


def _claim(business, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """Insert the in-flight row (committed at once), take over one whose lease has run
    out, or return the row that holds the key."""
    keys = IdempotencyKey.objects.for_business(business)
    now = timezone.now()
    with transaction.atomic():
        keys.filter(key=key, created_at__lt=now - key_ttl()).delete()
    while True:
        try:
            with transaction.atomic():
                return keys.create(business=business, key=key, fingerprint=fingerprint,
                                   claimed_at=now), True
        except IntegrityError:
            pass
        # On PostgreSQL a second UPDATE waits for the first, then finds a fresh claim.
        taken_over = keys.filter(key=key, state=IdempotencyKey.State.IN_FLIGHT,
                                 claimed_at__lt=now - lease()
                                 ).update(claimed_at=now, fingerprint=fingerprint)
        record = keys.filter(key=key).first()
        if record is not None:
            return record, bool(taken_over)
        # The holder failed and let the key go in between: claim it afresh.


def _held(record: IdempotencyKey):
    """The key's row while `record`'s claim still holds it (no retry took it over)."""
    return IdempotencyKey.objects.filter(pk=record.pk, state=IdempotencyKey.State.IN_FLIGHT,
                                         claimed_at=record.claimed_at)


def idempotent(view_method):
    """Decorate a DRF view method (e.g. `create`) whose request may carry `Idempotency-Key`."""

    @functools.wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view_method(view, request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return error_response(
                "invalid_idempotency_key",
                _("The Idempotency-Key header must be 1 to %(max)d printable characters.")
                % {"max": MAX_KEY_LENGTH},
                status.HTTP_400_BAD_REQUEST,
            )
        business = request.auth.business
        fingerprint = request_fingerprint(request)
        record, claimed = _claim(business, key, fingerprint)
        if not claimed:
            return _answer_retry(record, fingerprint)
        try:
            response = view_method(view, request, *args, **kwargs)
        except Exception:
            # Nothing was done, so the key may be used again for a corrected request.
            _held(record).delete()
            raise
        if response.status_code >= 500:
            _held(record).delete()
            return response
        _held(record).update(
            state=IdempotencyKey.State.DONE,
            response_status=response.status_code,
            response_body=response.data,
        )
        return response

    # The schema hook (core/schema.py) documents the header on the operations marked so.
    wrapper.accepts_idempotency_key = True
    return wrapper


def _answer_retry(record: IdempotencyKey, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        return error_response(
            "idempotency_key_reused",
            _("This Idempotency-Key was already used with a different request."),
            status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if record.state == IdempotencyKey.State.IN_FLIGHT:
        return error_response(
            "idempotency_key_in_flight",
            _("A request with this Idempotency-Key is still being processed; retry shortly."),
            status.HTTP_409_CONFLICT,
            headers={"Retry-After": "1"},
        )
    return Response(
        record.response_body, status=record.response_status, headers={"Idempotent-Replayed": "true"}
    )


def purge_expired_keys(*, now=None) -> int:
    cutoff = (now or timezone.now()) - key_ttl()
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
