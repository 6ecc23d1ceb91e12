"""The loyalty program of a business, its points ledger and the crediting marks.

The ledger holds its invariants in the database: an entry's balance is never
negative, a cause (an appointment, an invoice, a refund...) is credited (or reversed)
at most once, an entry is never
zero, and on PostgreSQL triggers refuse any UPDATE or DELETE of an entry, any
entry whose balance does not follow from the previous one (migration 0002), and any
account balance that is not its latest entry's (0004).

The stamp card's reward tiers are loyalty rules too (RewardTier, and loyalty/stamp_card.py
for why).
"""

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.codes import CodeKind
from booking.models import Appointment, ClassType, Client, Service
from booking.models.catalog import MONEY
from checkout.models import Invoice, Refund
from core.tenancy import TenantModel
from loyalty import rules
from loyalty.discounts import AppliesTo

MAX_CREDITING_DELAY_HOURS = 72
MAX_POINTS = 1_000_000
# As long as a gift card's (giftcards.models.MAX_VALIDITY_DAYS).
MAX_REWARD_VALIDITY_DAYS = 3650


class SpendScope(models.TextChoices):
    ALL = rules.SPEND_ALL, _("Everything")
    SERVICES = rules.SPEND_SERVICES, _("Services only")
    PRODUCTS = rules.SPEND_PRODUCTS, _("Products only")


