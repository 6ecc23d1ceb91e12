"""Dates are shown only through core/dates.py (Babel, language and the business's country):
no template uses Django's `date`/`time` filters, no code formats a date for people with
strftime, Django's formats or Babel directly."""

import ast
import re
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PRODUCT_APPS = ["core", "accounts", "booking", "checkout", "loyalty", "giftcards",
                "notifications", "reports", "demo"]
DATE_MODULE = PROJECT_DIR / "core" / "dates.py"

# `|date`, `|date:"..."`, `|time:"H:i"`, and their humanize cousins.
DJANGO_DATE_FILTERS = re.compile(r"\|\s*(date|time|naturaltime|naturalday)\b(?!_)")
# Formats a machine reads (ISO 8601: 2026-12-05T20:07:00Z, or 20261205-2007 in a file
# name) may use strftime; a clock alone ("%H:%M") is for people (8:07 PM in some countries).
MACHINE_FORMAT = re.compile(r"^%Y-?%m-?%d[%HMSTZ:\- ]*$")
FORBIDDEN_IMPORTS = {"babel.dates", "django.utils.formats", "django.utils.dateformat"}


def template_files():
    yield from sorted((PROJECT_DIR / "templates").rglob("*.html"))
    yield from sorted((PROJECT_DIR / "templates").rglob("*.txt"))
    for app in PRODUCT_APPS:
        yield from sorted((PROJECT_DIR / app).glob("templates/**/*.*"))


def python_files():
    for app in PRODUCT_APPS:
        yield from sorted(path for path in (PROJECT_DIR / app).rglob("*.py")
                          if "migrations" not in path.parts)


def django_date_filters(text: str) -> list[str]:
    return [match.group(0) for match in DJANGO_DATE_FILTERS.finditer(text)]


def display_formatting(source: str) -> list[tuple[int, str]]:
    """strftime or an f-string's format (f"{start:%H:%M}") for people, and imports of other
    date formatters."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FormattedValue) and isinstance(node.format_spec, ast.JoinedStr):
            spec = "".join(part.value for part in node.format_spec.values
                           if isinstance(part, ast.Constant))
            if "%" in spec and not MACHINE_FORMAT.match(spec):
                found.append((node.lineno, "strftime"))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "strftime":
            pattern = node.args[0] if node.args else None
            if not (isinstance(pattern, ast.Constant) and isinstance(pattern.value, str)
                    and MACHINE_FORMAT.match(pattern.value)):
                found.append((node.lineno, "strftime"))
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
            found += [(node.lineno, name) for name in names & FORBIDDEN_IMPORTS]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names
                      if alias.name in FORBIDDEN_IMPORTS]
    return found


def test_no_template_formats_dates_with_django_filters():
    offenders = {str(path.relative_to(PROJECT_DIR)): django_date_filters(path.read_text())
                 for path in template_files()}
    assert {path: found for path, found in offenders.items() if found} == {}


def test_no_code_formats_dates_for_people_outside_core_dates():
    offenders = {str(path.relative_to(PROJECT_DIR)): display_formatting(path.read_text())
                 for path in python_files() if path != DATE_MODULE}
    assert {path: found for path, found in offenders.items() if found} == {}


def test_the_template_detector_finds_django_date_and_time_filters():
    text = ('{{ a|date:"SHORT_DATE_FORMAT" }} {{ b|time:"H:i" }} {{ c | date }} '
            '{{ d|short_date }} {{ e|iso_day }} {{ f|datetime_x }} {{ g|naturaltime }}')
    assert django_date_filters(text) == ['|date', '|time', '| date', '|naturaltime']


def test_the_code_detector_allows_iso_strftime_only():
    source = ('from babel.dates import format_date\n'
              'from django.utils import formats\n'
              'import django.utils.dateformat\n'
              'a = day.strftime("%d/%m/%Y")\n'
              'b = moment.strftime("%Y-%m-%dT%H:%M:%SZ")\n'
              'c = moment.strftime(pattern)\n'
              'd = clock.strftime("%H:%M")\n'
              'e = f"{start:%H:%M}-{end:%Y-%m-%d %H:%M}"\n')
    assert sorted(display_formatting(source)) == [
        (1, "babel.dates"), (2, "django.utils.formats"), (3, "django.utils.dateformat"),
        (4, "strftime"), (6, "strftime"), (7, "strftime"), (8, "strftime")]
