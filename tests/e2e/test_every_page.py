"""Every back office page in a real browser, at phone and tablet width, as owner, manager
and staff: no page scrolls sideways and axe-core finds no serious or critical WCAG 2.2 AA
violation.

The pages are found through the URL resolver, as the tenant walk finds them, so a page is
covered the day its URL is added. Object ids (`<model>_pk`) come from the demo salon,
whose tables hold real rows; a page a role may not open (403), a POST-only URL (405), a
redirect, a download and an htmx fragment are not pages to look at and are passed over.
"""

import io
import itertools

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import Client as WebClient

from tenancy.models import Business, Role, StaffMembership
from tests.factories import FACTORIES, InvoiceFactory
from tests.fixtures.browser import WCAG_AA
from tests.test_tenant_isolation import (
    BACKOFFICE_PREFIX,
    MODEL_BY_KWARG,
    SAMPLE_KWARGS,
    fill,
    kwarg_names,
    tenant_routes,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = [{"width": 390, "height": 844}, {"width": 1024, "height": 768}]
ROLES = [Role.OWNER, Role.MANAGER, Role.STAFF]

# How far the page is wider than the window, and the outermost elements that stick out
# of it (not counting what scrolls inside its own box): what to fix.
OVERFLOW = """() => {
  const doc = document.documentElement, limit = doc.clientWidth;
  const inScroller = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  const culprits = [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > limit + 1 && !inScroller(el))
    .filter((el, _i, all) => !all.includes(el.parentElement))
    .slice(0, 3)
    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim()
      .split(/\\s+/).join('.') : ''));
  return {sideways: doc.scrollWidth - limit, culprits};
}"""
AXE = """async (options) => (await axe.run(document, options)).violations
  .filter(v => ['serious', 'critical'].includes(v.impact))
  .map(v => `${v.id} (${v.impact}): ` + v.nodes.slice(0, 3).map(n => n.target[0]).join('; '))"""


@pytest.fixture
def salon():
    """The demo salon, with a row of every model a back office URL names."""
    call_command("load_demo", stdout=io.StringIO())
    business = Business.objects.get(slug="atelier-lumiere")
    for model in MODEL_BY_KWARG.values():
        if not model.objects.for_business(business).exists():
            FACTORIES[model](business=business)
    # A draft beside the demo's paid invoice: the checkout pages open drafts only.
    InvoiceFactory(business=business,
                   client=MODEL_BY_KWARG["client_pk"].objects.for_business(business).first())
    return business


def candidate_urls(business: Business) -> dict[str, list[str]]:
    """Each back office route, with the URLs to try: the first and last row of each id."""
    ids = {}
    for kwarg, model in MODEL_BY_KWARG.items():
        rows = model.objects.for_business(business).order_by("pk")
        ids[kwarg] = sorted({str(row.pk) for row in (rows.first(), rows.last()) if row})
    urls = {}
    for route in tenant_routes(BACKOFFICE_PREFIX):
        names = [name for name in kwarg_names(route) if name in MODEL_BY_KWARG]
        urls[route] = [fill(route, {"slug": business.slug, **SAMPLE_KWARGS,
                                    **dict(zip(names, combination, strict=True))})
                       for combination in itertools.product(*(ids[name] for name in names))]
    return urls


def backoffice_page(request_context, urls: list[str]) -> tuple[str | None, int]:
    """The first of `urls` that answers with a whole back office page, else the last status."""
    status = 0
    for url in urls:
        response = request_context.get(url, max_redirects=0)
        status = response.status
        if status == 200 and "text/html" in response.headers.get("content-type", "") \
                and 'class="backoffice"' in response.text():
            return url, status
    return None, status


def signed_in_context(browser, live_server, business, role):
    user = StaffMembership.objects.filter(business=business, role=role, is_active=True) \
        .select_related("user").order_by("pk").first().user
    web = WebClient()
    web.force_login(user)
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[0], locale="en-GB")
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "sessionid", "value": web.cookies["sessionid"].value,
                          "url": live_server.url}])
    return context


def test_every_back_office_page_fits_the_screen_and_passes_axe(playwright_browser, live_server,
                                                               salon):
    # Given the demo salon, its owner, manager and staff member, and every back office URL
    routes = candidate_urls(salon)
    axe_source = Axe().axe_script
    problems, seen, passed_over, errors = {}, {}, {}, []

    for role in ROLES:
        context = signed_in_context(playwright_browser, live_server, salon, role)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text)
                if "Content Security Policy" in message.text else None)
        seen[role] = []
        for route, urls in routes.items():
            url, status = backoffice_page(context.request, urls)
            if url is None:
                assert status < 500, (role, route, status)
                passed_over.setdefault(status, set()).add(route)
                continue
            # When the page is opened, at each width in turn
            page.set_viewport_size(SIZES[0])
            page.goto(url)
            page.evaluate(axe_source)
            for size in SIZES:
                page.set_viewport_size(size)
                found = []
                shown = page.evaluate(OVERFLOW)
                if shown["sideways"] > 0:
                    found.append(f"{shown['sideways']} px wider than the window: "
                                 f"{', '.join(shown['culprits'])}")
                found += page.evaluate(AXE, WCAG_AA)
                found += errors
                errors.clear()
                if found:
                    problems[f"{role} {url} at {size['width']} px"] = found
            seen[role].append(route)
        context.close()

    # Then every role saw pages, the owner most of them, and nothing overflowed or failed axe
    coverage = (f"Pages seen: { {role: len(routes) for role, routes in seen.items()} }; "
                f"passed over by status: "
                f"{ {s: sorted(r) for s, r in passed_over.items() if s != 405} }")
    assert len(seen[Role.OWNER]) >= 40, coverage
    assert len(seen[Role.STAFF]) >= 15
    assert len(seen[Role.OWNER]) > len(seen[Role.STAFF])
    for route in ("reports/points/", "invoices/", "clients/<int:client_pk>/"):
        assert f"{BACKOFFICE_PREFIX}<slug:slug>/{route}" in seen[Role.OWNER]
    assert not problems, "\n".join(f"{where}: {found}" for where, found in problems.items())
