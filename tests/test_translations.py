"""The French and Ukrainian catalogs: complete, well formed, and really used by the pages.

The .po files are committed; the .mo files are built (`make messages`, or the
`compiled_catalogs` fixture below) and never committed.
"""

import fcntl
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils.html import escape

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["fr", "uk"]
CI = os.environ.get("CI", "").lower() == "true"

# The same command a developer runs (see README): what it does not scan is not the catalogs' job.
IGNORED = [".venv", "var", "tests", "bench", "docs"]
MAKEMESSAGES = [
    "makemessages", *(arg for language in LANGUAGES for arg in ("-l", language)), "--no-obsolete",
    *(f"--ignore={pattern}" for pattern in IGNORED),
]

UKRAINIAN_PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)

# %(name)s / %(count)d, then bare %s / %d, then {{ variable }} and {name}. "%%" is a literal.
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0+]*\d*(?:\.\d+)?[sdifrxXeEgGc]"
    r"|%[-#0+]*\d*(?:\.\d+)?[sdifrxXeEgGc]"
    r"|\{\{\s*\w+\s*\}\}"
    r"|\{\w*\}"
)


def po_path(language: str, root: Path = ROOT) -> Path:
    return root / "locale" / language / "LC_MESSAGES" / "django.po"


def read_catalog(language: str, root: Path = ROOT):
    with po_path(language, root).open("rb") as po_file:
        return read_po(po_file, locale=language, abort_invalid=True)


def messages(catalog):
    return [message for message in catalog if message.id]


def describe(message) -> str:
    msgid = message.id if isinstance(message.id, str) else " | ".join(message.id)
    where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
    context = f" [context {message.context!r}]" if message.context else ""
    return f"{msgid!r}{context} ({where})"


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text.replace("%%", ""))


def placeholder_problem(message) -> str | None:
    """What is wrong with the placeholders of a translated message, or None."""
    if isinstance(message.id, str):
        expected, found = placeholders(message.id), placeholders(message.string)
        positional = [item for item in expected if not item.startswith(("%(", "{"))]
        if Counter(found) != Counter(expected) or \
                [item for item in found if not item.startswith(("%(", "{"))] != positional:
            return f"expected {expected}, found {found}"
        return None
    singular, plural = (set(placeholders(text)) for text in message.id)
    allowed, required = singular | plural, singular & plural
    for index, form in enumerate(message.string):
        found = set(placeholders(form))
        if not required <= found <= allowed:
            return (f"msgstr[{index}] has {sorted(found)}; it needs {sorted(required)} "
                    f"and may use {sorted(allowed)}")
    return None


# Catalog contents ---------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_header_declares_the_language_utf8_and_its_plural_forms(language):
    catalog = read_catalog(language)
    headers = dict(catalog.mime_headers)

    assert headers.get("Language") == language
    assert "charset=utf-8" in headers.get("Content-Type", "").lower()
    assert not catalog.fuzzy, "the header entry is still marked fuzzy"
    if language == "uk":
        assert " ".join(headers.get("Plural-Forms", "").split()) == UKRAINIAN_PLURAL_FORMS


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_in_every_plural_form(language):
    catalog = read_catalog(language)
    offenders = []
    for message in messages(catalog):
        forms = [message.string] if isinstance(message.id, str) else list(message.string)
        if not isinstance(message.id, str) and len(forms) != catalog.num_plurals:
            offenders.append(f"{describe(message)}: {len(forms)} of "
                             f"{catalog.num_plurals} plural forms")
        elif not all(form and form.strip() for form in forms):
            offenders.append(describe(message))

    assert not offenders, (f"{len(offenders)} untranslated message(s) in {language}:\n"
                           + "\n".join(offenders))


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_marked_fuzzy(language):
    offenders = [describe(message) for message in messages(read_catalog(language))
                 if message.fuzzy]

    assert not offenders, (f"{len(offenders)} fuzzy message(s) in {language}: review them "
                           "and remove the fuzzy flag:\n" + "\n".join(offenders))


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_source(language):
    offenders = []
    for message in messages(read_catalog(language)):
        if not message.string or (not isinstance(message.id, str) and not all(message.string)):
            continue  # reported by the untranslated test
        problem = placeholder_problem(message)
        if problem:
            offenders.append(f"{describe(message)}: {problem}")

    assert not offenders, (f"{len(offenders)} message(s) in {language} with wrong "
                           "placeholders:\n" + "\n".join(offenders))


# The catalogs follow the code ---------------------------------------------------------

