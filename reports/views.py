"""Back office pages of reports: each report with its filters, pages and exports; the
export log; the progress and download of background exports.

Every role reads and exports reports; adding points from a report stays with owners
and managers (its buttons show only to them, and its views refuse the others). An
export posts the page's filters: a small one is redirected to a signed download link
that streams the file; a larger one becomes a background job whose progress bar the
page polls (htmx), with a download link when done. Only the user who asked for a
background export can fetch it.
"""

from tempfile import TemporaryFile
from urllib.parse import urlencode

from babel.numbers import format_decimal
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import dates
from core.replica import on_primary, reads_from_replica
from core.tenancy import get_for_business_or_404
from reports import charts, exporting, selectors, services
from reports.definitions import REPORTS, available_reports, get_report
from reports.forms import ExportForm
from reports.models import ExportFormat, ExportJob, ExportState
from reports.registry import Report, summary_lines
from tenancy.access import backoffice_view

PAGE_SIZE = 50
LOG_PAGE_SIZE = 50
STREAM_SALT = "reports.stream"
# A download link from the export button is good for this long (seconds).
STREAM_MAX_AGE = 300


def _url(request, name: str, *args) -> str:
    return reverse(f"reports:{name}", args=[request.business.slug, *args])


def _report(request, report_name: str) -> Report:
    return get_report(report_name, request.business)


@backoffice_view
def index(request):
    return render(request, "reports/index.html", {
        "reports": [(report, _url(request, report.name))
                    for report in available_reports(request.business)],
    })


def _recent_jobs(request, report: Report) -> list[ExportJob]:
    """From the primary: an export just asked for is listed on the page it redirects to."""
    with on_primary():
        return list(selectors.recent_jobs(business=request.business, user=request.user,
                                          report=report.name))


def _render_report(request, report: Report, form, *, export_form=None, status: int = 200):
    business = request.business
    valid = form.is_valid() if form.is_bound else True
    filters = form.cleaned_data if form.is_bound and valid else {}
    page = totals = None
    if valid:
        page = selectors.keyset_page(
            report.page_rows(business=business, filters=filters), ordering=report.ordering,
            size=PAGE_SIZE, after=request.GET.get("after"), before=request.GET.get("before"))
        report.write_texts(page.rows, business)
        totals = report.totals(business=business, filters=filters) if report.totals else None
    raw = form.raw() if form.is_bound and valid else {}
    return render(request, "reports/report.html", {
        "report": report, "form": form, "page": page, "totals": totals,
        "query": urlencode(raw), "filters": filters,
        # The query string without each filter, for links that drop or replace one.
        "without": {name: urlencode({key: value for key, value in raw.items() if key != name})
                    for name in form.fields},
        "columns": report.export_columns(business),
        "export_form": export_form or ExportForm(),
        "export_filters": raw,
        "export_url": _url(request, f"{report.name}-export"),
        "page_url": _url(request, report.name),
        "jobs": _recent_jobs(request, report),
    }, status=status)


@backoffice_view
@reads_from_replica
def report_page(request, report_name):
    report = _report(request, report_name)
    data = request.GET
    if not any(name in data for name in report.filter_form.base_fields):
        # A page opened without a filter shows the report's default one (if any).
        data = {**(report.default_filters(request.business) if report.default_filters
                   else {}), **data.dict()} or None
    form = report.filter_form(data, business=request.business)
    return _render_report(request, report, form)


@require_POST
@backoffice_view
def report_export(request, report_name):
    business = request.business
    report = _report(request, report_name)
    form = report.filter_form(request.POST, business=business)
    export_form = ExportForm(request.POST)
    if not (form.is_valid() & export_form.is_valid()):  # both, to show every error
        return _render_report(request, report, form, export_form=export_form, status=400)
    fmt = export_form.cleaned_data["format"]
    rows = report.export_rows(business=business, filters=form.cleaned_data).count()
    if rows <= settings.REPORTS_STREAM_MAX_ROWS:
        token = signing.dumps({"business": business.pk, "user": request.user.pk,
                               "format": fmt, "filters": form.raw()},
                              salt=f"{STREAM_SALT}.{report.name}")
        return redirect(f"{_url(request, f'{report.name}-stream')}?{urlencode({'t': token})}")
    services.start_export_job(
        business=business, user=request.user, report=report.name, fmt=fmt,
        filters=form.raw(), filter_summary=form.summary(),
        language=request.LANGUAGE_CODE, rows_total=rows)
    messages.info(request, ngettext(
        "The export of %(count)s row is being prepared: it appears below when ready.",
        "The export of %(count)s rows is being prepared: it appears below when ready.",
        rows) % {"count": rows})
    query = urlencode(form.raw())
    return redirect(f"{_url(request, report.name)}{'?' if query else ''}{query}")


def _streamed(chunks, on_done):
    """Pass the chunks on, then log the export (also when the download is cut short)."""
    try:
        yield from chunks
    finally:
        on_done()


