"""The kinds, their variables and default wording: what other apps code against."""

from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.utils import translation

from notifications import formatting, rendering
from notifications.defaults import DEFAULTS
from notifications.kinds import (
    COMMON_VARIABLES,
    CONTEXT_VARIABLES,
    MARKETING_KINDS,
    VARIABLE_HELP,
    MessageKind,
    variables,
)
from tests.factories import BusinessFactory

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def test_the_loyalty_kinds_are_the_marketing_ones():
    assert {kind.value for kind in MARKETING_KINDS} == {
        "points_credited", "balance_updated", "reward_unlocked", "points_expiring"}


def test_callers_pass_the_variables_of_the_published_interface():
    assert {kind: set(names) for kind, names in CONTEXT_VARIABLES.items()} == {
        "booking_confirmed": {"service", "date", "staff", "loyalty_line", "cancellation_line"},
        "booking_cancelled": {"service", "date", "staff"},
        "waitlist_offered": {"service", "date", "offer_link", "offer_expires"},
        "points_credited": {"points", "balance", "service", "description"},
        "balance_updated": {"points", "balance", "description"},
        "reward_unlocked": {"reward_code", "reward_name", "reward_expires", "balance"},
        "gift_card_issued": {"gift_card_code", "gift_card_value", "gift_card_expires",
                             "purchaser_name", "message"},
        "points_expiring": {"points", "expiry_date", "balance"},
        "receipt": {"receipt_number", "receipt_date", "receipt_lines", "receipt_total",
                    "receipt_payments"},
    }
    assert set(COMMON_VARIABLES) == {"client_name", "business_name", "booking_link",
                                     "unsubscribe_link"}


def test_every_variable_is_explained_in_the_editor():
    used = {name for kind in MessageKind for name in variables(kind)}

    assert used == set(VARIABLE_HELP)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_default_parses_with_its_kinds_variables_in_every_language(kind, language):
    with translation.override(language):
        subject, body = str(DEFAULTS[kind].subject), str(DEFAULTS[kind].body)

    for text in (subject, body):
        rendering.validate(kind, text)
    assert "\n" not in subject


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(MessageKind))
def test_the_preview_has_a_sample_for_every_variable(kind):
    business = BusinessFactory(language="fr")

    with translation.override("fr"):
        samples = rendering.sample_context(kind, business)

    assert set(samples) == set(variables(kind))
    assert all(samples.values())


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "time_zone", "expected"), [
    ("en", "Europe/Paris", "Tuesday, 5 May 2026, 10:00"),
    ("en", "America/New_York", "Tuesday, May 5, 2026, 4:00\N{NARROW NO-BREAK SPACE}AM"),
    ("fr", "Europe/Paris", "mardi 5 mai 2026, 10:00"),
    ("uk", "Europe/Paris",
     "вівторок, 5 травня 2026\N{NARROW NO-BREAK SPACE}\N{CYRILLIC SMALL LETTER ER}., 10:00"),
])
def test_dates_are_written_in_the_business_language_and_zone(language, time_zone, expected):
    # English follows the business's country: day first and a 24-hour clock in France.
    business = BusinessFactory(language=language, time_zone=time_zone)

    text = formatting.local_datetime(datetime(2026, 5, 5, 8, tzinfo=UTC), business=business)

    assert text == expected


@pytest.mark.django_db
def test_numbers_and_signed_changes_follow_the_language():
    business = BusinessFactory(language="fr")

    assert formatting.number(1200, business=business) == "1\N{NARROW NO-BREAK SPACE}200"
    assert formatting.signed_number(-5, business=business) == "\N{MINUS SIGN}5"
    assert formatting.signed_number(20, business=business) == "+20"
    assert formatting.local_date(date(2026, 12, 31), business=business) == "31 décembre 2026"
