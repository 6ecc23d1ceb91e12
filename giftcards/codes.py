"""Codes people type: gift card codes, coupon codes and reward codes. Pure: no database.

- A gift card code is 16 characters from Crockford's base-32 alphabet (digits and
  capitals without I, L, O, U): 16 x 5 = 80 random bits from `secrets`, so that
  guessing one is hopeless even without the rate limit. It is shown in groups of
  four ("7K3M-Q9TX-…"); people may type it in lower case, with or without dashes or
  spaces, and with O for 0 or I/L for 1, as Crockford's decoding allows.
- A reward code (stamp-card reward) is six random letters without I, L and O, short
  enough to read out at the desk; it is bound to one client and used once.
- A coupon code is whatever the business chooses ("SUMMER-10"); it is matched
  without regard to case, spaces or dashes.
"""

import secrets

GIFT_CARD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GIFT_CARD_LENGTH = 16
GROUP = 4
REWARD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ"
REWARD_LENGTH = 6
# What a coupon code may be made of once normalised, and its length.
COUPON_CHARACTERS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
COUPON_MIN_LENGTH = 3
COUPON_MAX_LENGTH = 32
# Crockford's decoding: letters people confuse with digits read as those digits.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -_\t\r\n\u00a0\u2010\u2011\u2012\u2013\u2014")


def normalise(text: str) -> str:
    """The form codes are stored and compared in: upper case, without separators."""
    return (text or "").translate(_SEPARATORS).upper()


def gift_card_key(text: str) -> str | None:
    """The stored form of a typed gift card code, or None if it cannot be one."""
    key = normalise(text).translate(_LOOKALIKES)
    if len(key) != GIFT_CARD_LENGTH or any(c not in GIFT_CARD_ALPHABET for c in key):
        return None
    return key


def new_gift_card_code() -> str:
    return "".join(secrets.choice(GIFT_CARD_ALPHABET) for _ in range(GIFT_CARD_LENGTH))


def new_reward_code() -> str:
    return "".join(secrets.choice(REWARD_ALPHABET) for _ in range(REWARD_LENGTH))


def display(code: str) -> str:
    """A gift card code in groups of four; other codes as they are."""
    if len(code) != GIFT_CARD_LENGTH:
        return code
    return "-".join(code[i:i + GROUP] for i in range(0, GIFT_CARD_LENGTH, GROUP))


def masked(code: str) -> str:
    """What receipts and lists may show of a gift card: its last four characters."""
    return f"…{code[-GROUP:]}"


def is_valid_coupon_code(code: str) -> bool:
    """Whether a normalised coupon code may be chosen by a business."""
    return (COUPON_MIN_LENGTH <= len(code) <= COUPON_MAX_LENGTH
            and all(c in COUPON_CHARACTERS for c in code))
