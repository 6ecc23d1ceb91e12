"""Sales reports and staff commissions: what counts as a sale, whose it is, which rate
wins; the commission rates page; exports; another business's sales never counted."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.urls import reverse

from checkout.models import InvoiceState, LineKind
from reports import sales
from reports.models import CommissionRate
from tenancy.models import Role
from tests.factories import (
    AppointmentFactory,
    CommissionRateFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    PaymentFactory,
    ProductFactory,
    ServiceFactory,
    StaffMemberFactory,
)
from tests.reports.conftest import body, csv_rows, export, report_url

pytestmark = pytest.mark.django_db

DAY = date(2030, 3, 12)
NUMBERS = count(1)


def paid_invoice(business, *, day=DAY, state=InvoiceState.PAID, tender="card",
                 lines=()):
    """An invoice paid on `day` (local noon) with `lines`: (kind, amount, extra fields)."""
    paid_at = datetime.combine(day, time(12), tzinfo=business.zone)
    invoice = InvoiceFactory(business=business, state=InvoiceState.DRAFT)
    total = Decimal("0.00")
    for kind, amount, fields in lines:
        amount = Decimal(amount)
        defaults = {"product": None, "tax_rate": Decimal(0)} if kind != LineKind.PRODUCT else {}
        InvoiceLineFactory(business=business, invoice=invoice, kind=kind, amount=amount,
                           unit_price=amount, description=str(kind), **{**defaults, **fields})
        total += amount
    refunded = sum((Decimal(f.get("refunded_amount", 0)) for _k, _a, f in lines),
                   Decimal("0.00"))
    invoice.state, invoice.number, invoice.paid_at = state, next(NUMBERS), paid_at
    invoice.total = invoice.paid_amount = total
    invoice.refunded_amount = refunded
    invoice.save()
    if total:
        PaymentFactory(business=business, invoice=invoice, tender=tender, amount=total,
                       refunded_amount=refunded)
    return invoice


def visit(business, staff_member, service, day=DAY):
    start = datetime.combine(day, time(10), tzinfo=business.zone)
    return AppointmentFactory(business=business, staff_member=staff_member, service=service,
                              starts_at=start, ends_at=start + timedelta(hours=1),
                              state="completed")


@pytest.fixture
def team(business):
    camille = StaffMemberFactory(business=business, name="Camille")
    ines = StaffMemberFactory(business=business, name="Inès")
    cut = ServiceFactory(business=business, name="Cut")
    colour = ServiceFactory(business=business, name="Colour")
    oil = ProductFactory(business=business, name="Oil")
    return camille, ines, cut, colour, oil


@pytest.fixture
def month(business, team):
    """Camille: a cut (40) with an oil (20) and a 50 gift card sold; Inès: a colour (100)
    of which 30 refunded; a product sold alone (15); a draft and another day's sale."""
    camille, ines, cut, colour, oil = team
    paid_invoice(business, tender="cash", lines=[
        (LineKind.SERVICE, "40.00", {"service": cut,
                                     "appointment": visit(business, camille, cut)}),
        (LineKind.PRODUCT, "20.00", {"product": oil}),
        (LineKind.GIFT_CARD, "50.00", {})])
    paid_invoice(business, state=InvoiceState.PARTIALLY_REFUNDED, lines=[
        (LineKind.SERVICE, "100.00", {"service": colour, "refunded_amount": "30.00",
                                      "appointment": visit(business, ines, colour)})])
    paid_invoice(business, lines=[(LineKind.PRODUCT, "15.00", {"product": oil})])
    InvoiceLineFactory(business=business, amount=Decimal("999.00"))  # a draft's line
    paid_invoice(business, day=DAY + timedelta(days=1),
                 lines=[(LineKind.SERVICE, "48.00", {"service": cut})])


