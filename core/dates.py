"""Dates in sentences that clients read ("on 3 May", "4 May 15:00"), formatted by Babel
for a language, in the business's time zone."""

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time
from django.utils import translation


def _locale(language: str | None) -> str:
    return translation.to_locale(language or translation.get_language() or "en")


def format_day(day: date, language: str | None = None) -> str:
    """`format_day(date(2026, 5, 3), "fr")` -> "3 mai"."""
    return _format_day(day, _locale(language))


@lru_cache(maxsize=4096)
def _format_day(day: date, locale: str) -> str:
    # Batch jobs describe thousands of entries with a handful of days.
    return format_skeleton("dMMMM", day, locale=locale)


def format_moment(moment: datetime, time_zone: str, language: str | None = None) -> str:
    """`format_moment(<UTC 13:00>, "Europe/Paris", "en")` -> "4 May, 15:00"."""
    local = moment.astimezone(ZoneInfo(time_zone))
    locale = _locale(language)
    day = format_skeleton("dMMMM", local, locale=locale)
    return f"{day}, {format_time(local, 'short', locale=locale)}"


def local_day(moment: datetime, time_zone: str) -> date:
    return moment.astimezone(ZoneInfo(time_zone)).date()
