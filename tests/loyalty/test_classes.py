"""Classes earn points too: the Loyalty tab of a class sets what a seat earns, and an
attended seat is credited after the delay, described in the business's language."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.models import AppointmentState
from booking.services.appointments import book_class_seat, set_appointment_state
from loyalty import selectors
from loyalty.models import CatalogPoints, EntryKind, PointsEntry
from loyalty.services import crediting, program
from tests.factories import (
    BusinessFactory,
    ClassSessionFactory,
    ClassTypeFactory,
    ClientFactory,
    ServiceFactory,
)
from tests.loyalty.conftest import loyalty_on

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# A class on 3 November 2026, 10:00 to 11:00 in Paris; the job runs at 15:00, past the
# 3 hours' delay.
CLASS_STARTS = datetime(2026, 11, 3, 10, tzinfo=PARIS)
JOB_RUNS = datetime(2026, 11, 3, 15, tzinfo=PARIS)


def class_with_points(business, name: str, points: int):
    class_type = ClassTypeFactory(business=business, name=name)
    program.set_catalog_points(business=business, class_type=class_type, is_enabled=True,
                               points=points)
    return class_type


def attended_seat(business, client, class_type, *, starts_at=CLASS_STARTS, by):
    """A seat booked the day before, in a session marked attended once it started."""
    session = ClassSessionFactory(business=business, class_type=class_type,
                                  starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))
    seat = book_class_seat(business=business, client=client, class_session=session,
                           now=starts_at - timedelta(days=1))
    return set_appointment_state(business=business, appointment=seat,
                                 state=AppointmentState.COMPLETED, by=by,
                                 now=starts_at + timedelta(minutes=30))


def business_speaking(language: str, *, slug: str):
    """A business in `language` with Loyalty on since a week before the class."""
    business = loyalty_on(BusinessFactory(slug=slug, language=language,
                                          time_zone="Europe/Paris"))
    program.on_loyalty_switched(business=business, enabled=True,
                                now=CLASS_STARTS - timedelta(days=7))
    return business


@pytest.fixture
def business(business):
    """The English business, with Loyalty on since a week before the class."""
    program.on_loyalty_switched(business=business, enabled=True,
                                now=CLASS_STARTS - timedelta(days=7))
    return business


def test_the_loyalty_tab_of_a_class_sets_its_points(client, business, manager):
    # Given a class, and a service that earns 2 points
    yoga = ClassTypeFactory(business=business, name="Gentle yoga")
    colour = ServiceFactory(business=business)
    program.set_catalog_points(business=business, service=colour, is_enabled=True, points=2)
    client.force_login(manager)
    tab_url = reverse("loyalty:class-type-points", args=[business.slug, yoga.pk])

    # When the manager opens the class's Loyalty tab from its page and saves 3 points
    details = client.get(reverse("booking:class-type-edit", args=[business.slug, yoga.pk]))
    assert f'href="{tab_url}"' in details.content.decode()
    tab = client.get(tab_url)
    saved = client.post(tab_url, {"is_enabled": "on", "points": "3"}, follow=True)

    # Then the class earns 3 points and the service keeps its own
    assert tab.status_code == 200
    assert "Gentle yoga" in tab.content.decode()
    assert saved.redirect_chain == [(reverse("booking:class-type-list", args=[business.slug]),
                                     302)]
    assert "Loyalty points of Gentle yoga saved." in saved.content.decode()
    row = CatalogPoints.objects.get(class_type=yoga)
    assert (row.is_enabled, row.points, row.service) == (True, 3, None)
    assert CatalogPoints.objects.get(service=colour).points == 2


def test_another_business_s_class_has_no_loyalty_tab_here(client, business, other_business,
                                                         manager):
    theirs = ClassTypeFactory(business=other_business)
    client.force_login(manager)
    tab_url = reverse("loyalty:class-type-points", args=[business.slug, theirs.pk])

    response = client.post(tab_url, {"is_enabled": "on", "points": "3"})

    assert response.status_code == 404
    assert not CatalogPoints.objects.filter(class_type=theirs).exists()


def test_an_attended_class_seat_earns_the_class_points_after_the_delay(business, manager):
    # Given Camille attended a Gentle yoga class worth 3 points
    camille = ClientFactory(business=business)
    yoga = class_with_points(business, "Gentle yoga", 3)
    seat = attended_seat(business, camille, yoga, by=manager)

    # When the crediting job runs past the delay
    credited = crediting.credit_due_appointments(now=JOB_RUNS)

    # Then she earns 3 points, described with the class and the day
    assert credited == 1
    entry = PointsEntry.objects.get(client=camille)
    assert (entry.kind, entry.points, entry.appointment_id) == (EntryKind.EARN, 3, seat.pk)
    assert entry.description == "3 points for Gentle yoga on 3 November"
    assert selectors.balance_of(business=business, client=camille) == 3


def test_a_class_seat_is_pending_until_the_delay_has_passed(business, manager):
    # Given a seat in a class that ended an hour ago
    camille = ClientFactory(business=business)
    yoga = class_with_points(business, "Gentle yoga", 3)
    starts_at = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    seat = attended_seat(business, camille, yoga, starts_at=starts_at, by=manager)

    # When the crediting job runs
    credited = crediting.credit_due_appointments()

    # Then nothing is credited yet: the seat's 3 points are pending until its end + 3 hours
    assert credited == 0
    [pending] = selectors.pending(business=business, client=camille)
    assert (pending.appointment, pending.points) == (seat, 3)
    assert pending.credit_at == seat.ends_at + timedelta(hours=3)
    assert selectors.balance_of(business=business, client=camille) == 0


def test_french_and_ukrainian_businesses_describe_class_points_in_their_language(member_of):
    # Given a French and a Ukrainian business, each with a class seat attended
    paris = business_speaking("fr", slug="atelier-paris")
    kyiv = business_speaking("uk", slug="salon-kyiv")
    amelie, oksana = ClientFactory(business=paris), ClientFactory(business=kyiv)
    attended_seat(paris, amelie, class_with_points(paris, "Yoga doux", 3),
                  by=member_of(paris).user)
    attended_seat(kyiv, oksana, class_with_points(kyiv, "Йога", 3),
                  by=member_of(kyiv).user)

    # When one run of the crediting job credits both
    assert crediting.credit_due_appointments(now=JOB_RUNS) == 2

    # Then each ledger entry speaks its business's language
    assert PointsEntry.objects.get(client=amelie).description == (
        "3 points pour Yoga doux le 3 novembre")
    assert PointsEntry.objects.get(client=oksana).description == "3 бали за «Йога» 3 листопада"


@pytest.mark.parametrize(("language", "points", "description"), [
    ("fr", 1, "1 point pour Pilates le 3 novembre"),
    ("uk", 1, "1 бал за «Pilates» 3 листопада"),
    ("uk", 5, "5 балів за «Pilates» 3 листопада"),
    ("uk", 21, "21 бал за «Pilates» 3 листопада"),
])
def test_class_points_are_described_in_the_plural_form_of_the_language(member_of, language,
                                                                       points, description):
    business = business_speaking(language, slug=f"salon-{language}")
    client = ClientFactory(business=business)
    attended_seat(business, client, class_with_points(business, "Pilates", points),
                  by=member_of(business).user)

    crediting.credit_due_appointments(now=JOB_RUNS)

    assert PointsEntry.objects.get(client=client).description == description
