"""Client logins on a booking site: signing up, and connecting a login to the client
record staff keep for its address, each only once the person proved they hold the address
by opening a link sent to it (`accounts.email_proof`).

A sign-up answers the same way and sends one email whether the address is new, belongs
to a client record, or already has a login (logins are shared by all businesses): the
site never tells who has an account, and the email says what to do next.
"""

from datetime import timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.email_proof import EmailProof, ProofKind, ProofRefused, Refusal
from accounts.models import User
from accounts.services import register_user
from booking.models import Client
from booking.services.clients import create_client_record, update_client_record
from tenancy.models import Business

LINK_LIFETIME = timedelta(days=1)


def _login_of(scope: int, email: str) -> str:
    # A sign-up link is used once the login exists.
    return str(User.objects.filter(email__iexact=email).values_list("pk", flat=True).first())


def _records_of(scope: int, email: str) -> str:
    # A connection link is used once the record has a login.
    return repr(list(Client.objects.for_business(scope).filter(email__iexact=email)
                     .order_by("pk").values_list("pk", "user_id")))


SIGN_UP_LINK = ProofKind("site-sign-up", max_age=LINK_LIFETIME, state=_login_of)
CONNECT_LINK = ProofKind("site-connect", max_age=LINK_LIFETIME, state=_records_of)


def _absolute(path: str, query: dict | None = None) -> str:
    return f"{settings.SITE_URL}{path}" + (f"?{urlencode(query)}" if query else "")


def _site_url(business: Business, name: str, *args) -> str:
    return reverse(f"booking:{name}", args=[business.slug, *args])


def _send_on_commit(*, business: Business, to: str, subject: str, template: str,
                    context: dict) -> None:
    """A plain text email in the business's language, sent once the transaction commits;
    a mail server that is down must not answer differently from one that is up."""
    with translation.override(business.language):
        body = render_to_string(template, {"business": business, **context})
        subject = subject % {"business": business.name}
    message = EmailMessage(
        subject=subject, body=body, to=[to],
        from_email=formataddr((business.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1])),
        reply_to=[business.contact_email] if business.contact_email else None)
    transaction.on_commit(message.send, robust=True)


@transaction.atomic(durable=True)
def request_sign_up(*, business: Business, email: str, first_name: str, last_name: str = "",
                    phone: str = "", next_path: str = "") -> None:
    """Email the address the link that finishes signing up, or, if it has a login
    already, how to log in: the caller answers "check your email" either way."""
    email = User.objects.normalize_email(email.strip()).lower()
    with translation.override(business.language):
        if User.objects.filter(email__iexact=email).exists():
            _send_on_commit(
                business=business, to=email, template="emails/site_account_exists.txt",
                subject=_("Your account at %(business)s"),
                context={"login_link": _absolute(_site_url(business, "site-login"),
                                                 {"next": next_path} if next_path else None),
                         "reset_link": _absolute(reverse("accounts:password_reset"))})
            return
        token = SIGN_UP_LINK.token(scope=business.pk, email=email, data={
            "first_name": first_name.strip(), "last_name": last_name.strip(),
            "phone": phone.strip(), "next": next_path})
        _send_on_commit(
            business=business, to=email, template="emails/site_sign_up.txt",
            subject=_("Finish signing up at %(business)s"),
            context={"link": _absolute(_site_url(business, "site-signup-finish", token))})


def read_sign_up_link(*, business: Business, token: str) -> EmailProof:
    """What a sign-up link proves, or `ProofRefused` (forged, expired, used)."""
    return SIGN_UP_LINK.check(token, scope=business.pk)


def _blank_details(client: Client, details: dict) -> dict:
    """What staff did not fill in, taken from the sign-up: staff's details stay."""
    return {field: details[field] for field in ("first_name", "last_name", "phone")
            if details.get(field) and not getattr(client, field)}


@transaction.atomic(savepoint=False)
def link_client_login(*, business: Business, client: Client, user: User,
                      details: dict | None = None) -> Client:
    """Give a client record without login the login of the person who proved they hold
    its address. Only for callers that have that proof (or, as the demo, know it)."""
    if client.business_id != business.pk or client.user_id is not None:
        raise ValidationError(_("This client record cannot be connected to a login."))
    if Client.objects.for_business(business).filter(user=user).exists():
        raise ValidationError(_("Your login already has a client record at this business."))
    client.user = user
    client.save(update_fields=["user"])
    blanks = _blank_details(client, details or {})
    return (update_client_record(business=business, client=client, **blanks) if blanks
            else client)


def _unlinked_record(business: Business, email: str) -> Client | None:
    return (Client.objects.for_business(business).select_for_update()
            .filter(email__iexact=email, user__isnull=True).order_by("pk").first())


@transaction.atomic(durable=True)
def finish_sign_up(*, business: Business, token: str, password: str,
                   marketing_opt_in: bool) -> Client:
    """Create the login of a proven address and its client here: the client record staff
    keep for the address if there is one, else a new one with the sign-up's details."""
    proof = read_sign_up_link(business=business, token=token)
    details = proof.data
    try:
        with transaction.atomic():
            user = register_user(
                email=proof.email, password=password, language=business.language,
                full_name=f"{details['first_name']} {details['last_name']}".strip())
    except IntegrityError as taken:
        # The same link used twice at once: the other use created the login.
        raise ProofRefused(Refusal.USED) from taken
    record = _unlinked_record(business, proof.email)
    if record is None:
        return create_client_record(
            business=business, first_name=details["first_name"],
            last_name=details["last_name"], email=proof.email, phone=details["phone"],
            marketing_opt_in=marketing_opt_in, user=user)
    client = link_client_login(business=business, client=record, user=user, details=details)
    return update_client_record(business=business, client=client,
                                marketing_opt_in=marketing_opt_in)


@transaction.atomic(durable=True)
def request_client_link(*, business: Business, user: User, next_path: str = "") -> None:
    """Email a signed-in login the link that connects it to the client record staff keep
    for its address here (`client_for_login` does not, without that proof)."""
    token = CONNECT_LINK.token(scope=business.pk, email=user.email,
                               data={"next": next_path})
    with translation.override(business.language):
        _send_on_commit(
            business=business, to=user.email, template="emails/site_connect.txt",
            subject=_("Connect your account at %(business)s"),
            context={"link": _absolute(_site_url(business, "site-connect", token))})


def read_connect_link(*, business: Business, token: str) -> EmailProof:
    """What a connection link proves, or `ProofRefused` (forged, expired, used)."""
    return CONNECT_LINK.check(token, scope=business.pk)


@transaction.atomic(durable=True)
def connect_client(*, business: Business, token: str, user: User) -> Client:
    """Connect `user`, signed in on the site, to the client record of its proven address.

    The login must be the one of that address: a link opened in someone else's session
    connects nothing.
    """
    proof = read_connect_link(business=business, token=token)
    if user.email.lower() != proof.email:
        raise ValidationError(_("Log in with %(email)s to use this link.")
                              % {"email": proof.email})
    record = _unlinked_record(business, proof.email)
    # Again with the record locked: of two uses at once, the second finds it connected.
    read_connect_link(business=business, token=token)
    if record is None:
        raise ProofRefused(Refusal.USED)
    return link_client_login(business=business, client=record, user=user)