def test_sales_by_day_net_of_refunds_with_gift_cards_apart(business, month):
    days = {row["day"]: row for row in sales.sales_by_day(business=business)}

    assert list(days) == [DAY + timedelta(days=1), DAY]
    day = days[DAY]
    assert day["invoices"] == 3
    assert (day["services"], day["products"], day["gift_cards"]) == (
        Decimal("140.00"), Decimal("35.00"), Decimal("50.00"))
    assert day["refunded"] == Decimal("30.00")
    assert day["net"] == Decimal("145.00")  # 140 + 35 - 30, the gift card apart


def test_the_filter_takes_local_days_both_included(business, month):
    only = sales.sales_totals(business=business, date_from=DAY, date_to=DAY)
    later = sales.sales_totals(business=business, date_from=DAY + timedelta(days=1))

    assert only["net"] == Decimal("145.00")
    assert later["net"] == Decimal("48.00")


def test_a_product_goes_to_the_staff_member_of_the_visit_and_alone_to_nobody(business, month):
    rows = {row["staff_name"]: row for row in sales.sales_by_staff(
        business=business, date_from=DAY, date_to=DAY)}

    assert rows["Camille"]["services"] == Decimal("40.00")
    assert rows["Camille"]["products"] == Decimal("20.00")
    assert rows["Camille"]["net"] == Decimal("60.00")
    assert rows["Inès"]["net"] == Decimal("70.00")
    assert rows[""]["net"] == Decimal("15.00")


def test_sales_by_service_and_by_payment_method(business, month):
    services = {row["service_name"]: row for row in sales.sales_by_service(business=business)}
    tenders = {row["tender"]: row for row in sales.sales_by_payment(business=business)}

    assert services["Cut"]["quantity"] == 2
    assert services["Cut"]["net"] == Decimal("88.00")
    assert services["Colour"]["refunded"] == Decimal("30.00")
    assert tenders["cash"]["taken"] == Decimal("110.00")  # the gift card sold included
    assert tenders["card"]["net"] == Decimal("133.00")  # 100 - 30 + 15 + 48


def test_a_service_or_product_rate_wins_over_the_default_and_no_rate_earns_nothing(
        business, team, month):
    camille, ines, _cut, colour, oil = team
    CommissionRateFactory(business=business, staff_member=camille, rate=Decimal("30"))
    CommissionRateFactory(business=business, staff_member=camille, product=oil,
                          rate=Decimal("10"))
    CommissionRateFactory(business=business, staff_member=ines, service=colour,
                          rate=Decimal("45"))

    rows = {row["staff_name"]: row for row in sales.commissions(
        business=business, date_from=DAY, date_to=DAY)}

    # Camille: 30 % of the cut's 40 and 10 % of the oil's 20; the gift card earns nothing.
    assert rows["Camille"]["base"] == Decimal("60.00")
    assert rows["Camille"]["commission"] == Decimal("14.00")
    assert rows["Camille"]["default_rate"] == Decimal("30.00")
    # Inès: 45 % of the colour less its refund (70), though she has no default rate.
    assert rows["Inès"]["commission"] == Decimal("31.50")
    assert rows["Inès"]["default_rate"] is None
    assert set(rows) == {"Camille", "Inès"}  # the product sold alone is nobody's
    totals = sales.commission_totals(business=business, date_from=DAY, date_to=DAY)
    assert totals["commission"] == Decimal("45.50")


def test_each_line_commission_is_rounded_to_the_cent(business, team):
    camille, _ines, cut, _colour, _oil = team
    CommissionRateFactory(business=business, staff_member=camille, rate=Decimal("12.5"))
    for n in range(3):
        paid_invoice(business, lines=[(LineKind.SERVICE, "0.99", {
            "service": cut, "appointment": visit(business, camille, cut,
                                                 DAY - timedelta(days=n))})])

    row = sales.commissions(business=business).get()

    assert row["commission"] == Decimal("0.36")  # 3 x 0.12, not 0.37


