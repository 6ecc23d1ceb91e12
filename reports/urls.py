"""Back office pages of reports, under /manage/<slug>/reports/ (included from config/urls.py).

Each report has its page, its export (POST) and its download link; the report's name
is fixed in each route, so that every URL names only the business and object ids.
"""

from django.urls import path

from reports import views, views_commissions
from reports.definitions import REPORTS

app_name = "reports"

BASE = "manage/<slug:slug>/reports/"
JOB = f"{BASE}exports/<int:export_job_pk>/"

urlpatterns = [
    path(BASE, views.index, name="index"),
    path(f"{BASE}loyalty/", views.dashboard, name="dashboard"),
    path(f"{BASE}exports/", views.export_log, name="export-log"),
    path(JOB, views.export_job, name="export-job"),
    path(f"{JOB}download/", views.export_download, name="export-download"),
    path(f"{BASE}commissions/rates/", views_commissions.commission_rates,
         name="commission-rates"),
    path(f"{BASE}commissions/rates/<int:commission_rate_pk>/remove/",
         views_commissions.commission_rate_remove, name="commission-rate-remove"),
]
for name in REPORTS:
    urlpatterns += [
        path(f"{BASE}{name}/", views.report_page, {"report_name": name}, name=name),
        path(f"{BASE}{name}/export/", views.report_export, {"report_name": name},
             name=f"{name}-export"),
        path(f"{BASE}{name}/download/", views.report_stream, {"report_name": name},
             name=f"{name}-stream"),
    ]
