"""Gift card offers, gift cards and their ledger of transactions, coupons and their uses.

The database holds the invariants: a card's balance is never negative nor above its
value; each transaction's balance follows from the card's previous one and a
transaction is never changed or deleted (PostgreSQL triggers, migration 0002); a
source (a payment, an appointment) redeems a card at most once; a coupon is
never used more often than its limit, and a booking uses at most one.

A coupon states its discount in the terms of a loyalty reward tier (loyalty.discounts):
a reward code is a coupon carrying its tier's terms.
"""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.codes import CodeKind
from booking.models import Appointment, Client, Service
from checkout.models import Invoice, InvoiceLine, Payment, Refund
from core.tenancy import TenantModel, TenantQuerySet
from giftcards import codes
from loyalty.discounts import AppliesTo
from loyalty.models import RewardTier

MONEY = {"max_digits": 12, "decimal_places": 2}
MAX_VALIDITY_DAYS = 3650
MAX_POINTS_PRICE = 1_000_000


class GiftCardOffer(TenantModel):
    """A gift card the business sells: for money on the booking site, and for points
    when its Loyalty tab says so."""

    name = models.CharField(_("name"), max_length=120)
    value = models.DecimalField(_("value"), **MONEY,
                                help_text=_("What the card is worth when spent."))
    price = models.DecimalField(_("price"), **MONEY,
                                help_text=_("What a client pays for it in money."))
    validity_days = models.PositiveIntegerField(
        _("valid for (days)"), default=365,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_VALIDITY_DAYS)])
    is_active = models.BooleanField(_("on sale"), default=True)
    points_enabled = models.BooleanField(_("can be bought with points"), default=False)
    points_price = models.PositiveIntegerField(
        _("price in points"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_POINTS_PRICE)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gift card offer")
        verbose_name_plural = _("gift card offers")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="giftcards_offer_value_positive"),
            models.CheckConstraint(condition=Q(price__gte=0),
                                   name="giftcards_offer_price_not_negative"),
            models.CheckConstraint(
                condition=Q(validity_days__gte=1) & Q(validity_days__lte=MAX_VALIDITY_DAYS),
                name="giftcards_offer_validity_range"),
            models.CheckConstraint(condition=Q(points_enabled=False) | Q(points_price__gt=0),
                                   name="giftcards_offer_points_price_when_enabled"),
        ]

    def __str__(self) -> str:
        return self.name


class GiftCardOrigin(models.TextChoices):
    ONLINE = "online", _("Bought online")
    POINTS = "points", _("Bought with points")
    CHECKOUT = "checkout", _("Sold at checkout")
    STAFF = "staff", _("Issued by staff")


class GiftCardQuerySet(TenantQuerySet):
    def usable(self, now=None):
        return self.filter(is_active=True, balance__gt=0, expires_at__gt=now or timezone.now())


class GiftCard(TenantModel):
    """A card with a secret code and a balance. The balance moves only through
    GiftCardTransaction rows, written by giftcards.services.cards."""

    code = models.CharField(_("code"), max_length=codes.GIFT_CARD_LENGTH)
    origin = models.CharField(_("origin"), max_length=10, choices=GiftCardOrigin.choices)
    offer = models.ForeignKey(GiftCardOffer, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="gift_cards", verbose_name=_("offer"))
    value = models.DecimalField(_("value"), **MONEY)
    balance = models.DecimalField(_("balance"), **MONEY, default=0)
    expires_at = models.DateTimeField(_("expires at"))
    purchaser = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("purchaser"))
    recipient_name = models.CharField(_("recipient's name"), max_length=120, blank=True)
    recipient_email = models.EmailField(_("recipient's email"), blank=True)
    message = models.TextField(_("message"), max_length=500, blank=True)
    # The checkout line that sold it: issued once per line, whatever retries happen.
    invoice_line = models.ForeignKey(InvoiceLine, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    # The points paid for it (a loyalty redeem entry), given back at most once.
    points_price = models.PositiveIntegerField(null=True, blank=True)
    points_entry = models.ForeignKey("loyalty.PointsEntry", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    points_refunded_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = models.Manager.from_queryset(GiftCardQuerySet)()

    class Meta:
        verbose_name = _("gift card")
        verbose_name_plural = _("gift cards")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["business", "code"], name="giftcards_card_unique_code"),
            models.UniqueConstraint(fields=["business", "invoice_line"],
                                    condition=Q(invoice_line__isnull=False),
                                    name="giftcards_card_once_per_invoice_line"),
            models.CheckConstraint(condition=Q(value__gt=0), name="giftcards_card_value_positive"),
            models.CheckConstraint(condition=Q(balance__gte=0),
                                   name="giftcards_card_balance_not_negative"),
            models.CheckConstraint(condition=Q(balance__lte=F("value")),
                                   name="giftcards_card_balance_within_value"),
        ]
        indexes = [models.Index(fields=["business", "purchaser"]),
                   models.Index(fields=["business", "expires_at"])]

    def __str__(self) -> str:
        return codes.masked(self.code)

    @property
    def display_code(self) -> str:
        return codes.display(self.code)

    @property
    def masked_code(self) -> str:
        return codes.masked(self.code)

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())


