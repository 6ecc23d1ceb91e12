"""The business's booking site, `/<slug>/`, in the business's language."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import throttling
from booking import catalog_selectors
from booking.access import client_required, remember_site_sign_in, site_view
from booking.forms import SiteProfileForm, SiteSignUpForm
from booking.models import Extension, Service, WaitlistEntry
from booking.services import clients as client_services
from booking.views.backoffice import add_form_errors
from core.navigation import local_path

# The home page lists the class sessions of this many days.
HOME_CLASS_DAYS = 14


def _require_client_login(business) -> None:
    if not business.has_extension(Extension.CLIENT_LOGIN):
        raise Http404(_("This business does not offer client accounts."))


def _safe_next(request, default: str) -> str:
    return local_path(request, request.POST.get("next") or request.GET.get("next") or "") \
        or default


def _upcoming_class_sessions(business, now) -> list:
    """Sessions of the next days still open to booking, each with `seats_left`: two queries."""
    today = timezone.localdate(now)
    sessions = list(catalog_selectors.class_sessions(
        business=business, first_day=today, last_day=today + timedelta(days=HOME_CLASS_DAYS - 1))
        .filter(is_cancelled=False, class_type__is_active=True, starts_at__gt=now))
    # Seats held by waitlist offers are taken too, as the booking service counts them.
    held = dict(WaitlistEntry.objects.for_business(business)
                .filter(class_session__in=[s.pk for s in sessions],
                        state=WaitlistEntry.State.OFFERED)
                .values("class_session").annotate(held=Count("pk"))
                .values_list("class_session", "held")) if sessions else {}
    for session in sessions:
        session.seats_left = max(session.capacity - session.seats_taken
                                 - held.get(session.pk, 0), 0)
    return sessions


@site_view
def home(request):
    business = request.business
    return render(request, "site/home.html", {
        "services": Service.objects.for_business(business).active(),
        "class_sessions": _upcoming_class_sessions(business, timezone.now())})


@site_view
def sign_up(request):
    business = request.business
    _require_client_login(business)
    form = SiteSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = client_services.sign_up_client(business=business, **form.cleaned_data)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            login(request, client.user, backend="accounts.throttling.ThrottledModelBackend")
            remember_site_sign_in(request, business)
            messages.success(request, _("Welcome, %(name)s!") % {"name": client.first_name})
            return redirect(_safe_next(request, f"/{business.slug}/profile/"))
    return render(request, "site/signup.html", {"form": form})


@site_view
def log_in(request):
    business = request.business
    _require_client_login(business)
    error = None
    if request.method == "POST":
        email = request.POST.get("email", "")
        locked_for = throttling.seconds_locked_out(request, email)
        user = None if locked_for else authenticate(
            request, username=email, password=request.POST.get("password", ""))
        if locked_for:
            error = throttling.lockout_message(locked_for)
        elif user is None:
            error = _("This email and password do not match an account.")
        else:
            login(request, user)
            remember_site_sign_in(request, business)
            client_services.client_for_login(business=business, user=user)
            return redirect(_safe_next(request, f"/{business.slug}/profile/"))
    return render(request, "site/login.html",
                  {"error": error, "email": request.POST.get("email", ""),
                   "next": request.GET.get("next", "")})


@require_POST
@site_view
def log_out(request):
    logout(request)
    return redirect("booking:site-home", slug=request.business.slug)


@site_view
@client_required
def profile(request):
    client = request.client
    form = SiteProfileForm(request.POST or None, initial={
        "first_name": client.first_name, "last_name": client.last_name, "phone": client.phone,
        "marketing_opt_in": client.marketing_opt_in})
    if request.method == "POST" and form.is_valid():
        try:
            client_services.update_client(business=request.business, client=client,
                                          **form.cleaned_data)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("booking:site-profile", slug=request.business.slug)
    return render(request, "site/profile.html", {"form": form})
