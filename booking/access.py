"""The one way a view gets its business: from the URL, with the user's right to it checked.

Back office: `/manage/<slug>/...` through `backoffice_view`; booking site:
`/<slug>/...` through `site_view`. A business the user does not work at answers
exactly like one that does not exist.
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booking import selectors
from booking.models import Business, Role

LAST_BUSINESS_SESSION_KEY = "backoffice_business"


def backoffice_view(view=None, *, role: Role = Role.STAFF):
    """Decorate a back office view taking `slug`; sets request.business and request.membership."""

    def decorate(view_func):
        @functools.wraps(view_func)
        def wrapper(request, slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            business = Business.objects.filter(slug=slug).first()
            membership = business and selectors.active_membership(business=business,
                                                                  user=request.user)
            if membership is None:
                raise Http404(_("No such business."))
            if not membership.has_role(role):
                raise PermissionDenied(_("Only owners and managers can open this page."))
            timezone.activate(business.zone)
            request.business = business
            request.membership = membership
            request.memberships = selectors.memberships_of(request.user)
            if request.session.get(LAST_BUSINESS_SESSION_KEY) != business.slug:
                request.session[LAST_BUSINESS_SESSION_KEY] = business.slug
            return view_func(request, *args, **kwargs)

        wrapper.backoffice_role = role
        return wrapper

    return decorate(view) if view is not None else decorate


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
