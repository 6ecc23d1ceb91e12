"""The reports part of the demo: at Atelier Lumière, the manager already exported the
clients report once, so the export log shows what it records.

Made through the service that logs a streamed export; found before being made, so
loading twice changes nothing.
"""

from accounts.models import User
from reports import services
from reports.definitions import CLIENTS
from reports.models import ExportAudit, ExportFormat
from tenancy.models import Business


def load(businesses: dict[str, Business]) -> None:
    atelier = businesses["atelier-lumiere"]
    manager = User.objects.filter(email="manager@salonbook.test").first()
    if manager is None or ExportAudit.objects.for_business(atelier).exists():
        return
    rows = CLIENTS.export_rows(business=atelier, filters={}).count()
    services.record_export(business=atelier, user=manager, report=CLIENTS.name,
                           fmt=ExportFormat.XLSX, filter_summary={}, row_count=rows)
