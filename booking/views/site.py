"""The business's booking site, `/<slug>/`, in the business's language."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import throttling
from accounts.email_proof import ProofRefused
from booking import catalog_selectors
from booking.access import client_required, remember_site_sign_in, site_view
from booking.forms import SiteFinishSignUpForm, SiteProfileForm, SiteSignUpForm
from booking.models import Service, WaitlistEntry
from booking.services import clients as client_services
from booking.services import site_accounts
from core.errors import add_form_errors, one_line
from core.navigation import local_path
from tenancy.models import Extension

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
        site_accounts.request_sign_up(business=business, **form.cleaned_data,
                                      next_path=_safe_next(request, ""))
        return render(request, "site/check_email.html", {"email": form.cleaned_data["email"]})
    return render(request, "site/signup.html", {"form": form})


def _link_refused(request, refused: ProofRefused, again_url: str):
    """The page of a forged, expired or used link: it says which, and changes nothing."""
    return render(request, "site/link_refused.html",
                  {"reason": refused.reason.value, "again_url": again_url}, status=400)


@site_view
def finish_sign_up(request, token):
    business = request.business
    _require_client_login(business)
    again_url = reverse("booking:site-signup", args=[business.slug])
    try:
        proof = site_accounts.read_sign_up_link(business=business, token=token)
    except ProofRefused as refused:
        return _link_refused(request, refused, again_url)
    form = SiteFinishSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = site_accounts.finish_sign_up(business=business, token=token,
                                                  **form.cleaned_data)
        except ProofRefused as refused:
            return _link_refused(request, refused, again_url)
        except ValidationError as refusal:
            add_form_errors(form, refusal)
        else:
            login(request, client.user, backend="accounts.throttling.ThrottledModelBackend")
            remember_site_sign_in(request, business)
            messages.success(request, _("Welcome, %(name)s!") % {"name": client.first_name})
            return redirect(local_path(request, proof.data.get("next", ""))
                            or f"/{business.slug}/profile/")
    return render(request, "site/signup_finish.html", {"form": form, "email": proof.email})


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
            next_path = _safe_next(request, f"/{business.slug}/profile/")
            connect_sent = reverse("booking:site-connect-sent", args=[business.slug])
            opening_link = next_path.startswith(connect_sent) and next_path != connect_sent
            if (client_services.client_for_login(business=business, user=user) is None
                    and not opening_link):
                site_accounts.request_client_link(business=business, user=user,
                                                  next_path=next_path)
                return redirect("booking:site-connect-sent", slug=business.slug)
            return redirect(next_path)
    return render(request, "site/login.html",
                  {"error": error, "email": request.POST.get("email", ""),
                   "next": request.GET.get("next", "")})


@site_view
def connect_sent(request):
    """A signed-in login whose address has a client record here that it is not connected
    to yet: the link sent to the address connects them."""
    business = request.business
    _require_client_login(business)
    if not request.site_signed_in:
        return redirect("booking:site-login", slug=business.slug)
    if client_services.client_for_login(business=business, user=request.user) is not None:
        return redirect("booking:site-profile", slug=business.slug)
    return render(request, "site/check_email.html", {"email": request.user.email,
                                                     "connecting": True})


@site_view
def connect(request, token):
    business = request.business
    _require_client_login(business)
    login_url = reverse("booking:site-login", args=[business.slug])
    try:
        proof = site_accounts.read_connect_link(business=business, token=token)
    except ProofRefused as refused:
        return _link_refused(request, refused, login_url)
    mine = request.site_signed_in and request.user.email.lower() == proof.email
    if request.method == "POST":
        if not mine:
            return redirect(f"{login_url}?{urlencode({'next': request.path})}")
        try:
            site_accounts.connect_client(business=business, token=token, user=request.user)
        except ProofRefused as refused:
            return _link_refused(request, refused, login_url)
        except ValidationError as refusal:
            messages.error(request, one_line(refusal))
            return redirect("booking:site-home", slug=business.slug)
        messages.success(request, _("Your account is connected to your bookings at "
                                    "%(business)s.") % {"business": business.name})
        return redirect(local_path(request, proof.data.get("next", ""))
                        or f"/{business.slug}/profile/")
    return render(request, "site/connect.html", {
        "email": proof.email, "mine": mine,
        "login_url": f"{login_url}?{urlencode({'next': request.path})}"})


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
