"""The one way dates and times are shown: Babel's patterns for a language and a country.

The language says the words (French lower-case "samedi 5 décembre", Ukrainian genitive
"5 грудня"); the business's country, read from its time zone, says the conventions:
English for a Paris salon is "5 Dec 2026, 20:07", not "Dec 5, 2026, 8:07 PM". Every
function takes the language and the time zone, by default the active ones (a view has
activated the business's zone, and the reader's or the business's language).
Templates use the filters of `core/templatetags/dates.py`, never Django's `date`/`time`.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale, localedata
from babel.core import get_global
from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from babel.dates import match_skeleton
from django.utils import timezone, translation


def babel_locale(language: str | None = None, time_zone: str | None = None) -> str:
    """`babel_locale("en", "Europe/Paris")` -> "en_FR"; `("uk", "Europe/Kyiv")` -> "uk_UA"."""
    return _babel_locale(translation.to_locale(language or translation.get_language() or "en"),
                         time_zone or timezone.get_current_timezone_name())


@lru_cache(maxsize=256)
def _babel_locale(language: str, time_zone: str) -> str:
    language = language.split("_")[0]
    territory = get_global("zone_territories").get(time_zone)
    # Babel has no locale for every pair (en_UA): then the continent's English ("en_150",
    # day first and a 24-hour clock in Europe), the international one, the language's own.
    candidates = [f"{language}_{territory}"] if territory else []
    if time_zone.startswith("Europe/"):
        candidates.append(f"{language}_150")
    candidates.append(f"{language}_001")
    return next((name for name in candidates if localedata.exists(name)), language)


def _local(moment: datetime, time_zone: str | None) -> datetime:
    if timezone.is_naive(moment):
        raise ValueError("moment must be a timezone-aware datetime")
    return moment.astimezone(ZoneInfo(time_zone) if time_zone
                             else timezone.get_current_timezone())


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants of local midnight at the start and end of `day` in `tz`."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_day(moment: datetime, time_zone: str) -> date:
    return moment.astimezone(ZoneInfo(time_zone)).date()


def _as_day(value: date | datetime, time_zone: str | None) -> date:
    return _local(value, time_zone).date() if isinstance(value, datetime) else value


_QUOTED = re.compile(r"('[^']*')")
_WEEKDAY = re.compile(r"E+")
_MONTH = re.compile(r"M{3,}")


@lru_cache(maxsize=256)
def _skeleton_pattern(skeleton: str, locale: str, *, widen: bool = False) -> str:
    """The locale's pattern for `skeleton`; `widen` spells its weekday and month in full.

    CLDR often has only the abbreviated pattern ("E d MMM"), and Babel does not widen
    its fields as the CLDR matching rules say, so this does it (outside quoted text).
    """
    patterns = Locale.parse(locale).datetime_skeletons
    pattern = patterns[match_skeleton(skeleton, patterns)].pattern
    if not widen:
        return pattern
    return "".join(part if part.startswith("'") else
                   _MONTH.sub("MMMM", _WEEKDAY.sub("EEEE", part))
                   for part in _QUOTED.split(pattern))


def format_day(value: date | datetime, language: str | None = None,
               time_zone: str | None = None, *, today: date | None = None,
               year: bool = False) -> str:
    """"3 May", "3 mai", "3 травня"; with the year ("3 May 2027") if asked, or when `today`
    is given and is another year's, so that a day months away is not read as this year's."""
    day = _as_day(value, time_zone)
    locale = babel_locale(language, time_zone)
    if year or (today is not None and day.year != today.year):
        return babel_date(day, "long", locale=locale)
    return _format_day(day, locale)


@lru_cache(maxsize=4096)
def _format_day(day: date, locale: str) -> str:
    # Batch jobs describe thousands of entries with a handful of days.
    return babel_date(day, _skeleton_pattern("MMMMd", locale, widen=True), locale=locale)


def format_weekday(value: date | datetime, language: str | None = None,
                   time_zone: str | None = None) -> str:
    """"Saturday, 5 December", "samedi 5 décembre", "субота, 5 грудня": a day soon."""
    locale = babel_locale(language, time_zone)
    return babel_date(_as_day(value, time_zone), _skeleton_pattern("MMMMEEEEd", locale, widen=True),
                      locale=locale)


def _medium(day: date, locale: str, weekday: bool) -> str:
    if weekday:
        return babel_date(day, _skeleton_pattern("yMMMEd", locale), locale=locale)
    return babel_date(day, "medium", locale=locale)


def format_date(value: date | datetime, language: str | None = None,
                time_zone: str | None = None, *, weekday: bool = False) -> str:
    """"5 Dec 2026", "5 déc. 2026" (in tables and lists); with
    `weekday`: "Sat, 5 Dec 2026", "sam. 5 déc. 2026"."""
    return _medium(_as_day(value, time_zone), babel_locale(language, time_zone), weekday)


def format_long_date(value: date | datetime, language: str | None = None,
                     time_zone: str | None = None) -> str:
    """"Saturday, 5 December 2026", "samedi 5 décembre 2026"."""
    return babel_date(_as_day(value, time_zone), "full",
                      locale=babel_locale(language, time_zone))


def format_month(value: date | datetime, language: str | None = None,
                 time_zone: str | None = None) -> str:
    """"December 2026", "décembre 2026", the Ukrainian month in the nominative."""
    locale = babel_locale(language, time_zone)
    return babel_date(_as_day(value, time_zone), _skeleton_pattern("yMMMM", locale, widen=True),
                      locale=locale)


def format_short_day(value: date | datetime, language: str | None = None,
                     time_zone: str | None = None, *, weekday: bool = False) -> str:
    """"5 Dec", "5 déc.", "5 груд." (chart labels, narrow columns); "Sat, 5 Dec"."""
    locale = babel_locale(language, time_zone)
    return babel_date(_as_day(value, time_zone),
                      _skeleton_pattern("MMMEd" if weekday else "MMMd", locale), locale=locale)


def format_time(value: datetime | time, language: str | None = None,
                time_zone: str | None = None) -> str:
    """"20:07" in Paris, "8:07 PM" in New York; a datetime in the business's zone."""
    clock = _local(value, time_zone).time() if isinstance(value, datetime) else value
    return _short_time(clock, babel_locale(language, time_zone))