class Program(TenantModel):
    """One per business; whether it is on is the business's Loyalty extension, and when
    it was on is its periods. Rules apply to what is earned after they change: credited
    entries keep their points."""

    crediting_delay_hours = models.PositiveSmallIntegerField(
        _("crediting delay (hours)"), default=3,
        validators=[MaxValueValidator(MAX_CREDITING_DELAY_HOURS)],
        help_text=_("Points are credited this many hours after the appointment ends."))
    members_earn = models.BooleanField(_("clients with an active membership earn points"),
                                       default=False)
    expiry_months = models.PositiveSmallIntegerField(
        _("points expire after (months)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Leave empty for points that never expire."))
    expiry_notice_days = models.PositiveSmallIntegerField(
        _("warn clients this many days before points expire"), default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)])
    points_per_booking = models.PositiveIntegerField(
        _("points per attended booking"), default=0, validators=[MaxValueValidator(MAX_POINTS)])
    spend_points = models.PositiveIntegerField(
        _("points"), default=0, validators=[MaxValueValidator(MAX_POINTS)])
    spend_amount = models.DecimalField(
        _("for every"), **MONEY, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01"))])
    spend_scope = models.CharField(_("spent on"), max_length=10, choices=SpendScope.choices,
                                   default=SpendScope.ALL)
    points_per_service_line = models.PositiveIntegerField(
        _("points per paid service"), default=0, validators=[MaxValueValidator(MAX_POINTS)])
    points_per_product_unit = models.PositiveIntegerField(
        _("points per paid product unit"), default=0,
        validators=[MaxValueValidator(MAX_POINTS)])
    points_per_invoice = models.PositiveIntegerField(
        _("points per paid invoice"), default=0, validators=[MaxValueValidator(MAX_POINTS)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("loyalty program")
        verbose_name_plural = _("loyalty programs")
        constraints = [
            models.UniqueConstraint(fields=["business"], name="loyalty_one_program_per_business"),
            models.CheckConstraint(condition=Q(crediting_delay_hours__lte=MAX_CREDITING_DELAY_HOURS),
                                   name="loyalty_program_delay_range"),
            models.CheckConstraint(condition=Q(spend_amount__isnull=True) | Q(spend_amount__gt=0),
                                   name="loyalty_program_spend_amount_positive"),
        ]

    def __str__(self) -> str:
        return str(_("Loyalty program"))

    @property
    def earning_rules(self) -> rules.EarningRules:
        return rules.EarningRules(
            per_booking=self.points_per_booking, spend_points=self.spend_points,
            spend_amount=self.spend_amount, spend_scope=self.spend_scope,
            per_service_line=self.points_per_service_line,
            per_product_unit=self.points_per_product_unit, per_invoice=self.points_per_invoice)


class ProgramPeriod(TenantModel):
    """A time the program was on, from `started_at` until `ended_at` (None: still on).

    An appointment earns if it ENDED inside a period (its end is when it has been
    attended, and the crediting delay counts from it), even when the program went off
    and on again before the delay passed; one that ended while the program was off
    never earns (SPEC 3.4)."""

    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("loyalty program period")
        verbose_name_plural = _("loyalty program periods")
        constraints = [
            models.UniqueConstraint(fields=["business"], condition=Q(ended_at__isnull=True),
                                    name="loyalty_one_open_period"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="loyalty_period_ends_after_start"),
        ]


class CatalogPoints(TenantModel):
    """The "Loyalty" tab of a service or a class type: points per attended appointment."""

    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    class_type = models.ForeignKey(ClassType, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+")
    is_enabled = models.BooleanField(_("earns loyalty points"), default=False)
    points = models.PositiveIntegerField(_("points"), default=0,
                                         validators=[MaxValueValidator(MAX_POINTS)])

    class Meta:
        verbose_name = _("points for a service or class")
        verbose_name_plural = _("points for services and classes")
        constraints = [
            models.CheckConstraint(
                condition=(Q(service__isnull=False) & Q(class_type__isnull=True))
                | (Q(service__isnull=True) & Q(class_type__isnull=False)),
                name="loyalty_catalog_points_service_xor_class"),
            models.UniqueConstraint(fields=["business", "service"],
                                    condition=Q(service__isnull=False),
                                    name="loyalty_catalog_points_one_per_service"),
            models.UniqueConstraint(fields=["business", "class_type"],
                                    condition=Q(class_type__isnull=False),
                                    name="loyalty_catalog_points_one_per_class"),
        ]

    @property
    def effective_points(self) -> int:
        return self.points if self.is_enabled else 0


class PointsAccount(TenantModel):
    """A client's balance: the cached sum of their entries, locked by every posting."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    balance = models.IntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    # Points that expired up to here have been taken off; the expiry sweep looks later.
    expiry_checked_at = models.DateTimeField(null=True, blank=True)
    # Points expiring up to here have been announced to the client.
    expiry_warned_until = models.DateTimeField(null=True, blank=True)
    # The expiry sweeps' due times, so that they read what is due through a partial index
    # however long the history (services/expiry.py): when the next of the account's
    # points not yet checked expire, and when the next expiry not yet announced is to
    # be announced. Never later than the truth (an early one costs a look, no more);
    # None: nothing to do until an entry with an expiry is written.
    next_expiry_at = models.DateTimeField(null=True, blank=True)
    next_warning_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.UniqueConstraint(fields=["business", "client"],
                                    name="loyalty_one_account_per_client"),
            models.CheckConstraint(condition=Q(balance__gte=0),
                                   name="loyalty_account_balance_not_negative"),
        ]
        indexes = [
            models.Index(fields=["next_expiry_at", "id"], name="loyalty_account_expiry_due",
                         condition=Q(next_expiry_at__isnull=False)),
            models.Index(fields=["next_warning_at", "id"], name="loyalty_account_warning_due",
                         condition=Q(next_warning_at__isnull=False)),
        ]


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REDEEM = "redeem", _("Redeemed")
    ADJUST = "adjust", _("Adjusted")
    REWARD = "reward", _("Reward")
    EXPIRE = "expire", _("Expired")
    REVERSE = "reverse", _("Reversed")


@dataclass(frozen=True)
class EntrySource:
    """What caused an entry, as the typed columns of PointsEntry that name it: posting
    one source twice returns the first entry, and the unique constraints below refuse
    the second in the database. `round_number` counts the rounds of one appointment's
    take-backs (odd) and restorations (even), and of one entry's card resets."""

    appointment_id: int | None = None
    invoice_id: int | None = None
    refund_id: int | None = None
    gift_card_id: int | None = None
    unlocked_by_id: int | None = None
    round_number: int | None = None

    def as_fields(self) -> dict[str, int | None]:
        return asdict(self)


# A reversal of another entry with none of these (undoing an adjustment, giving back
# the points of a refunded gift card) is once per reversed entry.
NO_SOURCE = EntrySource()

# A positive reversal that gives back what a no-show mark took (a restoration round of
# its appointment, kept when Clear history deletes the appointment): the points count
# as earned again, not as points returned.
RESTORATION = Q(kind="reverse", points__gt=0, round_number__isnull=False)


class PointsEntry(TenantModel):
    """One immutable change of a balance. Its typed source (EntrySource) names what
    caused it, once per kind: a second credit or reversal of the same thing fails in
    the database. `description` is what staff typed for an adjustment; for any other
    entry it is the words of the time, shown only once its source row is gone
    (descriptions.py words the others in the reader's language)."""

    account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    points = models.IntegerField(_("points"))
    balance_after = models.IntegerField(_("balance after"))
    reverses = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    # SET_NULL where Clear history (appointments) may delete the cause: the entry stays,
    # with its stored description; invoices and refunds are never deleted.
    appointment = models.ForeignKey(Appointment, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    gift_card = models.ForeignKey("giftcards.GiftCard", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    # A reset reward: the entry whose points crossed the resetting tier.
    unlocked_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    round_number = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.CharField(_("description"), max_length=200)
    note = models.CharField(_("staff note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    # When the points of a positive entry expire (None: never).
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # What each invoice rule gave, for an invoice's earn entry (rules.RulePoints.as_json):
    # the rules change, this says why it earned what it did. None before it was recorded.
    breakdown = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="loyalty_entry_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0),
                                   name="loyalty_entry_balance_not_negative"),
            models.CheckConstraint(
                condition=~Q(kind__in=["earn"]) | Q(points__gt=0),
                name="loyalty_entry_earn_positive"),
            models.CheckConstraint(
                condition=~Q(kind__in=["redeem", "expire", "reward"]) | Q(points__lt=0),
                name="loyalty_entry_debit_negative"),
            models.CheckConstraint(condition=~Q(kind="reverse") | Q(reverses__isnull=False),
                                   name="loyalty_entry_reversal_names_entry"),
            models.UniqueConstraint(fields=["business", "appointment"],
                                    condition=Q(kind="earn", appointment__isnull=False),
                                    name="loyalty_entry_appointment_earns_once"),
            models.UniqueConstraint(fields=["business", "invoice"],
                                    condition=Q(kind="earn", invoice__isnull=False),
                                    name="loyalty_entry_invoice_earns_once"),
            models.UniqueConstraint(fields=["business", "refund"],
                                    condition=Q(kind="reverse", refund__isnull=False),
                                    name="loyalty_entry_refund_reverses_once"),
            # An appointment's take-back (odd) and restoration (even) rounds.
            models.UniqueConstraint(fields=["business", "appointment", "round_number"],
                                    condition=Q(kind="reverse", appointment__isnull=False),
                                    name="loyalty_entry_appointment_reverses_once_a_round"),
            models.UniqueConstraint(fields=["business", "gift_card"],
                                    condition=Q(kind="redeem", gift_card__isnull=False),
                                    name="loyalty_entry_gift_card_spends_once"),
            models.UniqueConstraint(fields=["business", "unlocked_by", "round_number"],
                                    condition=Q(kind="reward", unlocked_by__isnull=False),
                                    name="loyalty_entry_reset_once_a_round"),
            # round_number, unlike appointment, stays when Clear history deletes a booking.
            models.UniqueConstraint(
                fields=["business", "reverses"],
                condition=Q(kind="reverse", appointment__isnull=True, refund__isnull=True,
                            round_number__isnull=True),
                name="loyalty_entry_reversed_once"),
        ]
        indexes = [
            models.Index(fields=["account", "id"], name="loyalty_entry_account_idx"),
            models.Index(fields=["business", "created_at", "id"],
                         name="loyalty_entry_report_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.description}"

    def save(self, *args, **kwargs):
        # History is written once: the database refuses updates too (PostgreSQL trigger).
        if self.pk is not None and not self._state.adding:
            raise ValueError("Points entries are immutable.")
        super().save(*args, **kwargs)


class CreditOutcome(models.TextChoices):
    CREDITED = "credited", _("Credited")
    NOTHING = "nothing", _("Nothing to credit")


class AppointmentCredit(TenantModel):
    """The crediting job's mark on an appointment it has handled, whatever the outcome,
    so that it is handled once; `entry` is the earn entry when points were credited."""

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=CreditOutcome.choices)
    reason = models.CharField(max_length=40, blank=True)
    entry = models.ForeignKey(PointsEntry, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    processed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("appointment credit")
        verbose_name_plural = _("appointment credits")
        constraints = [
            models.UniqueConstraint(fields=["business", "appointment"],
                                    name="loyalty_appointment_handled_once"),
        ]


class RewardTier(TenantModel):
    """A stamp-card threshold: when a client's points cross it upward, they receive a
    single-use code giving this discount. The highest tier may be a reset: the card
    then starts over, keeping the points above it.

    Moved from giftcards with its rows and ids (migration 0009): the constraints kept
    their meaning under loyalty's names."""

    name = models.CharField(_("name"), max_length=120)
    threshold = models.PositiveIntegerField(
        _("points needed"), validators=[MinValueValidator(1), MaxValueValidator(MAX_POINTS)])
    discount_kind = models.CharField(_("discount"), max_length=12, choices=CodeKind.choices)
    value = models.DecimalField(_("amount or percent"), **MONEY, default=0)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("free service"))
    applies_to = models.CharField(_("applies to"), max_length=10, choices=AppliesTo.choices,
                                  default=AppliesTo.BOOKINGS)
    validity_days = models.PositiveIntegerField(
        _("code valid for (days)"), default=90,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REWARD_VALIDITY_DAYS)])
    earns_points = models.BooleanField(_("bookings using it still earn points"), default=False)
    resets_card = models.BooleanField(
        _("starts the card over"), default=False,
        help_text=_("Only the highest tier can: its points are taken off when the reward is "
                    "unlocked, and the points above it are kept."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reward tier")
        verbose_name_plural = _("reward tiers")
        ordering = ["threshold", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["business", "threshold"],
                                    condition=Q(is_active=True),
                                    name="loyalty_tier_one_active_per_threshold"),
            models.UniqueConstraint(fields=["business"],
                                    condition=Q(is_active=True, resets_card=True),
                                    name="loyalty_tier_one_active_reset"),
            models.CheckConstraint(
                condition=(Q(discount_kind="amount") & Q(value__gt=0))
                | (Q(discount_kind="percent") & Q(value__gt=0) & Q(value__lte=100))
                | (Q(discount_kind="free_service") & Q(service__isnull=False)),
                name="loyalty_tier_discount_consistent"),
        ]

    def __str__(self) -> str:
        return self.name


class CreditDue(TenantModel):
    """The crediting job's queue: an appointment it still has to handle, and from when
    (its end plus the program's delay). Kept in step with the appointment in the
    appointment's own transaction (services/credit_queue.py) and deleted in the
    transaction that handles it, so that the job reads what is due and nothing else,
    however long the history."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()

    class Meta:
        verbose_name = _("appointment due for crediting")
        verbose_name_plural = _("appointments due for crediting")
        indexes = [models.Index(fields=["due_at", "id"], name="loyalty_credit_due_order")]
        constraints = [models.UniqueConstraint(fields=["business", "appointment"],
                                               name="loyalty_credit_due_once")]
