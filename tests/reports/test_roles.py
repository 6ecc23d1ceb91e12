"""Who reads reports: every role reads and exports them (the product promises that staff
export reports); adding points from a report stays with owners and managers."""

import pytest
from django.urls import reverse

from loyalty.services import adjustments
from reports.models import ExportJob
from tenancy import services as tenant_services
from tenancy.models import Extension, Role
from tests.factories import ClientFactory
from tests.reports.conftest import body, csv_rows, export, report_url
from tests.reports.test_background_exports import finished_job

pytestmark = pytest.mark.django_db

PAGES = ["index", "dashboard", "export-log", "points", "clients", "gift-cards"]
ADD_POINTS = "/loyalty/points/add/"


@pytest.fixture
def loyal_business(business, manager):
    """Loyalty on, and a client with an entry on the points report."""
    business, _also = tenant_services.set_extension(business=business,
                                                    extension=Extension.LOYALTY, enabled=True)
    camille = ClientFactory(business=business, first_name="Camille", last_name="Martin")
    adjustments.adjust_points(business=business, client=camille, points=5,
                              description="Welcome", by=manager)
    return business


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.STAFF])
@pytest.mark.parametrize("page", PAGES)
def test_every_role_opens_every_report_page(client, business, member_of, role, page):
    client.force_login(member_of(business, role).user)

    response = client.get(report_url(business, page))

    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER, Role.STAFF])
def test_the_menu_links_to_reports_for_every_role(client, business, member_of, role):
    client.force_login(member_of(business, role).user)

    text = client.get(reverse("booking:client-list", args=[business.slug])).content.decode()

    assert f'href="{reverse("reports:index", args=[business.slug])}"' in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_staff_export_a_report(client, business, staff, fmt):
    # Given a client, and a staff member signed in
    ClientFactory(business=business, first_name="Camille", last_name="Martin")
    client.force_login(staff)

    # When they export the clients report
    response = export(client, business, "clients", fmt)

    # Then the file downloads
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    if fmt == "csv":
        assert any("Martin" in row for row in csv_rows(body(response)))


def test_a_large_export_by_staff_runs_in_the_background_for_them(client, business, staff,
                                                                 settings):
    # Given an export larger than what is streamed
    settings.REPORTS_STREAM_MAX_ROWS = 0
    ClientFactory(business=business)
    client.force_login(staff)

    # When a staff member exports
    asked = client.post(report_url(business, "clients", "-export"), {"format": "csv"})

    # Then a job of theirs is queued, and its progress opens for them
    job = ExportJob.objects.for_business(business).get(requested_by=staff)
    progress = client.get(reverse("reports:export-job", args=[business.slug, job.pk]))
    assert asked.status_code == 302
    assert progress.status_code == 200


def test_staff_download_their_background_export_and_not_a_colleague_s(
        client, business, staff, manager, stored):
    mine = finished_job(business, user=staff, content=b"mine")
    theirs = finished_job(business, user=manager)
    client.force_login(staff)

    own = client.get(reverse("reports:export-download", args=[business.slug, mine.pk]))
    other = client.get(reverse("reports:export-download", args=[business.slug, theirs.pk]))

    assert (own.status_code, body(own)) == (200, b"mine")
    assert other.status_code == 404


def test_staff_read_the_points_report_without_add_points(client, loyal_business, staff):
    client.force_login(staff)

    page = client.get(report_url(loyal_business, "points")).content.decode()

    assert "Welcome" in page
    assert ADD_POINTS not in page
    assert "Add more points" not in page


@pytest.mark.parametrize("role", [Role.OWNER, Role.MANAGER])
def test_owners_and_managers_add_points_from_the_points_report(client, loyal_business,
                                                               member_of, role):
    client.force_login(member_of(loyal_business, role).user)

    page = client.get(report_url(loyal_business, "points")).content.decode()

    assert ADD_POINTS in page
    assert "Add more points" in page


def test_staff_still_cannot_adjust_points(client, loyal_business, staff):
    client.force_login(staff)
    adjust = reverse("loyalty:adjust", args=[loyal_business.slug])
    popup = reverse("loyalty:adjust-popup", args=[loyal_business.slug])

    refused = [client.get(adjust).status_code, client.get(popup).status_code,
               client.post(adjust, {"points": "5", "description": "x"}).status_code]

    assert refused == [403, 403, 403]