class PurchaseState(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")


class GiftCardPurchase(TenantModel):
    """A client buying an offer with money on the booking site. Written before the
    payment provider is asked, completed when it answers "paid": the card is issued
    once per purchase, however often the provider confirms."""

    reference = models.CharField(max_length=40)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(GiftCardOffer, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), **MONEY)
    recipient_name = models.CharField(_("recipient's name"), max_length=120, blank=True)
    recipient_email = models.EmailField(_("recipient's email"), blank=True)
    message = models.TextField(_("message"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=PurchaseState.choices,
                             default=PurchaseState.PENDING)
    provider = models.CharField(max_length=40)
    provider_reference = models.CharField(max_length=100, blank=True)
    gift_card = models.ForeignKey(GiftCard, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gift card purchase")
        verbose_name_plural = _("gift card purchases")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["business", "reference"],
                                    name="giftcards_purchase_unique_reference"),
            models.CheckConstraint(condition=Q(amount__gte=0),
                                   name="giftcards_purchase_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(state="paid") | (Q(gift_card__isnull=False)
                                              & Q(paid_at__isnull=False)),
                name="giftcards_purchase_paid_has_card"),
        ]


class TransactionKind(models.TextChoices):
    ISSUE = "issue", _("Issued")
    REDEEM = "redeem", _("Spent")
    REFUND = "refund", _("Given back")
    CANCEL = "cancel", _("Cancelled")


@dataclass(frozen=True)
class TransactionSource:
    """What caused a redemption or a refund, as the typed columns of GiftCardTransaction
    that name it: once per kind (a retry returns the first transaction, and unique
    constraints refuse a second). An issue and a cancellation are once per card."""

    appointment_id: int | None = None
    payment_id: int | None = None
    checkout_refund_id: int | None = None

    def as_fields(self) -> dict[str, int | None]:
        return asdict(self)


