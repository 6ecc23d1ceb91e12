"""The tenant and who works there: Business and its extensions, staff memberships and
roles, API tokens."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel

# Top-level paths that a business slug would shadow (`/<slug>/` is the booking site).
RESERVED_SLUGS = frozenset(
    {"admin", "api", "accounts", "manage", "static", "media", "i18n", "health", "favicon.ico",
     "robots.txt", "new", "signup", "login", "logout", "www"}
)

CURRENCY_CHOICES = [
    ("EUR", "EUR — euro"),
    ("UAH", "UAH — гривня"),
    ("USD", "USD — US dollar"),
    ("GBP", "GBP — pound sterling"),
    ("CHF", "CHF — franc suisse"),
    ("CAD", "CAD — Canadian dollar"),
    ("PLN", "PLN — złoty"),
]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(zone)s” is not a known time zone."), params={"zone": value})


def validate_slug_not_reserved(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved; choose another web address."),
                              params={"slug": value})


class Extension(models.TextChoices):
    """Optional features a business switches on under Settings -> Business extensions."""

    LOYALTY = "loyalty", _("Loyalty")
    ACCEPT_PAYMENTS = "accept_payments", _("Accept payments")
    CLIENT_LOGIN = "client_login", _("Client login")
    COUPONS_GIFT_CARDS = "coupons_gift_cards", _("Coupons & gift cards")
    CLEAR_HISTORY = "clear_history", _("Clear history")


class Business(models.Model):
    """The tenant. Every other tenant row points here."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("web address"), max_length=60, unique=True,
        validators=[validate_slug_not_reserved,
                    RegexValidator(r"^[a-z0-9][a-z0-9-]*$",
                                   _("Use lowercase letters, digits and dashes."))],
        help_text=_("Your booking site lives at /<web address>/."),
        error_messages={"unique": _("This web address is already taken.")},
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris",
                                 validators=[validate_time_zone])
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES,
                                default="EUR")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES,
                                default="en",
                                help_text=_("Language of your booking site and client emails."))
    contact_email = models.EmailField(_("contact email"))
    created_at = models.DateTimeField(auto_now_add=True)

    # Booking rules.
    cancellation_notice_hours = models.PositiveIntegerField(
        _("cancellation notice (hours)"), default=24, validators=[MaxValueValidator(720)],
        help_text=_("Clients cannot cancel online closer than this to the start."))
    minimum_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"), default=60, validators=[MaxValueValidator(10080)],
        help_text=_("Clients cannot book online closer than this to the start."))
    booking_horizon_days = models.PositiveIntegerField(
        _("book up to (days ahead)"), default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)])
    slot_step_minutes = models.PositiveIntegerField(
        _("time between start times (minutes)"), default=15,
        choices=[(5, "5"), (10, "10"), (15, "15"), (20, "20"), (30, "30"), (60, "60")])
    waitlist_hold_minutes = models.PositiveIntegerField(
        _("waitlist offer holds a seat for (minutes)"), default=120,
        validators=[MinValueValidator(5), MaxValueValidator(2880)])
    history_retention_months = models.PositiveIntegerField(
        _("keep bookings for (months)"), default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("With Clear history on, older bookings are deleted with their personal data."))

    loyalty_enabled = models.BooleanField(_("Loyalty"), default=False)
    accept_payments_enabled = models.BooleanField(_("Accept payments"), default=False)
    client_login_enabled = models.BooleanField(_("Client login"), default=False)
    coupons_gift_cards_enabled = models.BooleanField(_("Coupons & gift cards"), default=False)
    clear_history_enabled = models.BooleanField(_("Clear history"), default=False)

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        constraints = [
            # Clear history deletes the bookings loyalty credits: the two never run together.
            models.CheckConstraint(
                condition=~(Q(loyalty_enabled=True) & Q(clear_history_enabled=True)),
                name="business_loyalty_excludes_clear_history",
            ),
            # Loyalty stands on payments, client accounts and codes.
            models.CheckConstraint(
                condition=Q(loyalty_enabled=False)
                | (Q(accept_payments_enabled=True) & Q(client_login_enabled=True)
                   & Q(coupons_gift_cards_enabled=True)),
                name="business_loyalty_needs_its_extensions",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def has_extension(self, extension: Extension | str) -> bool:
        return getattr(self, f"{Extension(extension).value}_enabled")

    @property
    def enabled_extensions(self) -> list[str]:
        return [ext.value for ext in Extension if self.has_extension(ext)]


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    STAFF = "staff", _("Staff")


ROLE_RANK = {Role.STAFF: 0, Role.MANAGER: 1, Role.OWNER: 2}


class StaffMembership(TenantModel):
    """A user working at a business, with a role. One user may work at several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["business", "user"], name="membership_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.business_id} ({self.role})"

    def has_role(self, minimum: Role | str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(minimum)]

    @property
    def can_manage(self) -> bool:
        """Owners and managers change settings and adjust points; staff do not."""
        return self.has_role(Role.MANAGER)


class ApiToken(TenantModel):
    """An API key of one staff membership: the business comes from the token, never the body.

    Only a SHA-256 of the key is stored; the key itself is shown once, at creation.
    """

    membership = models.ForeignKey(StaffMembership, on_delete=models.CASCADE,
                                   related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.UniqueConstraint(fields=["business", "key_hash"], name="api_token_unique_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
