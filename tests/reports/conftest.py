"""Reports tests: helpers to export through the pages as a user does, and to read files."""

import csv
import io

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from openpyxl import load_workbook

from tenancy.models import Role
from tests.test_translations import compiled_catalogs, fresh_translations  # noqa: F401


@pytest.fixture
def manager_browser(client, business, member_of):
    """The test client signed in as a manager of `business`."""
    user = member_of(business, Role.MANAGER).user
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def stored(settings):
    """Export files in memory, in no folder: only the storage API reaches them."""
    settings.STORAGES = {**settings.STORAGES, "exports": {
        "BACKEND": "django.core.files.storage.InMemoryStorage"}}
    return storages["exports"]


def report_url(business, name: str, suffix: str = "") -> str:
    return reverse(f"reports:{name}{suffix}", args=[business.slug])


def body(response) -> bytes:
    return (b"".join(response.streaming_content) if response.streaming
            else response.content)


def export(browser, business, report: str, fmt: str, **filters):
    """Press the export button of a report page; follow the download link it gives."""
    response = browser.post(report_url(business, report, "-export"), {"format": fmt, **filters})
    if response.status_code != 302 or "/download/" not in response["Location"]:
        return response
    return browser.get(response["Location"])


def csv_rows(content: bytes, delimiter: str = ",") -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "the CSV starts with a byte-order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def xlsx_sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}
