"""Values formatted for an email, in the business's language and time zone.

Callers of `notify` format what they pass (a template only pastes text): these are
the helpers for it, so that every email writes dates and numbers alike.
"""

from datetime import date, datetime

from babel.numbers import format_decimal
from django.utils import translation

from core import dates
from tenancy.models import Business


def _locale(business: Business) -> str:
    return translation.to_locale(business.language)


def local_datetime(moment: datetime, *, business: Business) -> str:
    """"Tuesday, 5 May 2026, 10:00" (English in Paris), "mardi 5 mai 2026, 10:00": the
    weekday spelled out, the wall-clock time of the business's zone."""
    return dates.format_long_datetime(moment, business.language, business.time_zone)


def local_time(moment: datetime, *, business: Business) -> str:
    """"10:00" in Paris, "10:00 AM" in New York, in the business's zone."""
    return dates.format_time(moment, business.language, business.time_zone)


def local_date(day: date | datetime, *, business: Business) -> str:
    """"5 May 2026", "5 mai 2026"; a datetime is first moved to the business's zone."""
    return dates.format_day(day, business.language, business.time_zone, year=True)


def number(value: int, *, business: Business) -> str:
    """"1,200", "1 200": points and counts with the language's digit grouping."""
    return format_decimal(value, locale=_locale(business))


def signed_number(value: int, *, business: Business) -> str:
    """A change of points, its sign always shown: "+20", and a minus sign for "-5"."""
    text = number(abs(value), business=business)
    return f"+{text}" if value >= 0 else f"\N{MINUS SIGN}{text}"
