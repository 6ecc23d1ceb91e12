"""A property-based stateful test: random sequences of bookings, attendance, crediting,
cancellations, invoices, refunds, adjustments, redemptions, expiry and the program
switched off and on. After every step: each balance is the sum of its entries and never
negative, no source is credited twice, and no reversal takes back more than its entry."""

import contextlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from booking.models import AppointmentState
from booking.services.appointments import cancel_appointment
from checkout.services import drafts, payments, refunds
from checkout.services.payments import TenderInput
from loyalty.models import EntryKind, EntrySource, PointsAccount, PointsEntry
from loyalty.services import adjustments as loyalty_adjustments
from loyalty.services import crediting as loyalty_crediting
from loyalty.services import expiry as loyalty_expiry
from loyalty.services import program as loyalty_program
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.factories import (
    BusinessFactory,
    ClientFactory,
    GiftCardFactory,
    ProductFactory,
    ServiceFactory,
    StaffMembershipFactory,
)
from tests.loyalty.conftest import ended, loyalty_on

pytestmark = pytest.mark.django_db
# What names an entry's source; a reversal without another is once per reversed entry.
SOURCE_FIELDS = ("appointment", "invoice", "refund", "gift_card", "unlocked_by", "round_number",
                 "reverses")


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.business = loyalty_on(BusinessFactory())
        loyalty_program.on_loyalty_switched(business=self.business, enabled=True,
                                            now=timezone.now() - timedelta(days=30))
        loyalty_program.update_program(business=self.business, points_per_booking=1,
                                       spend_points=1, spend_amount=Decimal("5"), expiry_months=1)
        self.service = ServiceFactory(business=self.business, price=Decimal("30"))
        loyalty_program.set_catalog_points(business=self.business, service=self.service,
                                           is_enabled=True, points=3)
        self.product = ProductFactory(business=self.business, price=Decimal("12.50"),
                                      stock=10_000)
        self.staff = StaffMembershipFactory(business=self.business).user
        self.clients = [ClientFactory(business=self.business) for _ in range(2)]
        self.appointments, self.invoices, self.cards = [], [], {}
        self.now = timezone.now()

    def _attempt(self, action):
        """Refusals are part of the game: they must change nothing (the invariants see)."""
        with contextlib.suppress(ValidationError):
            action()

    @rule(client=st.integers(0, 1), hours_ago=st.integers(-10, 40),
          state=st.sampled_from([AppointmentState.BOOKED, AppointmentState.COMPLETED,
                                 AppointmentState.NO_SHOW]),
          coupon=st.booleans())
    def book(self, client, hours_ago, state, coupon):
        extra = {"discount_code": "PROMO", "code_earns_points": False} if coupon else {}
        self.appointments.append(ended(self.business, self.clients[client], self.service,
                                       hours_ago=hours_ago, state=state, **extra))

    @rule()
    def credit(self):
        loyalty_crediting.credit_due_appointments(now=self.now, batch_size=3)

    @rule(index=st.integers(0, 50))
    def cancel(self, index):
        if self.appointments:
            appointment = self.appointments[index % len(self.appointments)]
            appointment.refresh_from_db()
            if appointment.state == AppointmentState.BOOKED:
                cancel_appointment(business=self.business, appointment=appointment,
                                   by=self.staff)

    @rule(client=st.integers(0, 1), quantity=st.integers(1, 4), gift_card=st.booleans())
    def sell(self, client, quantity, gift_card):
        invoice = drafts.start_invoice(business=self.business,
                                       client=self.clients[client])
        drafts.add_product_line(business=self.business, invoice=invoice,
                                product=self.product, quantity=quantity)
        if gift_card:
            drafts.add_gift_card_line(business=self.business, invoice=invoice,
                                      amount=Decimal("20"))
        invoice.refresh_from_db()
        payments.pay_invoice(business=self.business, invoice=invoice,
                             tenders=[TenderInput("cash", invoice.total)])
        self.invoices.append(invoice)

    @rule(index=st.integers(0, 50), all_of_it=st.booleans())
    def refund(self, index, all_of_it):
        if not self.invoices:
            return
        invoice = self.invoices[index % len(self.invoices)]
        invoice.refresh_from_db()
        line = invoice.lines.filter(kind="product").first()
        quantities = None if all_of_it else {line.pk: 1}
        self._attempt(lambda: refunds.refund_invoice(
            business=self.business, invoice=invoice, quantities=quantities))

    @rule(client=st.integers(0, 1), points=st.integers(-30, 30).filter(bool))
    def adjust(self, client, points):
        self._attempt(lambda: loyalty_adjustments.adjust_points(
            business=self.business, client=self.clients[client], points=points,
            description="hand", by=self.staff))

    @rule(client=st.integers(0, 1), points=st.integers(1, 20), source=st.integers(0, 5))
    def redeem(self, client, points, source):
        self._attempt(lambda: loyalty_adjustments.spend_points(
            business=self.business, client=self.clients[client], points=points,
            description="gift card", source=EntrySource(gift_card_id=self._card(client, source))))

    def _card(self, client, source):
        """The gift card bought with points under key (client, source), one per key."""
        if (client, source) not in self.cards:
            self.cards[client, source] = GiftCardFactory(business=self.business).pk
        return self.cards[client, source]

    @rule(index=st.integers(0, 50))
    def undo(self, index):
        adjustments = list(PointsEntry.objects.for_business(self.business)
                           .filter(kind=EntryKind.ADJUST))
        if adjustments:
            entry = adjustments[index % len(adjustments)]
            self._attempt(lambda: loyalty_adjustments.undo_adjustment(business=self.business,
                                                                      entry=entry, by=self.staff))

    @rule(days=st.integers(1, 45))
    def time_passes(self, days):
        self.now += timedelta(days=days)
        loyalty_expiry.expire_points(now=self.now)

    @rule(enabled=st.booleans())
    def switch(self, enabled):
        self._attempt(lambda: tenant_services.set_extension(
            business=self.business, extension=Extension.LOYALTY, enabled=enabled))
        self.business.refresh_from_db()

    @invariant()
    def balances_are_the_sum_of_their_entries(self):
        for account in PointsAccount.objects.for_business(self.business):
            total = (PointsEntry.objects.filter(account=account).aggregate(s=Sum("points"))["s"]
                     or 0)
            assert account.balance == total >= 0

    @invariant()
    def no_source_is_posted_twice(self):
        sourced = (PointsEntry.objects.for_business(self.business)
                   .exclude(kind__in=[EntryKind.ADJUST, EntryKind.EXPIRE]))
        assert not (sourced.values("kind", *SOURCE_FIELDS).annotate(n=Count("id"))
                    .filter(n__gt=1).exists())

    @invariant()
    def reversals_never_exceed_their_entry(self):
        entries = {entry.pk: entry for entry in
                   PointsEntry.objects.for_business(self.business)}
        reversed_total = {}
        for entry in entries.values():
            if entry.kind == EntryKind.REVERSE:
                reversed_total[entry.reverses_id] = (reversed_total.get(entry.reverses_id, 0)
                                                     + entry.points)
        for original_pk, total in reversed_total.items():
            original = entries[original_pk]
            assert total * original.points < 0
            assert abs(total) <= abs(original.points)


def test_the_ledger_holds_under_any_sequence_of_operations():
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=12, stateful_step_count=18, deadline=None))