def _copy_sources(destination: Path) -> None:
    """What makemessages scans in the project, without the ignored folders."""
    skip = shutil.ignore_patterns(".*", "__pycache__", "*.pyc", "*.mo", *IGNORED)
    for entry in ROOT.iterdir():
        if entry.name.startswith(".") or entry.name in IGNORED:
            continue
        if entry.is_dir():
            shutil.copytree(entry, destination / entry.name, ignore=skip, symlinks=True)
        elif entry.is_file():
            shutil.copy2(entry, destination / entry.name)


def test_catalogs_contain_every_message_of_the_source_code(tmp_path):
    if shutil.which("xgettext") is None:
        reason = ("GNU gettext (xgettext, msgmerge) is not installed, so makemessages cannot "
                  "run: apt-get install gettext")
        if CI:
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    committed = {language: po_path(language).read_bytes() for language in LANGUAGES}
    _copy_sources(tmp_path)
    # The copy's own config package must be imported, so that makemessages writes there.
    env = {**os.environ, "DJANGO_DEBUG": "1", "PYTHONPATH": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "config.settings"}

    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False)

    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    assert all(po_path(language).read_bytes() == committed[language] for language in LANGUAGES), \
        "makemessages changed the committed catalogs instead of the temporary copy"
    report = []
    for language in LANGUAGES:
        known = {(message.id, message.context) for message in messages(read_catalog(language))}
        missing = [describe(message) for message in messages(read_catalog(language, tmp_path))
                   if (message.id, message.context) not in known]
        if missing:
            report.append(f"{language}: {len(missing)} message(s) missing:\n  "
                          + "\n  ".join(missing))
    assert not report, (
        "The code has strings that the catalogs lack. Run `DJANGO_DEBUG=1 python manage.py "
        + " ".join(MAKEMESSAGES) + "` and translate them.\n" + "\n".join(report))


# The pages speak the language ---------------------------------------------------------

def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def stale_catalogs() -> list[str]:
    return [language for language in LANGUAGES if not mo_path(language).exists()
            or mo_path(language).stat().st_mtime < po_path(language).stat().st_mtime]


def compile_catalog(language: str) -> subprocess.CompletedProcess:
    """What `make messages` runs for one catalog."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "compile", "-d", "locale", "-D", "django",
         "-l", language], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="session")
def compiled_catalogs(tmp_path_factory):
    """Build the .mo files that are missing or older than their .po, once, even with several
    xdist workers. A fresh .mo is left alone: pybabel rewrites in place, and another worker
    may be reading it."""
    lock_path = tmp_path_factory.getbasetemp().parent / "compile-catalogs.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            results = [compile_catalog(language) for language in stale_catalogs()]
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    failed = [result for result in results if result.returncode != 0]
    assert not failed, "pybabel compile failed:\n" + "\n".join(
        f"{result.stdout}\n{result.stderr}" for result in failed)
    assert not stale_catalogs()


def test_make_messages_compiles_with_pybabel_only_the_catalogs_that_changed(tmp_path):
    for name in ["Makefile", "pyproject.toml", "constraints.txt"]:
        shutil.copy2(ROOT / name, tmp_path / name)
    for language in LANGUAGES:
        shutil.copytree(po_path(language).parent, po_path(language, tmp_path).parent,
                        ignore=shutil.ignore_patterns("*.mo"))
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").touch()
    (tmp_path / ".venv" / ".installed").touch()
    for language in LANGUAGES:
        os.utime(po_path(language, tmp_path), (0, 0))
        po_path(language, tmp_path).with_suffix(".mo").touch()  # newer than its .po
    # Under `make test` this is a sub-make: it must not inherit the outer make's flags.
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("MAKE") and name != "MFLAGS"}

    def planned() -> str:  # what `make messages` would run, without running it
        return subprocess.run(["make", "-n", "messages"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=60, check=True).stdout

    assert "pybabel" not in planned()
    os.utime(po_path("fr", tmp_path))  # the French catalog changed
    assert planned().splitlines() == [".venv/bin/pybabel compile -d locale -D django -l fr"]


@pytest.fixture
def fresh_translations(compiled_catalogs, settings):
    """Make Django reload the catalogs it may have cached before the .mo files existed."""
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)  # setting_changed clears the caches


@pytest.mark.parametrize("language", LANGUAGES)
def test_login_page_is_shown_in_the_browser_language(language, client, db, fresh_translations):
    heading = "Sign in to your back office"
    translated = read_catalog(language)[heading].string
    assert translated
    assert translated != heading

    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language)

    page = response.content.decode()
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert f'<html lang="{language}">' in page
    assert escape(translated) in page
    assert heading not in page
