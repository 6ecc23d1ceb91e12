"""How a booking-site view gets its business and its client: from the URL (`/<slug>/...`,
through `site_view`) and from this session's sign-in to that business's site.

The back office's counterpart, with the membership and role checks, is
`tenancy.access.backoffice_view`.
"""

import functools

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation

from booking import selectors
from tenancy.models import Business

# The businesses whose booking site this session signed in to. One login (an email) may
# be a client at several businesses; signing in on one site must not open another's.
SITE_SIGN_INS = "site_sign_ins"


def remember_site_sign_in(request, business) -> None:
    """Call right after `login()`, which starts a fresh session for a new user."""
    signed_in = request.session.get(SITE_SIGN_INS, [])
    if business.pk not in signed_in:
        request.session[SITE_SIGN_INS] = [*signed_in, business.pk]


def site_view(view_func):
    """Decorate a booking-site view taking `slug`; it speaks the business's language."""

    @functools.wraps(view_func)
    def wrapper(request, slug, *args, **kwargs):
        business = get_object_or_404(Business, slug=slug)
        translation.activate(business.language)
        timezone.activate(business.zone)
        request.LANGUAGE_CODE = business.language
        request.business = business
        request.site_signed_in = (request.user.is_authenticated and
                                  business.pk in request.session.get(SITE_SIGN_INS, []))
        request.client = (selectors.client_of_user(business=business, user=request.user)
                          if request.site_signed_in else None)
        return view_func(request, *args, **kwargs)

    return wrapper


def client_required(view_func):
    """A booking-site page for a signed-in client of this business (inside `site_view`)."""

    @functools.wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if request.client is None and request.site_signed_in:
            # Signed in here without a client: its address has a client record that
            # only the emailed link connects.
            return redirect("booking:site-connect-sent", slug=request.business.slug)
        if request.client is None:
            login_url = reverse("booking:site-login", args=[request.business.slug])
            return redirect(f"{login_url}?next={request.get_full_path()}")
        return view_func(request, *args, **kwargs)

    return wrapper
