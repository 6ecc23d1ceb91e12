"""Descriptions are worded when shown, in the reader's language: staff read their own,
clients the business's; a manual adjustment keeps the words staff typed."""

import pytest
from django.urls import reverse

from loyalty.models import PointsEntry
from loyalty.services import adjustments as loyalty_adjustments
from loyalty.services import crediting as loyalty_crediting
from loyalty.services import program as loyalty_program
from tests.loyalty.conftest import ended, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_credit(business, fan, colour):
    """5 points credited for a visit while the business wrote French."""
    business.language = "fr"
    business.save(update_fields=["language"])
    loyalty_program.set_catalog_points(business=business, service=colour, is_enabled=True, points=5)
    ended(business, fan, colour, hours_ago=4)
    loyalty_crediting.credit_due_appointments()
    entry = PointsEntry.objects.get(client=fan)
    assert entry.description.startswith("5 points pour Colour & cut le ")
    return entry


def test_an_english_staff_member_reads_a_french_credit_in_english(client, business, fan,
                                                                  manager, french_credit):
    manager.language = "en"
    manager.save(update_fields=["language"])
    client.force_login(manager)

    page = client.get(reverse("loyalty:client-history", args=[business.slug, fan.pk]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "5 points for Colour &amp; cut on " in page
    assert "points pour" not in page


def test_the_client_reads_the_business_language(client, business, fan, french_credit):
    signed_in_client(client, business, fan)

    page = client.get(reverse("loyalty:site-loyalty", args=[business.slug]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "5 points pour Colour &amp; cut le " in page


def test_a_manual_adjustment_keeps_the_words_staff_typed(client, business, fan, manager):
    business.language = "fr"
    business.save(update_fields=["language"])
    loyalty_adjustments.adjust_points(business=business, client=fan, points=3,
                                      description="Geste commercial", by=manager)
    manager.language = "en"
    manager.save(update_fields=["language"])
    client.force_login(manager)

    page = client.get(reverse("loyalty:client-history", args=[business.slug, fan.pk])
                      ).content.decode()

    assert "Geste commercial" in page
