"""Booking on the business's site, `/<slug>/...`: a service at a free time or a seat in a
class, the confirmation, and the client's own appointments.

`site_view` activates the business's language and zone, so `timezone.localdate()` and the
templates' dates and times are the business's.
"""

import functools
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from booking import confirmation, selectors
from booking.access import client_required, site_view
from booking.codes import resolve_booking_code
from booking.forms_site import CodeForm, GuestCodeForm, GuestForm, day_from, start_from, start_param
from booking.models import (
    Appointment,
    AppointmentState,
    ClassSession,
    Client,
    Service,
    StaffMember,
    WaitlistEntry,
)
from booking.services import appointments as appointment_services
from booking.services import clients as client_services
from booking.services import site_booking as site_booking_services
from booking.services.site_booking import GuestDetailsRefused
from core import dates
from core.errors import add_form_errors, one_line
from core.tenancy import get_for_business_or_404
from tenancy.models import Business, Extension

# Appointments this browser booked as a guest: their confirmation pages open for it.
BOOKED_SESSION_KEY = "site_booked_appointments"
# How far an empty day looks for the next day with free times (one availability call).
LOOK_AHEAD_DAYS = 14
ANY = "any"
OPEN_WAITLIST = (WaitlistEntry.State.WAITING, WaitlistEntry.State.OFFERED)


def _url(request, name: str, *args, query: dict | None = None) -> str:
    url = reverse(f"booking:{name}", args=[request.business.slug, *args])
    return f"{url}?{urlencode(query)}" if query else url


def _login_on(business: Business) -> bool:
    return business.has_extension(Extension.CLIENT_LOGIN)


def _with_client_login(view_func):
    """A page of client accounts: not found on a site without Client login."""

    @functools.wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not _login_on(request.business):
            raise Http404(_("This business does not offer client accounts."))
        return view_func(request, *args, **kwargs)

    return wrapper


def _signed_in_client(request) -> Client | None:
    """The client booking from this browser on a site with Client login: signed in on
    this business's site (a sign-in at another business's site does not count here)."""
    if request.client is not None or not request.site_signed_in:
        return request.client
    return client_services.client_for_login(business=request.business, user=request.user)


def _to_login(request, next_url: str):
    return redirect(_url(request, "site-login", query={"next": next_url}))


def _account_step(request, next_url: str):
    """Where a visitor of a site with Client login goes before booking: to log in, or to
    the emailed link that connects their login to the client record of their address.
    None when they can book (`request.client` is then set)."""
    if not request.site_signed_in:
        return _to_login(request, next_url)
    request.client = _signed_in_client(request)
    if request.client is None:
        return redirect(_url(request, "site-connect-sent"))
    return None


def _remember_booking(request, appointment: Appointment) -> None:
    booked = request.session.get(BOOKED_SESSION_KEY, [])
    request.session[BOOKED_SESSION_KEY] = [*booked, appointment.pk][-20:]


def _booking_window(business: Business, now: datetime) -> tuple[datetime, datetime]:
    """The first and last start the site takes: minimum notice and booking horizon."""
    return (now + timedelta(minutes=business.minimum_notice_minutes),
            now + timedelta(days=business.booking_horizon_days))


# A service: staff, day, slot ----------------------------------------------------------

def _bookable_service(request, service_pk) -> Service:
    return get_for_business_or_404(Service, request.business, pk=service_pk, is_active=True)


def _performers(business: Business, service: Service) -> list[StaffMember]:
    return list(selectors.performers(business=business, service=service)
                .order_by("position", "name", "pk"))


def _staff_choice(value: str | None, performers: list[StaffMember]
                  ) -> tuple[StaffMember | None, bool]:
    """The performer a link names (None for "any"), and whether the link named a valid one."""
    if value in (None, "", ANY):
        return None, True
    chosen = next((person for person in performers if str(person.pk) == value), None)
    return chosen, chosen is not None


def _staff_key(staff_member: StaffMember | None) -> str:
    return ANY if staff_member is None else str(staff_member.pk)


def _slots_url(request, service: Service, staff_key: str, day: date | None = None) -> str:
    query = {"staff": staff_key, **({"day": day.isoformat()} if day else {})}
    return _url(request, "site-book-service", service.pk, query=query)