class GiftCardTransaction(TenantModel):
    """One immutable change of a card's balance: `amount` is signed, `balance_after` is
    the card's balance once it is applied. A refund names the redemption it gives
    back, and all its refunds together never exceed it."""

    card = models.ForeignKey(GiftCard, on_delete=models.PROTECT, related_name="transactions")
    kind = models.CharField(_("kind"), max_length=10, choices=TransactionKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    balance_after = models.DecimalField(_("balance after"), **MONEY)
    refunds = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    # Its source (TransactionSource). SET_NULL: Clear history may delete old bookings,
    # the transaction stays; payments and refunds are never deleted.
    appointment = models.ForeignKey(Appointment, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    checkout_refund = models.ForeignKey(Refund, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    # What caused it is named on display from `kind` and its source; `note` is what staff
    # or an API client typed, kept as typed.
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("gift card transaction")
        verbose_name_plural = _("gift card transactions")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="giftcards_txn_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0),
                                   name="giftcards_txn_balance_not_negative"),
            models.CheckConstraint(condition=~Q(kind__in=["issue", "refund"]) | Q(amount__gt=0),
                                   name="giftcards_txn_credit_positive"),
            models.CheckConstraint(condition=~Q(kind__in=["redeem", "cancel"]) | Q(amount__lt=0),
                                   name="giftcards_txn_debit_negative"),
            models.CheckConstraint(condition=~Q(kind="refund") | Q(refunds__isnull=False),
                                   name="giftcards_txn_refund_names_redemption"),
            models.UniqueConstraint(fields=["business", "card"], condition=Q(kind="issue"),
                                    name="giftcards_txn_card_issued_once"),
            models.UniqueConstraint(fields=["business", "card"], condition=Q(kind="cancel"),
                                    name="giftcards_txn_card_cancelled_once"),
            # A booking paid with a card, and given back when it is cancelled.
            models.UniqueConstraint(fields=["business", "kind", "appointment"],
                                    condition=Q(appointment__isnull=False),
                                    name="giftcards_txn_appointment_once"),
            models.UniqueConstraint(fields=["business", "payment"],
                                    condition=Q(kind="redeem", payment__isnull=False),
                                    name="giftcards_txn_payment_once"),
            models.UniqueConstraint(fields=["business", "checkout_refund", "payment"],
                                    condition=Q(kind="refund", checkout_refund__isnull=False),
                                    name="giftcards_txn_checkout_refund_once"),
        ]
        indexes = [models.Index(fields=["card", "id"], name="giftcards_txn_card_idx")]

    def __str__(self) -> str:
        return f"{self.amount:+} {self.kind}"

    def save(self, *args, **kwargs):
        # Written once: on PostgreSQL a trigger refuses updates and deletes too.
        if self.pk is not None and not self._state.adding:
            raise ValueError("Gift card transactions are immutable.")
        super().save(*args, **kwargs)


class CouponOrigin(models.TextChoices):
    STAFF = "staff", _("Coupon")
    REWARD = "reward", _("Loyalty reward")
    GIVEN = "given", _("Reward given by staff")


LOYALTY_ORIGINS = (CouponOrigin.REWARD, CouponOrigin.GIVEN)


class CouponQuerySet(TenantQuerySet):
    def loyalty(self):
        return self.filter(origin__in=LOYALTY_ORIGINS)


class Coupon(TenantModel):
    """A discount code: typed on the booking site or offered at checkout. Loyalty reward
    codes are coupons too (origin reward or given), bound to their client, used once."""

    code = models.CharField(_("code"), max_length=codes.COUPON_MAX_LENGTH)
    name = models.CharField(_("name"), max_length=120)
    origin = models.CharField(_("origin"), max_length=10, choices=CouponOrigin.choices,
                              default=CouponOrigin.STAFF)
    discount_kind = models.CharField(_("discount"), max_length=12, choices=CodeKind.choices)
    value = models.DecimalField(_("amount or percent"), **MONEY, default=0)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("free service"))
    applies_to = models.CharField(_("applies to"), max_length=10, choices=AppliesTo.choices,
                                  default=AppliesTo.BOOKINGS)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(_("uses in total"), null=True, blank=True)
    max_uses_per_client = models.PositiveIntegerField(_("uses per client"), null=True,
                                                      blank=True)
    uses_count = models.PositiveIntegerField(_("used"), default=0)
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("only for client"))
    earns_points = models.BooleanField(_("bookings using it still earn points"),
                                       default=False)
    # The stamp-card tier a reward code came from (unlocked, or given by staff).
    tier = models.ForeignKey(RewardTier, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="codes", verbose_name=_("reward tier"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = models.Manager.from_queryset(CouponQuerySet)()

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["business", "code"],
                                    name="giftcards_coupon_unique_code"),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses_count__lte=F("max_uses")),
                name="giftcards_coupon_uses_within_limit"),
            models.CheckConstraint(
                condition=(Q(discount_kind="amount") & Q(value__gt=0))
                | (Q(discount_kind="percent") & Q(value__gt=0) & Q(value__lte=100))
                | (Q(discount_kind="free_service") & Q(service__isnull=False)),
                name="giftcards_coupon_discount_consistent"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="giftcards_coupon_dates_ordered"),
        ]
        indexes = [models.Index(fields=["business", "client"])]

    def __str__(self) -> str:
        return self.code

    @property
    def is_loyalty(self) -> bool:
        return self.origin in LOYALTY_ORIGINS

    @property
    def uses_left(self) -> int | None:
        return None if self.max_uses is None else max(self.max_uses - self.uses_count, 0)


class CouponUse(TenantModel):
    """One use of a coupon, by a booking or an invoice. A cancelled booking or a refunded
    invoice releases its use (the counter goes back down); the row stays as history."""

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="uses")
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    # SET_NULL: Clear history may delete old bookings; the use stays counted.
    appointment = models.ForeignKey(Appointment, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    amount = models.DecimalField(_("discount"), **MONEY, default=0)
    created_at = models.DateTimeField(_("used at"), default=timezone.now)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("coupon use")
        verbose_name_plural = _("coupon uses")
        ordering = ["-pk"]
        constraints = [
            # One code per booking.
            models.UniqueConstraint(fields=["business", "appointment"],
                                    condition=Q(appointment__isnull=False),
                                    name="giftcards_use_one_per_appointment"),
            models.UniqueConstraint(fields=["business", "invoice"],
                                    condition=Q(invoice__isnull=False),
                                    name="giftcards_use_one_per_invoice"),
            models.CheckConstraint(condition=Q(amount__gte=0),
                                   name="giftcards_use_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["coupon", "client"])]
