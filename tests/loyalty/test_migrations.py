"""Data migrations of loyalty, run on rows written by the schema before them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import (
    AppointmentFactory,
    BusinessFactory,
    ClientFactory,
    GiftCardFactory,
    InvoiceFactory,
    PaymentFactory,
    RefundFactory,
    ServiceFactory,
)
from tests.tenancy.test_migrations import referenced_table, tables

BEFORE_PERIODS = [("loyalty", "0004_account_follows_entries")]
PERIODS = [("loyalty", "0005_program_periods")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_program_periods_are_backfilled_from_what_is_known():
    # Given, before periods: a business on since 5 days ago; one switched on 9 days ago,
    # whose job last credited 4 days ago, and now off; one off with no crediting since
    on = BusinessFactory(loyalty_enabled=True, accept_payments_enabled=True,
                         client_login_enabled=True, coupons_gift_cards_enabled=True)
    went_off, never_ran = BusinessFactory(), BusinessFactory()
    appointment = AppointmentFactory(business=went_off)
    now = timezone.now()
    try:
        old = migrate(BEFORE_PERIODS)
        Program = old.get_model("loyalty", "Program")
        Program.objects.create(business_id=on.pk, enabled_at=now - timedelta(days=5))
        Program.objects.create(business_id=went_off.pk, enabled_at=now - timedelta(days=9))
        Program.objects.create(business_id=never_ran.pk, enabled_at=now - timedelta(days=9))
        old.get_model("loyalty", "AppointmentCredit").objects.create(
            business_id=went_off.pk, appointment_id=appointment.pk, outcome="nothing",
            processed_at=now - timedelta(days=4))

        # When the periods migration runs
        new = migrate(PERIODS)

        # Then the first is on since then, the second was on until its last crediting,
        # and nothing is known of the third's time on
        periods = new.get_model("loyalty", "ProgramPeriod").objects
        assert set(periods.values_list("business_id", "started_at", "ended_at")) == {
            (on.pk, now - timedelta(days=5), None),
            (went_off.pk, now - timedelta(days=9), now - timedelta(days=4))}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


BEFORE_TYPED_SOURCES = [("loyalty", "0006_entry_breakdown"), ("giftcards", "0003_reward_tiers")]


def _old_entries(old, business, client, visit, invoice, refund, card, gone):
    """A client's ledger in the string sources of before: every prefix loyalty and
    giftcards wrote, a booking's two take-back rounds and its restoration between, and a
    booking deleted since (its id names no row)."""
    account = old.get_model("loyalty", "PointsAccount").objects.create(
        business_id=business.pk, client_id=client.pk)
    entries, balance = {}, 0

    def post(name, kind, points, source, reverses=None):
        nonlocal balance
        balance += points
        entries[name] = old.get_model("loyalty", "PointsEntry").objects.create(
            business_id=business.pk, account_id=account.pk, client_id=client.pk, kind=kind,
            points=points, balance_after=balance, source=source, description=name,
            reverses=entries.get(reverses))

    post("visit", "earn", 5, f"appointment:{visit.pk}")
    post("invoice", "earn", 10, f"invoice:{invoice.pk}")
    post("refund", "reverse", -4, f"refund:{refund.pk}", reverses="invoice")
    post("no-show", "reverse", -5, f"appointment:{visit.pk}", reverses="visit")
    post("attended", "reverse", 5, f"appointment:{visit.pk}:restored:1", reverses="visit")
    post("cancelled", "reverse", -5, f"appointment:{visit.pk}:2", reverses="visit")
    post("card", "redeem", -2, f"gift_card:{card.pk}")
    post("adjust", "adjust", 3, "")
    post("undo", "reverse", -3, f"entry:{entries['adjust'].pk}", reverses="adjust")
    post("adjust again", "adjust", 3, "")
    post("reset", "reward", -1, f"reset:{entries['adjust again'].pk}:0")
    post("gone", "earn", 2, f"appointment:{gone}")
    post("expire", "expire", -1, "")
    old.get_model("loyalty", "PointsAccount").objects.filter(pk=account.pk).update(
        balance=balance)
    return entries


def _old_transactions(old, business, card, visit, payment, refund):
    Transaction = old.get_model("giftcards", "GiftCardTransaction")
    balance = Transaction.objects.get(card_id=card.pk).balance_after
    rows = {}

    def post(name, kind, amount, source, refunds=None):
        nonlocal balance
        balance += amount
        rows[name] = Transaction.objects.create(
            business_id=business.pk, card_id=card.pk, kind=kind, amount=amount,
            balance_after=balance, source=source, refunds=rows.get(refunds))

    post("booking", "redeem", Decimal("-10"), f"appointment:{visit.pk}")
    post("booking cancelled", "refund", Decimal("10"), f"appointment:{visit.pk}:cancelled",
         refunds="booking")
    post("checkout", "redeem", Decimal("-20"), f"payment:{payment.pk}")
    post("checkout refund", "refund", Decimal("5"), f"refund:{refund.pk}:payment:{payment.pk}",
         refunds="checkout")
    return rows


@pytest.mark.django_db(transaction=True)
def test_string_sources_become_typed_sources_and_back():
    # Given, before typed sources, one entry and one transaction of every source string
    business = BusinessFactory()
    client = ClientFactory(business=business)
    visit, gone = (AppointmentFactory(business=business, client=client) for _n in range(2))
    invoice = InvoiceFactory(business=business, client=client)
    payment = PaymentFactory(business=business, invoice=invoice)
    refund = RefundFactory(business=business, invoice=invoice)
    card = GiftCardFactory(business=business)
    gone_pk = gone.pk
    gone.delete()
    try:
        old = migrate(BEFORE_TYPED_SOURCES)
        assert old.get_model("giftcards", "GiftCardTransaction").objects.get(
            card_id=card.pk).source == f"card:{card.pk}"
        entries = _old_entries(old, business, client, visit, invoice, refund, card, gone_pk)
        transactions = _old_transactions(old, business, card, visit, payment, refund)

        # When the typed sources migration runs
        new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        # Then each string is its keys, and what names a deleted booking keeps nothing
        fields = ("appointment_id", "invoice_id", "refund_id", "gift_card_id",
                  "unlocked_by_id", "round_number")
        typed = {entry.description: tuple(getattr(entry, name) for name in fields)
                 for entry in new.get_model("loyalty", "PointsEntry").objects.all()}
        assert typed == {
            "visit": (visit.pk, None, None, None, None, None),
            "invoice": (None, invoice.pk, None, None, None, None),
            "refund": (None, None, refund.pk, None, None, None),
            "no-show": (visit.pk, None, None, None, None, 1),
            "attended": (visit.pk, None, None, None, None, 2),
            "cancelled": (visit.pk, None, None, None, None, 3),
            "card": (None, None, None, card.pk, None, None),
            "adjust": (None,) * 6,
            "undo": (None,) * 6,
            "adjust again": (None,) * 6,
            "reset": (None, None, None, None, entries["adjust again"].pk, 0),
            "gone": (None,) * 6,
            "expire": (None,) * 6,
        }
        Transaction = new.get_model("giftcards", "GiftCardTransaction")
        assert {row.pk: (row.appointment_id, row.payment_id, row.checkout_refund_id)
                for row in Transaction.objects.filter(card_id=card.pk).exclude(kind="issue")
                } == {
            transactions["booking"].pk: (visit.pk, None, None),
            transactions["booking cancelled"].pk: (visit.pk, None, None),
            transactions["checkout"].pk: (None, payment.pk, None),
            transactions["checkout refund"].pk: (None, payment.pk, refund.pk)}

        # And the constraints hold: a second credit of the booking is refused
        PointsEntry = new.get_model("loyalty", "PointsEntry")
        earned = PointsEntry.objects.get(description="visit")
        with pytest.raises(IntegrityError), transaction.atomic():
            PointsEntry.objects.create(
                business_id=business.pk, account_id=earned.account_id, client_id=client.pk,
                kind="earn", points=1, balance_after=4, appointment_id=visit.pk,
                description="again")

        # And back: the strings are rebuilt from the keys
        old = migrate(BEFORE_TYPED_SOURCES)
        sources = dict(old.get_model("loyalty", "PointsEntry").objects
                       .values_list("description", "source"))
        assert sources["cancelled"] == f"appointment:{visit.pk}:2"
        assert sources["attended"] == f"appointment:{visit.pk}:restored:1"
        assert sources["undo"] == f"entry:{entries['adjust'].pk}"
        assert sources["reset"] == f"reset:{entries['adjust again'].pk}:0"
        assert sources["gone"] == ""
        assert old.get_model("giftcards", "GiftCardTransaction").objects.get(
            pk=transactions["checkout refund"].pk).source == (
            f"refund:{refund.pk}:payment:{payment.pk}")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


TIERS_MOVE = ("loyalty", "0009_reward_tiers_from_giftcards")
TIER_TABLES = {"giftcards_rewardtier", "loyalty_rewardtier"}
TIER_CONSTRAINTS = ("tier_one_active_per_threshold", "tier_one_active_reset",
                    "tier_discount_consistent")


def before_the_tiers_move():
    """What loyalty 0009 depends on: giftcards still holds RewardTier."""
    return list(MigrationExecutor(connection).loader.graph.node_map[TIERS_MOVE].parents)


def constraint_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


@pytest.mark.django_db(transaction=True)
def test_moving_reward_tiers_to_loyalty_keeps_every_row_id_and_code_on_them():
    business, other = BusinessFactory(), BusinessFactory()
    client = ClientFactory(business=business)
    brushing = ServiceFactory(business=business, name="Brushing")
    try:
        # Given a database from before the move: tiers of two businesses in giftcards (an
        # inactive one among them) and reward codes pointing at them
        old = migrate([key.key for key in before_the_tiers_move()])
        assert tables() & TIER_TABLES == {"giftcards_rewardtier"}
        Tier = old.get_model("giftcards", "RewardTier")
        five = Tier.objects.create(business_id=business.pk, name="5 € off", threshold=5,
                                   discount_kind="amount", value=Decimal("5.00"),
                                   validity_days=60, earns_points=True)
        free = Tier.objects.create(business_id=business.pk, name="Free brushing", threshold=10,
                                   discount_kind="free_service", service_id=brushing.pk,
                                   resets_card=True)
        Tier.objects.create(business_id=business.pk, name="Old 10 %", threshold=5,
                            discount_kind="percent", value=Decimal("10"), is_active=False)
        Tier.objects.create(business_id=other.pk, name="Theirs", threshold=5,
                            discount_kind="amount", value=Decimal("2.00"))
        Coupon = old.get_model("giftcards", "Coupon")
        unlocked = Coupon.objects.create(business_id=business.pk, code="ABCDEF", name=five.name,
                                         origin="reward", discount_kind="amount",
                                         value=Decimal("5.00"), max_uses=1, client_id=client.pk,
                                         tier_id=five.pk)
        given = Coupon.objects.create(business_id=business.pk, code="GHJKLM", name=free.name,
                                      origin="given", discount_kind="free_service",
                                      service_id=brushing.pk, max_uses=1, client_id=client.pk,
                                      tier_id=free.pk)
        old_rows = list(Tier.objects.order_by("pk").values())
        content_types = old.get_model("contenttypes", "ContentType").objects
        tier_type = content_types.get(app_label="giftcards", model="rewardtier")
        permissions = set(old.get_model("auth", "Permission").objects
                          .filter(content_type=tier_type).values_list("pk", flat=True))
        assert permissions

        # When every migration runs
        new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        # Then the table is loyalty's, with the same rows under the same ids
        assert tables() & TIER_TABLES == {"loyalty_rewardtier"}
        LoyaltyTier = new.get_model("loyalty", "RewardTier")
        assert list(LoyaltyTier.objects.order_by("pk").values()) == old_rows
        # and the codes still name their tier, through a key on the new table
        NewCoupon = new.get_model("giftcards", "Coupon")
        assert NewCoupon.objects.get(pk=unlocked.pk).tier.name == "5 € off"
        assert NewCoupon.objects.get(pk=given.pk).tier.service_id == brushing.pk
        assert referenced_table("giftcards_coupon", "tier_id") == "loyalty_rewardtier"
        # and the constraints hold under loyalty's names
        found = constraint_names("loyalty_rewardtier")
        assert {f"loyalty_{name}" for name in TIER_CONSTRAINTS} <= found
        assert not {f"giftcards_{name}" for name in TIER_CONSTRAINTS} & found
        with pytest.raises(IntegrityError), transaction.atomic():
            LoyaltyTier.objects.create(business_id=business.pk, name="Again", threshold=5,
                                       discount_kind="amount", value=Decimal("1.00"))
        with pytest.raises(IntegrityError), transaction.atomic():
            LoyaltyTier.objects.create(business_id=business.pk, name="Second reset",
                                       threshold=3, discount_kind="amount",
                                       value=Decimal("1.00"), resets_card=True)
        with pytest.raises(IntegrityError), transaction.atomic():
            LoyaltyTier.objects.create(business_id=business.pk, name="Nothing off",
                                       threshold=7, discount_kind="percent", value=Decimal(0))
        # and the permissions on tiers are the same rows, now loyalty's
        moved_type = new.get_model("contenttypes", "ContentType").objects.get(pk=tier_type.pk)
        assert (moved_type.app_label, moved_type.model) == ("loyalty", "rewardtier")
        assert set(new.get_model("auth", "Permission").objects
                   .filter(content_type=moved_type).values_list("pk", flat=True)) == permissions

        # And back: giftcards holds them again, codes and constraints with them
        old = migrate([key.key for key in before_the_tiers_move()])
        assert tables() & TIER_TABLES == {"giftcards_rewardtier"}
        assert list(old.get_model("giftcards", "RewardTier").objects.order_by("pk")
                    .values()) == old_rows
        assert old.get_model("giftcards", "Coupon").objects.get(pk=unlocked.pk).tier_id == \
            five.pk
        assert referenced_table("giftcards_coupon", "tier_id") == "giftcards_rewardtier"
        assert {f"giftcards_{name}" for name in TIER_CONSTRAINTS} <= constraint_names(
            "giftcards_rewardtier")
        assert old.get_model("contenttypes", "ContentType").objects.get(
            pk=tier_type.pk).app_label == "giftcards"
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


BEFORE_QUEUE = [("loyalty", "0009_reward_tiers_from_giftcards")]
QUEUE = [("loyalty", "0010_credit_queue")]


@pytest.mark.django_db(transaction=True)
def test_the_crediting_queue_starts_with_what_the_job_still_has_to_handle():
    # Given, before the queue: a business on for 10 days with a 3-hour delay, whose job
    # handled one visit; another visit waits, one is to come, one was cancelled, one
    # ended before the program came on; and a business with Loyalty off
    on = BusinessFactory(loyalty_enabled=True, accept_payments_enabled=True,
                         client_login_enabled=True, coupons_gift_cards_enabled=True)
    off = BusinessFactory()
    now = timezone.now()

    def visit(business, hours_ago, state="booked"):
        end = now - timedelta(hours=hours_ago)
        return AppointmentFactory(business=business, state=state, starts_at=end - timedelta(
            hours=1), ends_at=end, busy_from=end - timedelta(hours=1), busy_until=end)

    handled, waiting, to_come = visit(on, 30), visit(on, 1), visit(on, -48)
    visit(on, 5, state="cancelled")
    visit(on, 24 * 12)
    visit(off, 5)
    try:
        old = migrate(BEFORE_QUEUE)
        old.get_model("loyalty", "Program").objects.create(business_id=on.pk,
                                                           crediting_delay_hours=3)
        old.get_model("loyalty", "ProgramPeriod").objects.create(
            business_id=on.pk, started_at=now - timedelta(days=10))
        old.get_model("loyalty", "AppointmentCredit").objects.create(
            business_id=on.pk, appointment_id=handled.pk, outcome="nothing", processed_at=now)

        # When the queue's migration runs
        new = migrate(QUEUE)

        # Then only the waiting visit and the one to come are queued, at end plus delay
        queued = new.get_model("loyalty", "CreditDue").objects
        assert set(queued.values_list("appointment_id", "due_at")) == {
            (waiting.pk, waiting.ends_at + timedelta(hours=3)),
            (to_come.pk, to_come.ends_at + timedelta(hours=3))}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


BEFORE_DUE_TIMES = [("loyalty", "0010_credit_queue")]
DUE_TIMES = [("loyalty", "0011_expiry_due_times")]


@pytest.mark.django_db(transaction=True)
def test_the_expiry_due_times_start_from_each_account_s_entries():
    # Given, before the due times: a business on with a 12-month expiry and a 14-day
    # notice, whose client has a lot checked already and one to come; and a business off
    on = BusinessFactory(loyalty_enabled=True, accept_payments_enabled=True,
                         client_login_enabled=True, coupons_gift_cards_enabled=True)
    off = BusinessFactory()
    now = timezone.now()
    checked, to_come = now - timedelta(days=10), now + timedelta(days=40)
    try:
        old = migrate(BEFORE_DUE_TIMES)
        old.get_model("loyalty", "Program").objects.create(business_id=on.pk, expiry_months=12,
                                                           expiry_notice_days=14)
        accounts = {}
        for business in (on, off):
            client = ClientFactory(business=business)
            accounts_then = old.get_model("loyalty", "PointsAccount").objects
            account = accounts_then.create(business_id=business.pk, client_id=client.pk,
                                           expiry_checked_at=now - timedelta(days=1))
            entries = old.get_model("loyalty", "PointsEntry").objects
            for balance, expires_at in ((2, checked), (5, to_come)):
                entries.create(business_id=business.pk, account_id=account.pk,
                               client_id=client.pk, kind="adjust", points=balance - (
                                   2 if balance == 5 else 0), balance_after=balance,
                               description="gift", expires_at=expires_at,
                               created_at=now - timedelta(days=300))
            # The balance follows its entries (a trigger checks it).
            accounts_then.filter(pk=account.pk).update(balance=5)
            accounts[business.pk] = account.pk

        # When the due times' migration runs
        new = migrate(DUE_TIMES)

        # Then the account of the business on is due at its unchecked lot, and warned
        # 14 days before; the business off's is not due at all
        due = new.get_model("loyalty", "PointsAccount").objects
        assert due.filter(pk=accounts[on.pk]).values_list(
            "next_expiry_at", "next_warning_at").get() == (to_come,
                                                           to_come - timedelta(days=14))
        assert due.filter(pk=accounts[off.pk]).values_list(
            "next_expiry_at", "next_warning_at").get() == (None, None)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
