"""The reports part of the demo: one export in Atelier Lumière's log, made once."""

import pytest

from demo import reports as demo_reports
from reports.models import ExportAudit
from tenancy.models import Role
from tests.factories import BusinessFactory, ClientFactory, StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_logs_one_export_of_the_clients_report_once():
    atelier = BusinessFactory(slug="atelier-lumiere")
    manager = UserFactory(email="manager@salonbook.test")
    StaffMembershipFactory(business=atelier, user=manager, role=Role.MANAGER)
    ClientFactory.create_batch(3, business=atelier)

    demo_reports.load({"atelier-lumiere": atelier})
    demo_reports.load({"atelier-lumiere": atelier})

    entry = ExportAudit.objects.for_business(atelier).get()
    assert (entry.user, entry.report, entry.format, entry.row_count) == (manager, "clients",
                                                                         "xlsx", 3)