@backoffice_view
@reads_from_replica
def report_stream(request, report_name):
    """The file of a small export, from the signed link that the export button gave."""
    business = request.business
    report = _report(request, report_name)
    try:
        order = signing.loads(request.GET.get("t", ""), salt=f"{STREAM_SALT}.{report.name}",
                              max_age=STREAM_MAX_AGE)
    except signing.BadSignature as refused:
        raise Http404(_("This download link has expired: export again.")) from refused
    if order.get("business") != business.pk or order.get("user") != request.user.pk:
        raise Http404(_("This download link has expired: export again."))
    form = report.filter_form(order.get("filters") or {}, business=business)
    fmt = order.get("format")
    if fmt not in ExportFormat.values or not form.is_valid():
        raise Http404(_("This download link has expired: export again."))
    name = exporting.download_name(report=report, business=business, fmt=fmt)

    def log(row_count: int) -> None:
        services.record_export(business=business, user=request.user, report=report.name,
                               fmt=fmt, filter_summary=form.summary(), row_count=row_count)

    if fmt == ExportFormat.CSV:
        counted = [0]
        chunks = exporting.csv_stream(report=report, business=business,
                                      filters=form.cleaned_data,
                                      on_rows=lambda done: counted.__setitem__(0, done))
        response = StreamingHttpResponse(_streamed(chunks, lambda: log(counted[0])),
                                         content_type=exporting.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
    # A zip is written whole before it can be read: through a temporary file, then streamed.
    target = TemporaryFile()  # noqa: SIM115 - the response closes it when sent
    log(exporting.write_export(target, report=report, business=business,
                               filters=form.cleaned_data, fmt=fmt))
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=name,
                        content_type=exporting.CONTENT_TYPES[fmt])


def _own_job(request, export_job_pk: int) -> ExportJob:
    """A background export of this business asked for by this user; any other is a 404."""
    return get_for_business_or_404(ExportJob, request.business, pk=export_job_pk,
                                   requested_by=request.user)


@backoffice_view
def export_job(request, export_job_pk):
    """A job's progress bar (polled by htmx while it runs), then its download link."""
    job = _own_job(request, export_job_pk)
    template = "reports/_export_job.html" if request.htmx else "reports/export_job.html"
    return render(request, template, {"job": job, "report": REPORTS.get(job.report)})


@backoffice_view
def export_download(request, export_job_pk):
    job = _own_job(request, export_job_pk)
    if job.state != ExportState.DONE or job.expires_at <= timezone.now():
        raise Http404(_("This export is no longer available: export again."))
    try:
        stored = services.export_storage().open(job.file_name, "rb")
    except FileNotFoundError as gone:
        raise Http404(_("This export is no longer available: export again.")) from gone
    return FileResponse(stored, as_attachment=True, filename=job.download_name,
                        content_type=exporting.CONTENT_TYPES[job.format])


def _age_labels() -> list[str]:
    return [_("Under 3 months"), _("3 to 6 months"), _("6 to 12 months"),
            _("12 months and more")]


@backoffice_view
@reads_from_replica
def dashboard(request):
    """Loyalty at a glance: the points clients hold (a liability) by age, the gift card
    balances still owed by age, and per week what was earned, spent and expired, and how
    many members were active."""
    business = request.business
    locale = translation.to_locale(translation.get_language())
    weeks = selectors.weekly_points(business=business)
    labels = [dates.format_short_day(week.start) for week in weeks]

    def number(value: float) -> str:
        return format_decimal(value, locale=locale)

    period = {"first": dates.format_date(weeks[0].start),
              "last": dates.format_date(weeks[-1].start)}
    points_chart = charts.bar_chart(
        chart_id="points-per-week", title=_("Points per week"),
        description=_("Points earned, spent and expired in each week from %(first)s to "
                      "%(last)s.") % period,
        labels=labels, number=number, series=[
            charts.Series(_("Earned"), [week.earned for week in weeks]),
            charts.Series(_("Spent"), [week.spent for week in weeks]),
            charts.Series(_("Expired"), [week.expired for week in weeks])])
    members_chart = charts.line_chart(
        chart_id="members-per-week", title=_("Active members per week"),
        description=_("Clients whose points changed in each week from %(first)s to "
                      "%(last)s.") % period,
        labels=labels, number=number,
        series=[charts.Series(_("Active members"), [week.members for week in weeks])])
    ages = selectors.points_liability_by_age(business=business)
    gift_cards = selectors.gift_card_liability_by_age(business=business)
    return render(request, "reports/dashboard.html", {
        # The charts escape every text they draw (reports/charts.py).
        "points_chart": mark_safe(points_chart),  # noqa: S308
        "members_chart": mark_safe(members_chart),  # noqa: S308
        "weeks": list(zip(labels, weeks, strict=True)),
        "outstanding": selectors.outstanding_points(business=business),
        "ages": list(zip(_age_labels(), ages, strict=True)),
        # Cards issued before the extension was turned off are still owed.
        "gift_cards": gift_cards if (business.coupons_gift_cards_enabled or gift_cards.cards)
        else None,
        "gift_card_ages": list(zip(_age_labels(), gift_cards.ages, strict=True)),
    })


@backoffice_view
def export_log(request):
    business = request.business
    page = selectors.keyset_page(selectors.export_log(business=business),
                                 ordering=("-created_at", "-pk"), size=LOG_PAGE_SIZE,
                                 after=request.GET.get("after"),
                                 before=request.GET.get("before"))
    entries = []
    for entry in page.rows:
        report = REPORTS.get(entry.report)
        entries.append({
            "entry": entry, "title": report.title if report else entry.report,
            "filters": (summary_lines(report, business, entry.filter_summary)
                        if report else list(entry.filter_summary.items())),
        })
    return render(request, "reports/export_log.html", {"page": page, "entries": entries})
