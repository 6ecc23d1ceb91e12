"""Proof that a person holds an email address: a link with a token, sent to that address.

A token is signed for one purpose and one scope (a business), so that a link of one use
or one business opens nothing elsewhere; it expires after the purpose's `max_age`; and
it works once: it carries a digest of the state that its use changes (no login yet for
a sign-up, no login on the client record for a connection), and the state it finds
must still match. Like Django's password reset tokens, nothing is stored. Pages that
open a link show a form and act on POST only: mail scanners fetch links.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac


class Refusal(enum.StrEnum):
    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"


class ProofRefused(Exception):
    def __init__(self, reason: Refusal):
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class EmailProof:
    """What an opened link proves: its reader holds `email`; `data` as it was signed."""

    email: str
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ProofKind:
    """One kind of emailed link. `state(scope, email)` describes what using it changes."""

    purpose: str
    max_age: timedelta
    state: Callable[[int, str], str]

    def _salt(self, scope: int) -> str:
        return f"accounts.email_proof.{self.purpose}.{scope}"

    def _digest(self, scope: int, email: str) -> str:
        return salted_hmac(self._salt(scope), self.state(scope, email)).hexdigest()

    def token(self, *, scope: int, email: str, data: dict | None = None) -> str:
        email = email.strip().lower()
        return signing.dumps({"e": email, "s": self._digest(scope, email), "d": data or {}},
                             salt=self._salt(scope), compress=True)

    def check(self, token: str, *, scope: int) -> EmailProof:
        """The proof a token gives, or `ProofRefused` saying why it gives none.

        Call it again inside the transaction that uses the proof, after locking what
        the state reads, so that two uses of one link cannot both pass.
        """
        try:
            payload = signing.loads(token, salt=self._salt(scope),
                                    max_age=self.max_age.total_seconds())
        except signing.SignatureExpired as expired:
            raise ProofRefused(Refusal.EXPIRED) from expired
        except signing.BadSignature as forged:
            raise ProofRefused(Refusal.INVALID) from forged
        if not constant_time_compare(payload["s"], self._digest(scope, payload["e"])):
            raise ProofRefused(Refusal.USED)
        return EmailProof(email=payload["e"], data=payload["d"])
