"""Exports of a report through its page: exactly the filtered rows, streamed when small,
in the business's CSV convention and the user's language, and logged."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from booking.models import AppointmentState
from reports.models import ExportAudit, ExportJob
from tenancy.models import Business
from tests.factories import AppointmentFactory, ClientFactory, UserFactory
from tests.reports.conftest import body, csv_rows, export, report_url, xlsx_sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(business):
    return [ClientFactory(business=business, first_name=first, last_name=last, email=email,
                          phone=phone)
            for first, last, email, phone in [
                ("Léa", "Dubois", "lea@example.com", "+33 6 12 34 56 78"),
                ("Hugo", "Bernard", "hugo@example.com", ""),
                ("=HYPERLINK(\"http://x\")", "Attaque", "x@example.com", "-1"),
            ]]


def visit(business, client, when, **values):
    return AppointmentFactory(business=business, client=client, starts_at=when,
                              ends_at=when + timedelta(hours=1), busy_from=when,
                              busy_until=when + timedelta(hours=1),
                              state=AppointmentState.COMPLETED, **values)


def test_a_small_export_streams_exactly_the_filtered_rows_and_logs_it(manager_browser,
                                                                       business, clients):
    response = export(manager_browser, business, "clients", "csv", q="bernard")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="atelier-test-')
    rows = csv_rows(body(response))
    assert rows[0] == ["Last name", "First name", "Email", "Phone", "Visits", "Last visit",
                       "Spend (EUR)", "Points balance"]
    assert rows[1:] == [["Bernard", "Hugo", "hugo@example.com", "", "0", "", "0.00", "0"]]
    entry = ExportAudit.objects.for_business(business).get()
    assert entry.user == manager_browser.user
    assert (entry.report, entry.format, entry.row_count) == ("clients", "csv", 1)
    assert entry.filter_summary == {"q": "bernard"}
    assert not entry.background


def test_the_export_neutralises_formulas_but_keeps_numbers(manager_browser, business,
                                                           clients):
    visit(business, clients[2], timezone.now() - timedelta(days=3))

    content = body(export(manager_browser, business, "clients", "xlsx", q="Attaque"))

    rows = xlsx_sheets(content)["Clients"]
    assert rows[1][:4] == ("Attaque", "'=HYPERLINK(\"http://x\")", "x@example.com", "'-1")
    assert rows[1][4] == 1
    assert isinstance(rows[1][5], datetime)


def test_a_french_business_gets_semicolons_and_decimal_commas(manager_browser, business,
                                                              clients):
    business.language = "fr"
    business.save(update_fields=["language"])

    content = body(export(manager_browser, business, "clients", "csv", q="Dubois"))

    rows = csv_rows(content, delimiter=";")
    assert rows[1] == ["Dubois", "Léa", "lea@example.com", "'+33 6 12 34 56 78", "0", "",
                       "0,00", "0"]


def test_headers_are_in_the_users_language(manager_browser, business, clients,
                                           fresh_translations):
    user = manager_browser.user
    user.language = "fr"
    user.save(update_fields=["language"])

    rows = csv_rows(body(export(manager_browser, business, "clients", "csv")))

    assert rows[0][:4] == ["Nom", "Prénom", "E-mail", "Téléphone"]


def test_the_xlsx_of_all_clients_has_dates_and_numbers(manager_browser, business, clients):
    when = timezone.now().replace(microsecond=0) - timedelta(days=2)
    visit(business, clients[0], when)

    response = export(manager_browser, business, "clients", "xlsx")

    rows = xlsx_sheets(body(response))["Clients"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert [row[0] for row in rows[1:]] == ["Attaque", "Bernard", "Dubois"]
    dubois = rows[3]
    assert dubois[4] == 1
    assert dubois[5] == timezone.localtime(when, business.zone).replace(tzinfo=None)
    assert dubois[6] == 0


def test_a_csv_date_time_is_written_in_the_business_time_zone(manager_browser, business,
                                                               clients):
    when = timezone.now().replace(microsecond=0) - timedelta(days=2)
    visit(business, clients[0], when)

    rows = csv_rows(body(export(manager_browser, business, "clients", "csv", q="Dubois")))

    assert rows[1][5] == f"{timezone.localtime(when, business.zone):%Y-%m-%d %H:%M:%S}"
    assert str(business.zone) != "UTC"


def test_an_invalid_filter_is_shown_on_the_page_and_exports_nothing(manager_browser,
                                                                    business, clients):
    response = export(manager_browser, business, "clients", "csv", date_from="2025-05-10",
                      date_to="2025-05-01")

    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    assert not ExportAudit.objects.exists()


def test_an_unknown_format_is_refused(manager_browser, business, clients):
    response = export(manager_browser, business, "clients", "pdf")

    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()


def test_a_download_link_works_only_for_the_user_who_asked(manager_browser, business,
                                                           member_of, clients):
    given = manager_browser.post(report_url(business, "clients", "-export"), {"format": "csv"})
    colleague = member_of(business, "manager").user
    manager_browser.force_login(colleague)

    response = manager_browser.get(given["Location"])

    assert response.status_code == 404


def test_a_tampered_download_link_is_not_found(manager_browser, business, clients):
    given = manager_browser.post(report_url(business, "clients", "-export"), {"format": "csv"})

    response = manager_browser.get(given["Location"] + "x")

    assert response.status_code == 404


def test_above_the_threshold_an_export_becomes_a_background_job(manager_browser, business,
                                                                clients, settings):
    settings.REPORTS_STREAM_MAX_ROWS = 2

    response = manager_browser.post(report_url(business, "clients", "-export"),
                                    {"format": "xlsx", "q": "e"})

    job = ExportJob.objects.for_business(business).get()
    assert response.status_code == 302
    assert response["Location"] == report_url(business, "clients") + "?q=e"
    assert (job.report, job.format, job.filters, job.rows_total) == ("clients", "xlsx",
                                                                     {"q": "e"}, 3)
    assert job.requested_by == manager_browser.user
    page = manager_browser.get(response["Location"]).content.decode()
    assert "The export of 3 rows is being prepared" in page
    assert f'id="export-job-{job.pk}"' in page
    assert "<progress" in page
    assert 'hx-trigger="every 1s"' in page


def test_the_export_log_lists_who_exported_what_and_how_many_rows(manager_browser, business,
                                                                  clients):
    body(export(manager_browser, business, "clients", "csv", q="Dubois",
                date_from="2025-01-01"))

    page = manager_browser.get(report_url(business, "export-log")).content.decode()

    assert manager_browser.user.full_name in page
    assert "Client: Dubois" in page
    assert "From: 2025-01-01" in page
    assert '<td class="num">1</td>' in page


def test_the_export_log_shows_only_this_business(manager_browser, business, other_business):
    stranger = UserFactory(full_name="Someone Elsewhere")
    ExportAudit.objects.create(business=other_business, user=stranger,
                               user_email=stranger.email, report="clients", format="csv",
                               row_count=Decimal(7))

    page = manager_browser.get(report_url(business, "export-log")).content.decode()

    assert "Someone Elsewhere" not in page
    assert "No export yet." in page


# Committed, as in a running site: the write comes from another connection.
@pytest.mark.django_db(transaction=True)
def test_other_writes_go_through_while_a_streamed_export_is_being_read(manager_browser,
                                                                      business, clients):
    # Given a download that has sent its first chunk and waits for the reader
    response = export(manager_browser, business, "clients", "csv")
    chunks = iter(response.streaming_content)
    first = next(chunks)

    # When another connection writes meanwhile (waiting 2 s at most for the database)
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    if other.vendor == "sqlite":
        other.settings_dict = {**other.settings_dict,
                               "OPTIONS": {**other.settings_dict["OPTIONS"], "timeout": 2}}
    try:
        with other.cursor() as cursor:
            cursor.execute(f"UPDATE {Business._meta.db_table} SET name = %s "  # noqa: S608
                           "WHERE id = %s", ["Atelier Renamed", business.pk])
    finally:
        other.close()

    # Then the write is done, and the download ends with every row
    lines = csv_rows(first + b"".join(chunks))
    business.refresh_from_db()
    assert business.name == "Atelier Renamed"
    assert len(lines) == 1 + len(clients)