def _confirm_url(request, service: Service, staff_key: str, start: datetime) -> str:
    return _url(request, "site-book-confirm", service.pk,
                query={"start": start_param(start), "staff": staff_key})


@site_view
def book_service(request, service_pk):
    business = request.business
    service = _bookable_service(request, service_pk)
    performers = _performers(business, service)
    staff_member, known = _staff_choice(request.GET.get("staff"), performers)
    problems = [] if known else [_("Choose a staff member from the list.")]
    now = timezone.now()
    today = timezone.localdate(now)
    not_before, until = _booking_window(business, now)
    last_day = timezone.localdate(until)
    raw_day = request.GET.get("day", "")
    day = day_from(raw_day) if raw_day else today
    if day is None:
        problems.append(_("Enter the day as a date, e.g. %(example)s.")
                        % {"example": today.isoformat()})
        day = today
    elif day < today:
        problems.append(_("This day has passed; here is today."))
        day = today
    elif day > last_day:
        problems.append(_("Online booking is open up to %(date)s.")
                        % {"date": dates.format_day(last_day, today=today)})
        day = last_day
    by_day = selectors.availability(
        business=business, service=service, start_day=day, days=LOOK_AHEAD_DAYS,
        staff_member_id=staff_member and staff_member.pk, not_before=not_before)
    bookable = {d: [slot for slot in slots if slot.start <= until] for d, slots in by_day.items()}
    next_free_day = None if bookable[day] else next(
        (d for d in sorted(bookable) if d > day and bookable[d]), None)
    staff_key = _staff_key(staff_member)
    return render(request, "site/book_service.html", {
        "service": service, "performers": performers, "staff_member": staff_member,
        "staff_key": staff_key, "any": ANY, "problems": problems,
        "day": day, "today": today, "last_day": last_day,
        "previous_url": _slots_url(request, service, staff_key, day - timedelta(days=1))
        if day > today else None,
        "next_url": _slots_url(request, service, staff_key, day + timedelta(days=1))
        if day < last_day else None,
        "slots": [(slot.start, _confirm_url(request, service, staff_key, slot.start))
                  for slot in bookable[day]],
        "next_free_day": next_free_day,
        "next_free_url": next_free_day and _slots_url(request, service, staff_key, next_free_day),
        "look_ahead_days": LOOK_AHEAD_DAYS,
    })


def _is_offered(business: Business, service: Service, staff_member: StaffMember | None,
                start: datetime, not_before: datetime) -> bool:
    day = timezone.localdate(start)
    slots = selectors.availability(business=business, service=service, start_day=day,
                                   staff_member_id=staff_member and staff_member.pk,
                                   not_before=not_before)[day]
    return any(slot.start == start for slot in slots)


@site_view
def confirm_service(request, service_pk):
    business = request.business
    service = _bookable_service(request, service_pk)
    staff_member, known = _staff_choice(request.GET.get("staff"),
                                        _performers(business, service))
    staff_key = _staff_key(staff_member)
    start = start_from(request.GET.get("start"))
    if not known or start is None:
        messages.error(request, _("Choose a time from the list."))
        return redirect(_slots_url(request, service, staff_key))
    not_before, until = _booking_window(business, timezone.now())
    in_window = not_before <= start <= until
    # Only a start inside the window has a local day to go back to (year 9999 has none).
    slots_url = _slots_url(request, service, staff_key,
                           timezone.localdate(start) if in_window else None)
    # A POST leaves the check to the booking service, whose refusal says what happened.
    if request.method != "POST" and not (
            in_window and _is_offered(business, service, staff_member, start, not_before)):
        messages.error(request, _("This time is no longer available. Please choose another one."))
        return redirect(slots_url)
    login_on = _login_on(business)
    form = (CodeForm if login_on else GuestCodeForm)(
        request.POST if request.method == "POST" else None)
    if request.method == "POST":
        step = _account_step(request, request.get_full_path()) if login_on else None
        if step is not None:
            return step
        if form.is_valid():
            booked = _book_service(request, form, service=service, staff_member=staff_member,
                                   start=start, retry_url=slots_url)
            if booked is not None:
                return booked
    return render(request, "site/book_confirm.html", {
        "service": service, "staff_member": staff_member, "start": start, "form": form,
        "end": start + timedelta(minutes=service.duration_minutes),
        "login_on": login_on, "next": request.get_full_path(), "change_url": slots_url})


