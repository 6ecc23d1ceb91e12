"""Values formatted for an email, in the business's language and time zone.

Callers of `notify` format what they pass (a template only pastes text): these are
the helpers for it, so that every email writes dates and numbers alike.
"""

from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from django.utils import translation

from booking.models import Business


def _locale(business: Business) -> str:
    return translation.to_locale(business.language)


def local_datetime(moment: datetime, *, business: Business) -> str:
    """"Tuesday, May 5, 2026, 10:00 AM", "mardi 5 mai 2026, 10:00": the weekday spelled out,
    the wall-clock time of the business's zone (right on both sides of a DST change)."""
    if moment.tzinfo is None:
        raise ValueError("moment must be a timezone-aware datetime")
    local = moment.astimezone(business.zone)
    locale = _locale(business)
    pattern = Locale.parse(locale).datetime_formats["medium"]
    return pattern.replace("{1}", format_date(local.date(), "full", locale=locale)).replace(
        "{0}", format_time(local.time(), "short", locale=locale))


def local_time(moment: datetime, *, business: Business) -> str:
    """"10:00 AM", "10:00", in the business's zone."""
    return format_time(moment.astimezone(business.zone).time(), "short", locale=_locale(business))


def local_date(day: date | datetime, *, business: Business) -> str:
    """"May 5, 2026", "5 mai 2026"; a datetime is first moved to the business's zone."""
    if isinstance(day, datetime):
        day = day.astimezone(business.zone).date()
    return format_date(day, "long", locale=_locale(business))


def number(value: int, *, business: Business) -> str:
    """"1,200", "1 200": points and counts with the language's digit grouping."""
    return format_decimal(value, locale=_locale(business))


def signed_number(value: int, *, business: Business) -> str:
    """A change of points, its sign always shown: "+20", and a minus sign for "-5"."""
    text = number(abs(value), business=business)
    return f"+{text}" if value >= 0 else f"\N{MINUS SIGN}{text}"
