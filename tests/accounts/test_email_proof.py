"""The emailed proof of an address: signed for one purpose and scope, expiring, single use."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.email_proof import ProofKind, ProofRefused, Refusal

STATE = {"value": "no login"}
KIND = ProofKind("test", max_age=timedelta(hours=1), state=lambda scope, email: STATE["value"])


@pytest.fixture(autouse=True)
def _fresh_state():
    STATE["value"] = "no login"


def refusal(token: str, *, scope: int = 1, kind: ProofKind = KIND) -> Refusal:
    with pytest.raises(ProofRefused) as refused:
        kind.check(token, scope=scope)
    return refused.value.reason


def test_a_token_proves_its_address_and_carries_its_data():
    token = KIND.token(scope=1, email=" Claire@Example.com ", data={"next": "/x/"})

    proof = KIND.check(token, scope=1)

    assert proof.email == "claire@example.com"
    assert proof.data == {"next": "/x/"}


def test_a_token_is_used_once_its_state_changed():
    token = KIND.token(scope=1, email="claire@example.com")

    STATE["value"] = "login 7"

    assert refusal(token) == Refusal.USED


def test_a_token_expires():
    token = KIND.token(scope=1, email="claire@example.com")

    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert refusal(token) == Refusal.EXPIRED


def test_a_token_of_another_scope_or_purpose_or_altered_is_invalid():
    token = KIND.token(scope=1, email="claire@example.com")
    other_kind = ProofKind("other", max_age=timedelta(hours=1), state=KIND.state)

    assert refusal(token, scope=2) == Refusal.INVALID
    assert refusal(token, kind=other_kind) == Refusal.INVALID
    assert refusal(token.replace(":", ".", 1)) == Refusal.INVALID
    assert refusal("not-a-token") == Refusal.INVALID