def test_another_business_sales_and_rates_are_never_counted(business, other_business, team,
                                                            month):
    theirs = StaffMemberFactory(business=other_business, name="Camille")
    service = ServiceFactory(business=other_business)
    CommissionRateFactory(business=other_business, staff_member=theirs, rate=Decimal("50"))
    paid_invoice(other_business, lines=[(LineKind.SERVICE, "500.00", {
        "service": service, "appointment": visit(other_business, theirs, service)})])

    assert sales.sales_totals(business=business)["net"] == Decimal("193.00")
    assert sales.commission_totals(business=business)["commission"] == Decimal("0.00")
    assert sales.commission_totals(business=other_business)["commission"] == Decimal("250.00")


@pytest.mark.parametrize("report", ["sales-by-day", "sales-by-staff", "sales-by-service",
                                    "sales-by-payment", "commissions"])
def test_every_sales_report_page_lists_and_exports_its_rows(manager_browser, business, team,
                                                            month, stored, report):
    CommissionRateFactory(business=business, staff_member=team[0], rate=Decimal("30"))
    filters = {"date_from": DAY.isoformat(), "date_to": DAY.isoformat()}

    page = manager_browser.get(report_url(business, report), filters)
    rows = csv_rows(body(export(manager_browser, business, report, "csv", **filters)))

    assert page.status_code == 200
    assert "€" in page.content.decode()
    assert len(rows) >= 2  # the headers and at least one row
    assert any("Camille" in row or "12 Mar 2030" in " ".join(row) or "2030-03-12" in row
               or "card" in row or "Card" in row or "Cut" in row for row in rows[1:])


def test_the_commissions_export_holds_each_staff_member(manager_browser, business, team,
                                                        month, stored):
    CommissionRateFactory(business=business, staff_member=team[0], rate=Decimal("30"))

    rows = csv_rows(body(export(manager_browser, business, "commissions", "csv",
                                date_from=DAY.isoformat(), date_to=DAY.isoformat())))

    assert rows[0] == ["Staff member", "Sales base (EUR)", "Default rate (%)",
                       "Commission (EUR)"]
    assert ["Camille", "60.00", "30.00", "18.00"] in rows


def rates_url(business):
    return reverse("reports:commission-rates", args=[business.slug])


def test_a_manager_sets_a_default_and_a_service_rate_then_changes_one(manager_browser,
                                                                      business, team):
    camille, _ines, cut, _colour, _oil = team
    url = rates_url(business)

    manager_browser.post(url, {"staff_member": camille.pk, "item": "", "rate": "30"})
    manager_browser.post(url, {"staff_member": camille.pk, "item": f"service:{cut.pk}",
                               "rate": "40"})
    response = manager_browser.post(url, {"staff_member": camille.pk, "item": "",
                                          "rate": "35.5"})

    assert response.status_code == 302
    assert {(r.service_id, r.rate) for r in CommissionRate.objects.for_business(business)} == {
        (None, Decimal("35.50")), (cut.pk, Decimal("40.00"))}
    assert "Cut" in manager_browser.get(url).content.decode()


@pytest.mark.parametrize("data", [{"rate": "120"}, {"rate": "-1"}, {"rate": "abc"},
                                  {"item": "service:999999"}, {"staff_member": "999999"}])
def test_a_bad_rate_is_refused_with_a_message_and_changes_nothing(manager_browser, business,
                                                                  team, data):
    camille = team[0]
    posted = {"staff_member": camille.pk, "item": "", "rate": "30", **data}

    response = manager_browser.post(rates_url(business), posted)

    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not CommissionRate.objects.for_business(business).exists()


def test_a_rate_is_removed_and_staff_cannot_open_the_rates(client, manager_browser, business,
                                                           member_of, team):
    rate = CommissionRateFactory(business=business, staff_member=team[0])
    remove = reverse("reports:commission-rate-remove", args=[business.slug, rate.pk])

    manager_browser.post(remove)
    client.force_login(member_of(business, Role.STAFF).user)

    assert not CommissionRate.objects.for_business(business).exists()
    assert client.get(rates_url(business)).status_code == 403
