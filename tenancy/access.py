"""The one way a back office view gets its business: from the URL, with the user's
membership and role checked.

`/manage/<slug>/...` through `backoffice_view`. A business the user does not work at
answers exactly like one that does not exist.
"""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tenancy import selectors
from tenancy.models import Business, Role

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