@lru_cache(maxsize=1024)
def _short_time(clock: time, locale: str) -> str:
    # A busy day's agenda shows the same few dozen times again and again, and Babel is
    # slow at each.
    return babel_time(clock, "short", locale=locale)


def _join(day: str, clock: str, locale: str) -> str:
    pattern = Locale.parse(locale).datetime_formats["medium"]
    return pattern.replace("{1}", day).replace("{0}", clock)


def format_datetime(moment: datetime, language: str | None = None,
                    time_zone: str | None = None, *, weekday: bool = False) -> str:
    """"5 Dec 2026, 20:07" for English in Paris, "5 déc. 2026, 20:07"; with
    `weekday`: "Sat, 5 Dec 2026, 20:07"."""
    local = _local(moment, time_zone)
    locale = babel_locale(language, time_zone)
    return _join(_medium(local.date(), locale, weekday),
                 babel_time(local.time(), "short", locale=locale), locale)


def format_long_datetime(moment: datetime, language: str | None = None,
                         time_zone: str | None = None) -> str:
    """"Saturday, 5 December 2026, 20:07", "samedi 5 décembre 2026, 20:07"."""
    local = _local(moment, time_zone)
    locale = babel_locale(language, time_zone)
    return _join(babel_date(local.date(), "full", locale=locale),
                 babel_time(local.time(), "short", locale=locale), locale)


def format_moment(moment: datetime, time_zone: str | None = None,
                  language: str | None = None, *, weekday: bool = False) -> str:
    """"4 May, 15:00": a time within the year, in sentences; with `weekday`:
    "Monday, 4 May, 15:00", "lundi 4 mai, 15:00"."""
    local = _local(moment, time_zone)
    locale = babel_locale(language, time_zone)
    day = (babel_date(local.date(), _skeleton_pattern("MMMMEEEEd", locale, widen=True),
                      locale=locale) if weekday else _format_day(local.date(), locale))
    return _join(day, babel_time(local.time(), "short", locale=locale), locale)
