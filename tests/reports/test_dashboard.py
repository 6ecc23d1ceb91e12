"""The loyalty dashboard: outstanding points by age (oldest spent first), and points
earned, spent and expired per week with active members, as SVG charts."""

from datetime import timedelta

import pytest
from babel.dates import format_skeleton
from django.urls import reverse
from django.utils import timezone

from loyalty.models import EntryKind
from loyalty.services import ledger as ledger_services
from reports import selectors
from tests.factories import ClientFactory
from tests.loyalty.conftest import loyalty_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def business(business):
    return loyalty_on(business)


def post(business, client, kind, points, *, days_ago):
    return ledger_services.post_entry(business=business, client=client, kind=kind,
                                      points=points, description=f"{kind} {points}",
                                      now=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def ledger(business):
    lea, hugo = ClientFactory(business=business), ClientFactory(business=business)
    post(business, lea, EntryKind.EARN, 10, days_ago=400)
    post(business, lea, EntryKind.ADJUST, 5, days_ago=100)
    post(business, lea, EntryKind.EARN, 3, days_ago=10)
    post(business, lea, EntryKind.REDEEM, -12, days_ago=1)
    post(business, hugo, EntryKind.EARN, 8, days_ago=200)
    post(business, hugo, EntryKind.EXPIRE, -1, days_ago=0)
    return lea, hugo


def test_outstanding_points_are_the_newest_credits_by_age(business, ledger):
    ages = selectors.points_liability_by_age(business=business)

    # Léa holds 6: her 3 newest points and 3 of the 5 before; Hugo 7 of his 8.
    assert ages == [3, 3, 7, 0]
    assert sum(ages) == selectors.outstanding_points(business=business) == 13


def test_weeks_sum_earned_spent_expired_and_count_active_members(business, ledger):
    weeks = selectors.weekly_points(business=business)

    assert len(weeks) == 12
    assert weeks[-1].start.weekday() == 0
    assert sum(week.earned for week in weeks) == 3
    assert sum(week.spent for week in weeks) == 12
    assert sum(week.expired for week in weeks) == 1
    assert max(week.members for week in weeks) >= 1
    assert weeks[0].earned == weeks[0].members == 0


def test_the_dashboard_draws_its_charts_in_the_users_language(manager_browser, business,
                                                             ledger):
    user = manager_browser.user
    user.language = "fr"
    user.save(update_fields=["language"])

    response = manager_browser.get(reverse("reports:dashboard", args=[business.slug]))

    text = response.content.decode()
    first = selectors.weekly_points(business=business)[0].start
    assert response.status_code == 200
    assert text.count('role="img"') == 2
    assert 'id="points-per-week"' in text
    assert 'id="members-per-week"' in text
    assert format_skeleton("MMMd", first, locale="fr") in text
    assert "<script" not in text.split("</head>")[1]


def test_the_dashboard_shows_only_this_business(manager_browser, business, ledger,
                                               other_business):
    loyalty_on(other_business)
    post(other_business, ClientFactory(business=other_business), EntryKind.EARN, 500,
         days_ago=1)

    response = manager_browser.get(reverse("reports:dashboard", args=[business.slug]))

    assert response.context["outstanding"] == 13
