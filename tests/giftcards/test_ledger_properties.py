"""Whatever sequence of payments and refunds hits a card, its balance is its value minus
what was spent plus what was given back, never below zero, and the card's balance is
its ledger's last."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from giftcards.models import GiftCardTransaction, TransactionKind
from giftcards.services import cards as card_services
from tests.giftcards.conftest import issue

pytestmark = pytest.mark.django_db

cents = st.integers(min_value=1, max_value=12_000).map(lambda n: Decimal(n) / 100)
operations = st.lists(st.one_of(
    st.tuples(st.just("redeem"), cents),
    st.tuples(st.just("refund"), st.integers(min_value=0, max_value=30), cents),
    st.tuples(st.just("refund_rest"), st.integers(min_value=0, max_value=30)),
), max_size=25)


def total(card, kind) -> Decimal:
    return (GiftCardTransaction.objects.filter(card=card, kind=kind)
            .aggregate(total=Sum("amount"))["total"] or Decimal(0))


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(value=cents, steps=operations)
def test_balance_is_value_minus_redemptions_plus_refunds_and_never_negative(business, value,
                                                                            steps):
    card = issue(business, str(value))
    redemptions = []
    expected = value
    for step in steps:
        try:
            if step[0] == "redeem":
                redemptions.append(card_services.redeem(business, card.pk, amount=step[1]))
                expected -= step[1]
            elif redemptions:
                redemption = redemptions[step[1] % len(redemptions)]
                amount = step[2] if step[0] == "refund" else None
                given_back = card_services.refund(business, redemption, amount=amount)
                expected += given_back.amount if given_back else 0
        except ValidationError:
            pass  # refused: nothing may have changed, which the checks below verify

        card.refresh_from_db()
        assert card.balance == expected >= 0
        assert card.balance == (value + total(card, TransactionKind.REDEEM)
                                + total(card, TransactionKind.REFUND))
        assert card.balance <= card.value
        assert card.balance == card.transactions.order_by("-pk").first().balance_after