def _code_accepted(request, form, *, client: Client | None, service: Service) -> bool:
    """Check the code before anything is written, so that a refusal shows on the form;
    the booking service applies it again, authoritatively, in its transaction."""
    code = form.cleaned_data.get("code")
    if not code:
        return True
    try:
        resolve_booking_code(business=request.business, client=client, service=service,
                             price=service.price, code=code)
    except ValidationError as refusal:
        add_form_errors(form, refusal)
        return False
    return True


def _book_service(request, form, *, service: Service, staff_member: StaffMember | None,
                  start: datetime, retry_url: str):
    """Book from the confirm form: a redirect, or None with the form's errors set."""
    business = request.business
    guest = form.guest() if isinstance(form, GuestForm) else None
    if guest is None:
        client = _signed_in_client(request)
    else:
        # A known guest's code is checked as theirs; a new guest's client record is
        # written with the booking, in one transaction, so a refusal leaves none behind.
        client = (Client.objects.for_business(business)
                  .filter(email__iexact=guest["email"]).first())
    if not _code_accepted(request, form, client=client, service=service):
        return None
    try:
        appointment = site_booking_services.book_online(
            business=business, service=service, start=start, staff_member=staff_member,
            client=client, guest=guest, code=form.cleaned_data.get("code", ""),
            booked_by=request.user if request.site_signed_in else None)
    except GuestDetailsRefused as refusal:
        add_form_errors(form, refusal)
        return None
    except ValidationError as refusal:
        messages.error(request, one_line(refusal))
        return redirect(retry_url)
    _remember_booking(request, appointment)
    return redirect(_url(request, "site-appointment", appointment.pk))


# A seat in a class ---------------------------------------------------------------------

def _class_session(request, class_session_pk) -> ClassSession:
    return get_object_or_404(ClassSession.objects.for_business(request.business)
                             .select_related("class_type", "staff_member"), pk=class_session_pk)


def _open_waitlist_entry(business: Business, session: ClassSession, client: Client | None
                         ) -> WaitlistEntry | None:
    if client is None:
        return None
    return (WaitlistEntry.objects.for_business(business)
            .filter(class_session=session, client=client, state__in=OPEN_WAITLIST).first())


@site_view
def class_session(request, class_session_pk):
    business = request.business
    session = _class_session(request, class_session_pk)
    class_url = _url(request, "site-class-session", session.pk)
    login_on = _login_on(business)
    form = None if login_on else GuestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        step = _account_step(request, class_url) if login_on else None
        if step is not None:
            return step
        if form is None or form.is_valid():
            booked = _book_seat(request, form, session=session, retry_url=class_url)
            if booked is not None:
                return booked
    now = timezone.now()
    client = request.client if login_on else None
    entry = _open_waitlist_entry(business, session, client)
    held = (entry is not None and entry.state == WaitlistEntry.State.OFFERED
            and entry.offer_expires_at > now)
    return render(request, "site/class_session.html", {
        "session": session, "form": form, "login_on": login_on, "next": class_url,
        "bookable": (not session.is_cancelled and session.class_type.is_active
                     and session.starts_at > now),
        "seats_left": max(session.capacity - selectors.seats_taken(
            business=business, class_session=session), 0),
        "my_seat": client and (Appointment.objects.for_business(business).holding()
                               .filter(class_session=session, client=client).first()),
        "waitlist_entry": entry, "held": held})


def _book_seat(request, form: GuestForm | None, *, session: ClassSession, retry_url: str):
    """Take a seat (or the seat held for this client): a redirect, or None with the form's
    errors set."""
    try:
        appointment = site_booking_services.book_seat_online(
            business=request.business, class_session=session,
            client=_signed_in_client(request) if form is None else None,
            guest=None if form is None else form.guest(),
            booked_by=request.user if request.site_signed_in else None)
    except GuestDetailsRefused as refusal:
        add_form_errors(form, refusal)
        return None
    except ValidationError as refusal:
        messages.error(request, one_line(refusal))
        return redirect(retry_url)
    _remember_booking(request, appointment)
    return redirect(_url(request, "site-appointment", appointment.pk))


