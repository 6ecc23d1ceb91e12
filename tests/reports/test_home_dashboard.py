"""The back office home's dashboard: each figure's definition at its edges (cancelled,
no-shows, nobody working, refunds), periods, tenancy, and a query count that does not
grow with the rows."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booking.models import Appointment, ScheduleException
from checkout.models import LineKind
from reports import dashboard
from tests.factories import (
    AppointmentFactory,
    ClientFactory,
    ScheduleExceptionFactory,
    ServiceFactory,
    StaffMemberFactory,
    WorkingHoursFactory,
)
from tests.reports.test_sales import paid_invoice

pytestmark = pytest.mark.django_db

MONDAY = date(2030, 3, 11)
NOW = datetime(2030, 3, 20, 12, tzinfo=dashboard.timezone.get_default_timezone())


def at(business, day, hour, minutes=60):
    start = datetime.combine(day, time(hour), tzinfo=business.zone)
    return {"starts_at": start, "ends_at": start + timedelta(minutes=minutes)}


def book(business, staff_member, day, hour, state="completed", *, client=None, minutes=60):
    return AppointmentFactory(business=business, staff_member=staff_member,
                              client=client or ClientFactory(business=business),
                              service=ServiceFactory(business=business), state=state,
                              **at(business, day, hour, minutes))


def week_of(day=MONDAY):
    return dashboard.period_of(dashboard.WEEK, day, language="fr", time_zone="Europe/Paris")


def test_periods_are_the_day_the_week_from_monday_and_the_month():
    wednesday = MONDAY + timedelta(days=2)

    assert dashboard.period_of("day", wednesday).days == [wednesday]
    assert week_of(wednesday).first == MONDAY
    assert week_of(wednesday).last == MONDAY + timedelta(days=6)
    month = dashboard.period_of("month", wednesday)
    assert (month.first, month.last) == (date(2030, 3, 1), date(2030, 3, 31))
    assert month.step(1) == date(2030, 4, 1)
    assert week_of().step(-1) == MONDAY - timedelta(days=7)


def test_bookings_leave_out_cancelled_and_the_no_show_rate_counts_due_appointments(business):
    stylist = StaffMemberFactory(business=business)
    book(business, stylist, MONDAY, 9)
    book(business, stylist, MONDAY, 10, "no_show")
    book(business, stylist, MONDAY, 11, "cancelled")
    book(business, stylist, MONDAY, 12, "booked")  # over by NOW: the client came
    book(business, stylist, MONDAY + timedelta(days=5), 12, "booked")  # still to come
    future_now = datetime.combine(MONDAY + timedelta(days=2), time(12), tzinfo=business.zone)

    figures = dashboard.figures(business=business, period=week_of(), now=future_now)

    assert figures.bookings == 4
    assert (figures.no_shows, figures.attended) == (1, 2)
    assert figures.no_show_rate == pytest.approx(1 / 3)


def test_occupancy_is_booked_hours_over_working_hours_less_time_off(business):
    stylist = StaffMemberFactory(business=business)
    for weekday in range(5):
        WorkingHoursFactory(business=business, staff_member=stylist, weekday=weekday,
                            start_time=time(9), end_time=time(17))
    ScheduleExceptionFactory(business=business, staff_member=stylist, date=MONDAY,
                             kind=ScheduleException.Kind.TIME_OFF)
    book(business, stylist, MONDAY + timedelta(days=1), 9, minutes=120)
    book(business, stylist, MONDAY + timedelta(days=1), 14, "no_show")
    book(business, stylist, MONDAY + timedelta(days=1), 15, "cancelled")

    figures = dashboard.figures(business=business, period=week_of(), now=NOW)

    assert figures.working_hours == 32  # four days of eight hours, Monday off
    assert figures.booked_hours == 2  # no-shows and cancellations hold no time
    assert figures.occupancy == pytest.approx(2 / 32)


def test_nobody_working_gives_no_occupancy_and_nothing_due_no_rates(business):
    figures = dashboard.figures(business=business, period=week_of(), now=NOW)

    assert figures.working_hours == 0
    assert figures.occupancy is None
    assert figures.no_show_rate is None
    assert figures.rebooking_rate is None


def test_new_clients_had_no_visit_before_the_period_returning_ones_had(business):
    stylist = StaffMemberFactory(business=business)
    regular, newcomer, gone = (ClientFactory(business=business) for _n in range(3))
    book(business, stylist, MONDAY - timedelta(days=30), 10, client=regular)
    book(business, stylist, MONDAY, 10, client=regular)
    book(business, stylist, MONDAY, 11, client=newcomer)
    book(business, stylist, MONDAY + timedelta(days=1), 11, client=newcomer)
    # A cancelled visit before does not make a client a returning one.
    book(business, stylist, MONDAY - timedelta(days=3), 10, "cancelled", client=gone)
    book(business, stylist, MONDAY, 12, client=gone)

    figures = dashboard.figures(business=business, period=week_of(), now=NOW)

    assert (figures.new_clients, figures.returning_clients) == (2, 1)


def test_a_visit_is_rebooked_when_the_next_appointment_was_made_on_its_day(business):
    stylist = StaffMemberFactory(business=business)
    rebooker, later, noshow = (ClientFactory(business=business) for _n in range(3))
    first = book(business, stylist, MONDAY, 10, client=rebooker)
    following = book(business, stylist, MONDAY + timedelta(days=28), 10, "booked",
                     client=rebooker)
    other = book(business, stylist, MONDAY, 12, client=later)
    after_days = book(business, stylist, MONDAY + timedelta(days=21), 10, "booked",
                      client=later)
    book(business, stylist, MONDAY, 14, "no_show", client=noshow)
    made = Appointment.objects.for_business(business)
    made.filter(pk=following.pk).update(created_at=first.ends_at + timedelta(minutes=5))
    made.filter(pk=after_days.pk).update(created_at=other.ends_at + timedelta(days=2))

    figures = dashboard.figures(business=business, period=week_of(), now=NOW)

    assert (figures.rebooked, figures.completed) == (1, 2)
    assert figures.rebooking_rate == 0.5


def test_revenue_is_net_of_refunds_without_gift_cards_sold(business):
    paid_invoice(business, day=MONDAY, lines=[
        (LineKind.SERVICE, "80.00", {"refunded_amount": "20.00"}),
        (LineKind.GIFT_CARD, "50.00", {})])
    paid_invoice(business, day=MONDAY - timedelta(days=1),
                 lines=[(LineKind.SERVICE, "999.00", {})])

    figures = dashboard.figures(business=business, period=week_of(), now=NOW)

    assert figures.revenue == Decimal("60.00")


def test_another_business_is_never_counted(business, other_business):
    theirs = StaffMemberFactory(business=other_business)
    WorkingHoursFactory(business=other_business, staff_member=theirs, weekday=0)
    book(other_business, theirs, MONDAY, 10)
    paid_invoice(other_business, day=MONDAY, lines=[(LineKind.SERVICE, "80.00", {})])

    figures = dashboard.figures(business=business, period=week_of(), now=NOW)

    assert (figures.bookings, figures.revenue, figures.working_hours) == (0, Decimal("0"), 0)
    assert dashboard.top_staff(business=business, period=week_of()) == []
    assert list(dashboard.agenda(business=business, day=MONDAY)) == []


def home(business):
    return reverse("booking:backoffice-home", args=[business.slug])


def fill(business, visits: int):
    """`visits` completed and paid visits this week, spread over three stylists."""
    today = dashboard.timezone.localdate(timezone=business.zone)
    week = dashboard.period_of("week", today)
    team = [StaffMemberFactory(business=business) for _n in range(3)]
    for member in team:
        WorkingHoursFactory(business=business, staff_member=member, weekday=0)
    for n in range(visits):
        day = week.first + timedelta(days=n % 7)
        appointment = book(business, team[n % 3], day, 8 + n // 21 % 12)
        paid_invoice(business, day=day, lines=[(LineKind.SERVICE, "30.00", {
            "service": appointment.service, "appointment": appointment})])


def queries_of_home(client, business) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(home(business), {"period": "week"})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_query_count_does_not_grow_with_the_rows(client, business, owner):
    client.force_login(owner)
    fill(business, 3)
    queries_of_home(client, business)  # the first visit also notes the business in the session
    few = queries_of_home(client, business)
    fill(business, 40)

    assert queries_of_home(client, business) == few


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["Today's agenda", "Net sales", "Rebooking rate", "€"]),
    ("fr", ["Le programme du jour", "Ventes nettes", "Taux de reprise de rendez-vous", "€"]),
    ("uk", ["Записи на сьогодні", "Чисті продажі", "Частка повторних записів", "EUR"]),
])
def test_the_home_reads_in_the_users_language_with_its_charts(client, business, owner,
                                                              language, words):
    fill(business, 3)
    client.force_login(owner)

    page = client.get(home(business), {"period": "month"},
                      HTTP_ACCEPT_LANGUAGE=language).content.decode()

    for word in words:
        assert word in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 2


def test_todays_agenda_links_each_appointment(client, business, staff):
    stylist = StaffMemberFactory(business=business, name="Zoé")
    today = dashboard.timezone.localdate(timezone=business.zone)
    appointment = book(business, stylist, today, 10, "booked")
    client.force_login(staff)

    page = client.get(home(business)).content.decode()

    assert reverse("booking:appointment-detail", args=[business.slug, appointment.pk]) in page
    assert "Zoé" in page


def test_todays_agenda_reads_as_the_desks_list_of_times_clients_and_states(client, business,
                                                                           staff):
    # Given today's visits: one done, one whose client is here, one started, one cancelled
    stylist = StaffMemberFactory(business=business, name="Zoé")
    today = dashboard.timezone.localdate(timezone=business.zone)
    now = dashboard.timezone.now()
    done = book(business, stylist, today, 9, "completed", minutes=45)
    here = book(business, stylist, today, 10, "booked")
    here.arrived_at = now
    here.save()
    started = book(business, stylist, today, 11, "booked")
    started.arrived_at = started.started_at = now
    started.save()
    book(business, stylist, today, 12, "cancelled")
    client.force_login(staff)

    page = client.get(home(business)).content.decode()

    # Then each row says its start and end, client, service, staff member and state, in order
    agenda = page[page.index('<ol class="agenda">'):page.index("</ol>")]
    assert [agenda.index(f">{hour}:00<") for hour in ("09", "10", "11", "12")] == sorted(
        agenda.index(f">{hour}:00<") for hour in ("09", "10", "11", "12"))
    assert ">09:45<" in agenda
    assert f"{done.client.first_name} {done.client.last_name}" in agenda
    assert done.service.name in agenda
    for state, label in [("completed", "Completed"), ("arrived", "Arrived"),
                         ("started", "In progress"), ("cancelled", "Cancelled")]:
        assert f'agenda-item agenda-{state}"' in agenda
        assert f'<span class="agenda-state">{label}</span>' in agenda


def test_a_bad_period_is_said_and_the_week_shown(client, business, owner):
    client.force_login(owner)

    response = client.get(home(business), {"period": "year", "date": "someday"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a date as YYYY-MM-DD." in page
    assert 'aria-current="page">Week<' in page
