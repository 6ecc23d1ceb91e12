"""A number followed by a noun takes the plural form of that number, in every language:
Ukrainian has three (1 and 21 бал, 2 бали, 5 балів)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import translation

from booking import confirmation
from loyalty import selectors
from loyalty.models import EntryKind
from loyalty.services import ledger as loyalty_ledger
from loyalty.services import program as loyalty_program
from tenancy.models import Role
from tests.factories import AppointmentFactory
from tests.loyalty.conftest import signed_in_client
from tests.test_translations import (  # noqa: F401
    compiled_catalogs,
    fresh_translations,
    read_catalog,
)

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 12, 5, 9, tzinfo=UTC)
# n -> Ukrainian form: one (1, 21), few (2), many (5).
UKRAINIAN = [(1, 0), (2, 1), (5, 2), (21, 0)]


@pytest.fixture
def kyiv(business):
    business.language, business.time_zone = "uk", "Europe/Kyiv"
    business.save(update_fields=["language", "time_zone"])
    return business


def settings_page(client, business, member_of, pending, monkeypatch) -> str:
    monkeypatch.setattr(selectors, "pending_in_business", lambda **_kwargs: pending)
    client.force_login(member_of(business, Role.MANAGER).user)
    return client.get(reverse("loyalty:settings", args=[business.slug])).content.decode()


@pytest.mark.parametrize(("clients", "points", "sentence"), [
    (1, 1, "Right now 1 client has 1 pending point:"),
    (1, 5, "Right now 1 client has 5 pending points:"),
    (2, 21, "Right now 2 clients have 21 pending points in all:"),
])
def test_the_settings_review_counts_pending_points_and_clients_each_in_its_plural(
        client, business, member_of, monkeypatch, clients, points, sentence):
    page = settings_page(client, business, member_of, {"clients": clients, "points": points},
                         monkeypatch)

    assert sentence in page


@pytest.mark.parametrize(("number", "form"), UKRAINIAN)
def test_the_settings_review_in_ukrainian(client, business, member_of, monkeypatch,
                                          fresh_translations, number, form):  # noqa: F811
    catalog = read_catalog("uk")
    points = catalog.get(("%(count)s pending point", "%(count)s pending points"))
    sentence = catalog.get((
        "Right now %(clients)s client has %(points)s: they follow the rules in force when "
        "they are credited.",
        "Right now %(clients)s clients have %(points)s in all: they follow the rules in force "
        "when they are credited."))
    assert points.string[form]
    assert sentence.string[form]
    user = member_of(business, Role.MANAGER).user
    user.language = "uk"
    user.save(update_fields=["language"])
    monkeypatch.setattr(selectors, "pending_in_business",
                        lambda **_kwargs: {"clients": number, "points": number})
    client.force_login(user)

    page = client.get(reverse("loyalty:settings", args=[business.slug])).content.decode()

    pending = points.string[form] % {"count": number}
    assert sentence.string[form] % {"clients": number, "points": pending} in page


@pytest.mark.parametrize(("number", "words"), [
    (1, "1 бал згорить 15 грудня"), (2, "2 бали згорять 15 грудня"),
    (5, "5 балів згорять 15 грудня"), (21, "21 бал згорить 15 грудня")])
def test_ukrainian_expiry_lines_take_the_form_of_their_number_and_the_genitive_month(
        client, kyiv, fan, manager, fresh_translations, number, words):  # noqa: F811
    loyalty_program.update_program(business=kyiv, expiry_months=12)
    with time_machine.travel(TODAY, tick=False):
        loyalty_ledger.post_entry(business=kyiv, client=fan, kind=EntryKind.ADJUST, points=number,
                            description="gift", created_by=manager,
                            now=TODAY + timedelta(days=10) - relativedelta(months=12))
        signed_in_client(client, kyiv, fan)
        page = client.get(reverse("loyalty:site-loyalty", args=[kyiv.slug])).content.decode()

    assert words in page


@pytest.mark.parametrize(("hours", "words"), [
    (1, "за 1 годину"), (2, "за 2 години"), (5, "за 5 годин"), (21, "за 21 годину")])
def test_the_cancellation_notice_in_ukrainian_takes_the_form_of_its_hours(
        kyiv, fan, fresh_translations, hours, words):  # noqa: F811
    kyiv.cancellation_notice_hours = hours
    appointment = AppointmentFactory(business=kyiv, client=fan,
                                     starts_at=TODAY + timedelta(days=3))

    with translation.override("uk"):
        line = confirmation.cancellation_line(business=kyiv, appointment=appointment,
                                              online=True, now=TODAY)

    assert words in line
