"""The back office home: today's agenda, and the figures of a day, a week or a month
(reports/dashboard.py defines and reads them), with their charts drawn on the server."""

from datetime import time

from babel.numbers import format_decimal, format_percent
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from booking.models import AppointmentState
from core import dates
from core.money import format_money
from core.replica import reads_from_replica
from reports import charts, dashboard
from reports.forms import DashboardForm


def _period_label(period: dashboard.Period) -> str:
    if period.kind == dashboard.DAY:
        return dates.format_long_date(period.first)
    if period.kind == dashboard.WEEK:
        return _("%(first)s to %(last)s") % {"first": dates.format_date(period.first),
                                             "last": dates.format_date(period.last)}
    return dates.format_month(period.first)


def _charts(business, period: dashboard.Period, locale: str) -> tuple[str, str]:
    buckets = dashboard.timeline(business=business, period=period)
    if period.kind == dashboard.DAY:
        labels = [dates.format_time(time(bucket.key)) for bucket in buckets]
        unit = _("per hour")
    else:
        labels = [dates.format_short_day(bucket.key, weekday=period.kind == dashboard.WEEK)
                  for bucket in buckets]
        unit = _("per day")
    label = _period_label(period)
    revenue = charts.bar_chart(
        chart_id="revenue-chart",
        title=_("Net sales %(unit)s (%(currency)s)") % {"unit": unit,
                                                          "currency": business.currency},
        description=_("Net sales %(unit)s, %(period)s.") % {"unit": unit, "period": label},
        labels=labels, number=lambda value: format_decimal(value, locale=locale),
        series=[charts.Series(_("Net sales"), [float(b.revenue) for b in buckets])])
    bookings = charts.bar_chart(
        chart_id="bookings-chart", title=_("Bookings %(unit)s") % {"unit": unit},
        description=_("Appointments %(unit)s, cancelled ones excepted, %(period)s.")
        % {"unit": unit, "period": label},
        labels=labels, number=lambda value: format_decimal(value, locale=locale),
        series=[charts.Series(_("Bookings"), [b.bookings for b in buckets], "#0969da")])
    return revenue, bookings


def _share(value: float | None, locale: str) -> str:
    # One decimal: an occupancy of 0.4 % is not 0 %.
    return "—" if value is None else format_percent(round(value, 3), locale=locale,
                                                    decimal_quantization=False)


def _stats(business, figures: dashboard.Figures, locale: str) -> list[dict]:
    number = lambda value: format_decimal(value, locale=locale)  # noqa: E731
    hours = lambda value: format_decimal(round(value, 1), locale=locale)  # noqa: E731
    working = round(figures.working_hours)
    return [
        {"key": "revenue", "label": _("Net sales"),
         "value": format_money(figures.revenue, business.currency),
         "help": _("Services and products of invoices paid in the period, after discounts, "
                   "less refunds; gift cards sold are left out.")},
        {"key": "bookings", "label": _("Bookings"), "value": number(figures.bookings),
         "help": _("Appointments starting in the period, cancelled ones excepted.")},
        {"key": "occupancy", "label": _("Occupancy"),
         "value": _share(figures.occupancy, locale),
         "detail": (ngettext("%(booked)s of %(working)s working hour booked",
                             "%(booked)s of %(working)s working hours booked", working)
                    % {"booked": hours(figures.booked_hours), "working": number(working)}
                    if figures.working_hours else _("Nobody works in this period.")),
         "help": _("Hours of booked and completed appointments over the hours the staff "
                   "work (their week, extra hours, less time off).")},
        {"key": "no-shows", "label": _("No-show rate"),
         "value": _share(figures.no_show_rate, locale),
         "detail": ngettext("%(count)s no-show", "%(count)s no-shows", figures.no_shows)
         % {"count": number(figures.no_shows)},
         "help": _("No-shows among the appointments that were due: no-shows and visits "
                   "(completed, or booked and over).")},
        {"key": "new-clients", "label": _("New clients"), "value": number(figures.new_clients),
         "help": _("Clients whose first appointment is in the period.")},
        {"key": "returning-clients", "label": _("Returning clients"),
         "value": number(figures.returning_clients),
         "help": _("Clients with an appointment in the period who had come before.")},
        {"key": "rebooking", "label": _("Rebooking rate"),
         "value": _share(figures.rebooking_rate, locale),
         "detail": ngettext("%(rebooked)s of %(count)s completed visit",
                            "%(rebooked)s of %(count)s completed visits", figures.completed)
         % {"rebooked": number(figures.rebooked), "count": number(figures.completed)},
         "help": _("Completed visits in the period after which the client booked another "
                   "appointment before leaving: one made on the day of the visit, for a "
                   "later time.")},
    ]


def _agenda(business, today) -> list[dict]:
    """Today's appointments for the desk: their times and state worded (a booked client
    who arrived or whose service started says so) and their link made once each."""
    states = dict(AppointmentState.choices)
    rows = []
    for row in dashboard.agenda(business=business, day=today):
        state = row["state"]
        if state == AppointmentState.BOOKED and row["started_at"]:
            state, label = "started", pgettext("agenda state", "In progress")
        elif state == AppointmentState.BOOKED and row["arrived_at"]:
            state, label = "arrived", pgettext("agenda state", "Arrived")
        else:
            label = states.get(state, state)
        rows.append({**row, "state": state, "state_label": label,
                     "time": dates.format_time(row["starts_at"]),
                     "end": dates.format_time(row["ends_at"]),
                     "url": reverse("booking:appointment-detail",
                                    args=[business.slug, row["pk"]])})
    return rows


@reads_from_replica
def home(request):
    """Called by booking's home view (booking.hooks), which checked the membership."""
    business = request.business
    locale = translation.to_locale(translation.get_language())
    today = timezone.localdate(timezone=business.zone)
    form = DashboardForm(request.GET)
    valid = form.is_valid()
    kind = (form.cleaned_data.get("period") if valid else "") or dashboard.WEEK
    day = (form.cleaned_data.get("date") if valid else None) or today
    period = dashboard.period_of(kind, day)
    figures = dashboard.figures(business=business, period=period)
    revenue_chart, bookings_chart = _charts(business, period, locale)
    return render(request, "reports/home.html", {
        "form": form,
        "period": period,
        # The day the tabs keep: today's day, week and month, or those of the day chosen.
        "anchor": day,
        "period_label": _period_label(period),
        "tabs": [(value, label, value == kind) for value, label in form.fields["period"].choices],
        "previous_day": period.step(-1), "next_day": period.step(1),
        "holds_today": period.first <= today <= period.last, "today": today,
        "stats": _stats(business, figures, locale),
        # The charts escape every text they draw (reports/charts.py).
        "revenue_chart": mark_safe(revenue_chart),  # noqa: S308
        "bookings_chart": mark_safe(bookings_chart),  # noqa: S308
        "top_services": dashboard.top_services(business=business, period=period),
        "top_staff": dashboard.top_staff(business=business, period=period),
        "agenda": _agenda(business, today),
    })
