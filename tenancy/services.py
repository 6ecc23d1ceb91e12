"""Every write of the tenancy core: businesses, their settings and extensions, the team,
API tokens."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from tenancy import events
from tenancy.locks import lock_business
from tenancy.models import ApiToken, Business, Extension, Role, StaffMembership

# Switching Loyalty on switches these on too: points are earned on payments, spent
# through codes, and seen by clients who sign in.
LOYALTY_REQUIRES = (Extension.ACCEPT_PAYMENTS, Extension.CLIENT_LOGIN, Extension.COUPONS_GIFT_CARDS)


@transaction.atomic(durable=True)
def create_business(*, owner: User, name: str, slug: str, time_zone: str, currency: str,
                    language: str, contact_email: str) -> Business:
    business = Business(name=name.strip(), slug=slug.strip().lower(), time_zone=time_zone,
                        currency=currency, language=language, contact_email=contact_email)
    business.full_clean()
    try:
        with transaction.atomic():
            business.save()
    except IntegrityError as clash:
        raise ValidationError({"slug": _("This web address is already taken.")}) from clash
    StaffMembership.objects.create(business=business, user=owner, role=Role.OWNER)
    return business


# What Settings -> Business changes; everything else has its own use case.
BUSINESS_SETTINGS = ("name", "time_zone", "currency", "language", "contact_email",
                     "cancellation_notice_hours", "minimum_notice_minutes",
                     "booking_horizon_days", "slot_step_minutes", "waitlist_hold_minutes",
                     "history_retention_months")


@transaction.atomic(durable=True)
def update_business(*, business: Business, **changes) -> Business:
    unknown = set(changes) - set(BUSINESS_SETTINGS)
    if unknown:
        raise ValueError(f"Not business settings: {sorted(unknown)}")
    business = lock_business(business)
    for field, value in changes.items():
        setattr(business, field, value.strip() if isinstance(value, str) else value)
    business.full_clean()
    business.save(update_fields=list(changes))
    return business


@transaction.atomic(durable=True)
def set_extension(*, business: Business, extension: Extension | str, enabled: bool
                  ) -> tuple[Business, list[Extension]]:
    """Switch one extension, keeping the rules between them.

    Returns the business and the extensions that were switched on along with it.
    Refusals raise ValidationError and change nothing.
    """
    extension = Extension(extension)
    business = lock_business(business)
    also_enabled: list[Extension] = []
    if enabled:
        if extension == Extension.LOYALTY and business.clear_history_enabled:
            raise ValidationError(_(
                "Loyalty cannot be turned on while Clear history is on: clearing history would "
                "delete the bookings that earn points. Turn Clear history off first."
            ))
        if extension == Extension.CLEAR_HISTORY and business.loyalty_enabled:
            raise ValidationError(_(
                "Clear history cannot be turned on while Loyalty is on: it would delete the "
                "bookings that earn points. Turn Loyalty off first."
            ))
        if extension == Extension.LOYALTY:
            also_enabled = [ext for ext in LOYALTY_REQUIRES if not business.has_extension(ext)]
    elif extension in LOYALTY_REQUIRES and business.loyalty_enabled:
        raise ValidationError(
            _("%(extension)s cannot be turned off while Loyalty is on, which needs it. "
              "Turn Loyalty off first.") % {"extension": extension.label}
        )
    switched = [ext for ext in [extension, *also_enabled] if business.has_extension(ext) != enabled]
    for ext in [extension, *also_enabled]:
        setattr(business, f"{ext.value}_enabled", enabled)
    business.save(update_fields=[f"{ext.value}_enabled" for ext in [extension, *also_enabled]])
    for ext in switched:
        events.extension_switched.send(sender=Business, business=business, extension=ext,
                                       enabled=enabled)
    return business, also_enabled


@transaction.atomic(durable=True)
def add_staff_member(*, business: Business, user: User, role: Role | str) -> StaffMembership:
    return _add_staff_member(business=business, user=user, role=role)


def _add_staff_member(*, business: Business, user: User, role: Role | str) -> StaffMembership:
    membership, created = StaffMembership.objects.get_or_create(
        business=business, user=user, defaults={"role": Role(role)}
    )
    if not created:
        raise ValidationError({"email": _("This person is already on your team.")})
    return membership


@transaction.atomic(durable=True)
def invite_staff_member(*, business: Business, email: str, full_name: str, role: Role | str
                        ) -> StaffMembership:
    """Add a person to the team; one without an account gets one with a random password.

    They set their own through "Forgot your password?" (which skips accounts with an
    unusable password, hence a random one), so nobody else ever knows it.
    """
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        user = User.objects.create_user(email=email.strip(), full_name=full_name.strip(),
                                        password=secrets.token_urlsafe(32))
    return _add_staff_member(business=business, user=user, role=role)


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def find_active_token(raw_key: str) -> ApiToken | None:
    # The key is a 256-bit secret: its hash finds the one token whatever the business.
    return (
        ApiToken.objects.select_related("business", "membership__user")
        .filter(key_hash=hash_api_key(raw_key), revoked_at__isnull=True,
                membership__is_active=True, membership__user__is_active=True)
        .first()
    )


@transaction.atomic(durable=True)
def issue_api_token(*, business: Business, membership: StaffMembership, name: str
                    ) -> tuple[ApiToken, str]:
    """Create a token; the raw key is returned once and never stored."""
    if membership.business_id != business.pk:
        raise ValidationError(_("This person is not on this business's team."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. “Accounting export”.")})
    raw_key = "sbk_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(business=business, membership=membership, name=name,
                                    prefix=raw_key[:12], key_hash=hash_api_key(raw_key))
    return token, raw_key


@transaction.atomic(durable=True)
def revoke_api_token(*, business: Business, token: ApiToken) -> ApiToken:
    ApiToken.objects.for_business(business).filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])
    return token


def touch_api_token(*, token: ApiToken) -> None:
    """Record use at most once a minute, so that reads do not each write."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