@require_POST
@site_view
@_with_client_login
def join_waitlist(request, class_session_pk):
    session = _class_session(request, class_session_pk)
    class_url = _url(request, "site-class-session", session.pk)
    step = _account_step(request, class_url)
    if step is not None:
        return step
    try:
        appointment_services.join_waitlist(business=request.business,
                                           client=_signed_in_client(request),
                                           class_session=session)
    except ValidationError as refusal:
        messages.error(request, one_line(refusal))
    else:
        messages.success(request, _("You are on the waitlist. If a seat frees up, it is held "
                                    "for you for a while."))
    return redirect(class_url)


@require_POST
@site_view
@_with_client_login
def leave_waitlist(request, class_session_pk):
    session = _class_session(request, class_session_pk)
    class_url = _url(request, "site-class-session", session.pk)
    if request.client is None:
        return _to_login(request, class_url)
    entry = _open_waitlist_entry(request.business, session, request.client)
    if entry is None:
        raise Http404(_("You are not on this waitlist."))
    offered = entry.state == WaitlistEntry.State.OFFERED
    appointment_services.leave_waitlist(business=request.business, entry=entry)
    messages.success(request, _("You declined the seat.") if offered
                     else _("You have left the waitlist."))
    return redirect(class_url)


# The confirmation and the client's appointments ---------------------------------------

def _own_appointment(request, appointment_pk) -> Appointment:
    """An appointment of the signed-in client, or one this browser just booked as a guest;
    anyone else's is "not found", like one that does not exist."""
    appointment = get_object_or_404(
        Appointment.objects.for_business(request.business)
        .select_related("service", "class_session__class_type", "staff_member"),
        pk=appointment_pk)
    mine = request.client is not None and appointment.client_id == request.client.pk
    if not (mine or appointment.pk in request.session.get(BOOKED_SESSION_KEY, [])):
        raise Http404(_("No such appointment."))
    return appointment


@site_view
def appointment_detail(request, appointment_pk):
    appointment = _own_appointment(request, appointment_pk)
    my_appointments = _login_on(request.business) and request.client is not None
    return render(request, "site/appointment.html", {
        "appointment": appointment, "booked": appointment.state == AppointmentState.BOOKED,
        "my_appointments": my_appointments,
        "cancellation_line": confirmation.cancellation_line(
            business=request.business, appointment=appointment, online=my_appointments)})


@site_view
def appointment_calendar(request, appointment_pk):
    """The appointment as an .ics file to add to the client's calendar."""
    appointment = _own_appointment(request, appointment_pk)
    business = request.business
    response = HttpResponse(confirmation.appointment_ics(appointment),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{business.slug}-booking.ics"'
    return response


@site_view
@_with_client_login
@client_required
def my_appointments(request):
    business = request.business
    now = timezone.now()
    rows = list(selectors.client_appointments(business=business, client=request.client)
                .select_related("business"))
    upcoming = sorted((a for a in rows if a.ends_at > now), key=lambda a: (a.starts_at, a.pk))
    for appointment in upcoming:
        appointment.client_can_cancel = selectors.can_client_cancel(appointment, now=now)
    waitlist = (WaitlistEntry.objects.for_business(business)
                .filter(client=request.client, state__in=OPEN_WAITLIST,
                        class_session__starts_at__gt=now)
                .select_related("class_session__class_type")
                .order_by("class_session__starts_at", "pk"))
    return render(request, "site/my_appointments.html", {
        "upcoming": upcoming, "past": [a for a in rows if a.ends_at <= now],
        "waitlist": waitlist, "now": now})


@require_POST
@site_view
@_with_client_login
def cancel_appointment(request, appointment_pk):
    my_url = _url(request, "site-my-appointments")
    if request.client is None:
        return _to_login(request, my_url)
    appointment = get_object_or_404(
        Appointment.objects.for_business(request.business).filter(client=request.client),
        pk=appointment_pk)
    try:
        appointment_services.cancel_appointment(business=request.business,
                                                appointment=appointment, by=request.user,
                                                by_client=True)
    except ValidationError as refusal:
        messages.error(request, one_line(refusal))
    else:
        messages.success(request, _("Your appointment is cancelled."))
    return redirect(my_url)
