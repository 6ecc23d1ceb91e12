"""The demo data `make run` loads: a new user sees the product working at once."""

import io
import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from booking.models import Appointment, AppointmentState, Client
from demo import sales as demo_sales
from reports import sales
from tenancy.models import Business, Role, StaffMembership

pytestmark = pytest.mark.django_db

PRODUCT_APPS = {"accounts", "booking", "checkout", "loyalty", "giftcards", "notifications",
                "reports", "core"}


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label in PRODUCT_APPS}


def test_loading_the_demo_twice_changes_nothing():
    call_command("load_demo", stdout=io.StringIO())
    first = row_counts()

    call_command("load_demo", stdout=io.StringIO())

    assert row_counts() == first


def test_the_demo_has_two_businesses_a_team_and_clients(capsys):
    call_command("load_demo")

    atelier = Business.objects.get(slug="atelier-lumiere")
    output = capsys.readouterr().out
    assert atelier.loyalty_enabled
    assert atelier.client_login_enabled
    assert StaffMembership.objects.for_business(atelier).filter(role=Role.MANAGER).exists()
    assert Client.objects.for_business(atelier).filter(user__email="claire@example.com").exists()
    assert Business.objects.get(slug="studio-kvitka").language == "uk"
    assert "owner@salonbook.test" in output
    assert "/atelier-lumiere/" in output


# A Monday; the demo's diary counts days from today, and not everyone works every day.
A_MONDAY = datetime(2026, 11, 30, 12, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.mark.parametrize("weekday", range(7))
def test_the_demo_loads_whatever_day_of_the_week_it_is(weekday):
    with time_machine.travel(A_MONDAY + timedelta(days=weekday), tick=False):
        call_command("load_demo", stdout=io.StringIO())

        now = A_MONDAY + timedelta(days=weekday)
        # The diary's appointments, not the month of sales (demo.sales).
        appointments = Appointment.objects.filter(business__slug="atelier-lumiere").exclude(
            notes=demo_sales.NOTE)
        # The diary's six past visits, and what this week's days until noon today did.
        assert appointments.filter(state=AppointmentState.COMPLETED).count() >= 6
        assert appointments.filter(state=AppointmentState.NO_SHOW).exists()
        # The diary's two later bookings, and this afternoon's.
        assert appointments.filter(state=AppointmentState.BOOKED,
                                   starts_at__gt=now + timedelta(days=1)).count() >= 2
        # Today is full across whoever works (everyone on a Sunday), a client already here.
        today = appointments.filter(starts_at__date=now.date())
        assert len(set(today.values_list("staff_member", flat=True))) >= 2
        assert today.count() >= 9
        assert today.filter(arrived_at__isnull=False, state=AppointmentState.BOOKED).exists()
        # Nobody sits in two chairs at once
        held = appointments.exclude(state=AppointmentState.CANCELLED).order_by(
            "client", "starts_at").values_list("client", "starts_at", "ends_at")
        overlaps = [(earlier, later) for earlier, later in itertools.pairwise(held)
                    if earlier[0] == later[0] and later[1] < earlier[2]]
        assert overlaps == []
        # A walk-in booked at the desk later today, as the calendar's panel books one.
        walk_in = today.get(client__first_name="Inès", client__last_name="Roche")
        assert walk_in.starts_at > now
        assert walk_in.booked_by.email == "owner@salonbook.test"
        assert walk_in.is_walk_in


def test_the_demo_has_a_month_of_sales_across_staff_and_tenders_with_commissions():
    call_command("load_demo", stdout=io.StringIO())
    atelier = Business.objects.get(slug="atelier-lumiere")
    today = timezone.localdate(timezone=atelier.zone)
    month = {"date_from": today - timedelta(days=30), "date_to": today}

    by_staff = list(sales.sales_by_staff(business=atelier, **month))
    tenders = {row["tender"] for row in sales.sales_by_payment(business=atelier, **month)}
    days = list(sales.sales_by_day(business=atelier, **month))

    assert len([row for row in by_staff if row["net"] > 0]) >= 2
    assert {"cash", "card"} <= tenders
    assert len(days) >= 15
    assert sales.commission_totals(business=atelier, **month)["commission"] > 0
