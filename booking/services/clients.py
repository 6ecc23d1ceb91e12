from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from booking.models import Client
from tenancy.models import Business

CLIENT_FIELDS = ("first_name", "last_name", "email", "phone", "notes")


def _email_clash() -> ValidationError:
    return ValidationError({"email": _("Another client of this business has this email.")})


def _consent_time(current: Client | None, opt_in: bool):
    if not opt_in:
        return None
    if current is not None and current.marketing_opt_in and current.marketing_opt_in_at:
        return current.marketing_opt_in_at
    return timezone.now()


@transaction.atomic(durable=True)
def create_client(
    *,
    business: Business,
    first_name: str,
    last_name: str = "",
    email: str = "",
    phone: str = "",
    notes: str = "",
    marketing_opt_in: bool = False,
    user: User | None = None,
) -> Client:
    """A client created by staff (a walk-in has no login)."""
    return create_client_record(business=business, first_name=first_name, last_name=last_name,
                                email=email, phone=phone, notes=notes,
                                marketing_opt_in=marketing_opt_in, user=user)


# A savepoint, not savepoint=False: callers catch its refusal (the same client created in
# two tabs at once) and go on in their transaction.
@transaction.atomic
def create_client_record(
    *,
    business: Business,
    first_name: str,
    last_name: str = "",
    email: str = "",
    phone: str = "",
    notes: str = "",
    marketing_opt_in: bool = False,
    user: User | None = None,
) -> Client:
    """`create_client` inside the caller's transaction (signing up on the site, a first
    visit with a login, a guest booking)."""
    client = Client(
        business=business,
        user=user,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        notes=notes,
        marketing_opt_in=marketing_opt_in,
        marketing_opt_in_at=_consent_time(None, marketing_opt_in),
    )
    client.full_clean(exclude=["business", "user"], validate_constraints=False)
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError as clash:
        raise _email_clash() from clash
    return client


@transaction.atomic(durable=True)
def update_client(*, business: Business, client: Client, **changes) -> Client:
    return update_client_record(business=business, client=client, **changes)


@transaction.atomic(savepoint=False)
def update_client_record(*, business: Business, client: Client, **changes) -> Client:
    """`update_client` inside the caller's transaction."""
    unknown = set(changes) - {*CLIENT_FIELDS, "marketing_opt_in"}
    if unknown:
        raise ValueError(f"Not client fields: {sorted(unknown)}")
    if client.business_id != business.pk:
        raise ValidationError(_("This client belongs to another business."))
    for field in CLIENT_FIELDS:
        if field in changes:
            value = changes[field].strip() if isinstance(changes[field], str) else changes[field]
            setattr(client, field, value.lower() if field == "email" else value)
    if "marketing_opt_in" in changes:
        client.marketing_opt_in_at = _consent_time(client, changes["marketing_opt_in"])
        client.marketing_opt_in = changes["marketing_opt_in"]
    client.full_clean(exclude=["business", "user"], validate_constraints=False)
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError as clash:
        raise _email_clash() from clash
    return client


@transaction.atomic(savepoint=False)
def set_marketing_consent(*, business: Business, client: Client, accepted: bool) -> Client:
    """Inside the caller's transaction (the unsubscribe link's)."""
    return update_client_record(business=business, client=client, marketing_opt_in=accepted)


@transaction.atomic(durable=True)
def client_for_login(*, business: Business, user: User) -> Client | None:
    """The client record of a signed-in person at this business, created on first visit.

    None when a client record of this business already has the login's email: only the
    link sent to that address connects them (`site_accounts.connect_client`), so that a
    login nobody proved the address of cannot open what staff keep for that address.
    """
    client = Client.objects.for_business(business).filter(user=user).first()
    if client is not None:
        return client
    if Client.objects.for_business(business).filter(email__iexact=user.email).exists():
        return None
    first, _space, last = (user.full_name or user.email.split("@")[0]).partition(" ")
    try:
        return create_client_record(
            business=business, first_name=first, last_name=last, email=user.email, user=user
        )
    except ValidationError:
        # The first visit in two tabs at once: the other request created the client.
        return Client.objects.for_business(business).filter(user=user).first()


@transaction.atomic(savepoint=False)
def find_or_create_guest_client(
    *,
    business: Business,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
) -> Client:
    """A guest booking on a site without client login: the client of this business with
    this email (any case), or a new one. Inside the booking's transaction
    (`site_booking.book_online`), so that a refused booking leaves no client behind.

    What staff already hold about a known client is kept; only blank details are filled in.
    """
    email = email.strip()
    if not email:
        raise ValidationError({"email": _("Enter your email to book.")})
    existing = Client.objects.for_business(business).filter(email__iexact=email).first()
    if existing is None:
        try:
            return create_client_record(business=business, first_name=first_name,
                                        last_name=last_name, email=email, phone=phone)
        except ValidationError:
            # The same guest booking in two tabs: the other request created the client.
            existing = Client.objects.for_business(business).filter(email__iexact=email).first()
            if existing is None:
                raise
    blanks = {field: value for field, value in (("last_name", last_name), ("phone", phone))
              if value.strip() and not getattr(existing, field)}
    if blanks:
        return update_client_record(business=business, client=existing, **blanks)
    return existing
