"""Absolute links that emails carry: the booking site and the unsubscribe page.

An unsubscribe link works without signing in, so it names the client with a signed
token. The signature's salt includes the business, so that a token of one business
opens nothing at another; it does not expire, because an old email must still let
its reader unsubscribe.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from booking.models import Client
from tenancy.models import Business


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def booking_link(business: Business) -> str:
    return absolute(reverse("booking:site-home", args=[business.slug]))


def _signer(business_id: int) -> signing.Signer:
    return signing.Signer(salt=f"notifications.unsubscribe.{business_id}")


def unsubscribe_token(client: Client) -> str:
    return _signer(client.business_id).sign(str(client.pk))


def client_id_from_token(business: Business, token: str) -> int | None:
    """The client id a token of this business names; None for a forged or foreign one."""
    try:
        return int(_signer(business.pk).unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def unsubscribe_link(client: Client) -> str:
    return absolute(reverse("notifications:unsubscribe",
                            args=[client.business.slug, unsubscribe_token(client)]))
