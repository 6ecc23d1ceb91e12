from django.db import models
from django.utils import timezone

from core.tenancy import TenantModel


class IdempotencyKey(TenantModel):
    """The first answer to a POST sent with an `Idempotency-Key`, replayed to its retries."""

    class State(models.TextChoices):
        IN_FLIGHT = "in_flight", "in flight"
        DONE = "done", "done"

    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # When the request now answering for the key started: a claim still in flight after
    # IDEMPOTENCY_LEASE_SECONDS belongs to a request that died, and a retry takes it over.
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"
