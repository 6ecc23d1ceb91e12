"""Coupons and loyalty reward codes at checkout: a code on a draft comes off the lines it
covers, its use is recorded with the payment (never beyond its limits, even from many
desks at once), a full refund gives it back, and loyalty counts the money paid."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from checkout.models import Invoice, InvoiceCounter, InvoiceLine, InvoiceState, LineKind
from checkout.services import drafts as draft_services
from checkout.services import payments, refunds
from giftcards.models import Coupon, CouponUse
from loyalty import selectors as loyalty_selectors
from loyalty.services import program
from tenancy import services as tenant_services
from tenancy.models import Extension
from tests.checkout.conftest import cash, draft
from tests.factories import ClientFactory, ProductFactory, ServiceFactory
from tests.giftcards.conftest import coupon, issue
from tests.giftcards.test_concurrency import race

pytestmark = pytest.mark.django_db

UNKNOWN = "No coupon or reward code has this code here. Check the code and try again."


@pytest.fixture
def haircut(business):
    return ServiceFactory(business=business, name="Haircut", price=Decimal("45.00"))


@pytest.fixture
def colour(business):
    return ServiceFactory(business=business, name="Colour", price=Decimal("60.00"))


@pytest.fixture
def shampoo(business):
    return ProductFactory(business=business, name="Shampoo", sku="SH-1",
                          price=Decimal("18.00"), tax_rate=Decimal("20.00"), stock=5)


def apply(business, invoice, code):
    draft_services.apply_code(business=business, invoice=invoice, code=code)
    invoice.refresh_from_db()
    return invoice


def code_discounts(invoice) -> dict[str, Decimal]:
    return {line.description: line.code_discount
            for line in InvoiceLine.objects.filter(invoice=invoice)}


def test_an_amount_coupon_on_bookings_comes_off_the_service_lines_only(business, haircut,
                                                                       shampoo):
    coupon(business, "TENOFF", value="10.00", applies_to="bookings", name="Ten off")
    invoice = draft(business, products=[(shampoo, 1)], services_=[haircut])

    invoice = apply(business, invoice, "tenoff")

    assert (invoice.code, invoice.code_label) == ("TENOFF", "Ten off")
    assert code_discounts(invoice) == {"Shampoo": Decimal("0.00"), "Haircut": Decimal("10.00")}
    assert (invoice.subtotal, invoice.code_discount, invoice.discount_total, invoice.total) == (
        Decimal("63.00"), Decimal("10.00"), Decimal("10.00"), Decimal("53.00"))
    # The tax is that of what is charged: 35.00 and 18.00, both at 20 %.
    assert invoice.tax_total == Decimal("5.83") + Decimal("3.00")


def test_a_percent_coupon_on_products_comes_off_the_product_lines_only(business, haircut,
                                                                       shampoo):
    coupon(business, "SHOP10", kind="percent", value="10", applies_to="products")
    invoice = draft(business, products=[(shampoo, 2)], services_=[haircut])

    invoice = apply(business, invoice, "SHOP10")

    assert code_discounts(invoice) == {"Shampoo": Decimal("3.60"), "Haircut": Decimal("0.00")}
    assert invoice.total == Decimal("77.40")


def test_a_coupon_on_both_is_shared_over_services_and_products_but_never_gift_cards(
        business, haircut, shampoo):
    coupon(business, "HALF", kind="percent", value="50", applies_to="both")
    invoice = draft(business, products=[(shampoo, 1)], services_=[haircut],
                    gift_cards=["50.00"])

    invoice = apply(business, invoice, "HALF")

    assert code_discounts(invoice) == {"Shampoo": Decimal("9.00"), "Haircut": Decimal("22.50"),
                                       "Gift card": Decimal("0.00")}
    assert invoice.total == Decimal("31.50") + Decimal("50.00")


def test_an_amount_coupon_never_takes_more_than_the_lines_it_covers(business, haircut,
                                                                    shampoo):
    coupon(business, "BIG", value="100.00", applies_to="bookings")
    invoice = draft(business, products=[(shampoo, 1)], services_=[haircut])

    invoice = apply(business, invoice, "BIG")

    assert invoice.code_discount == Decimal("45.00")
    assert invoice.total == Decimal("18.00")


def test_a_free_service_code_takes_one_of_that_service_off_and_nothing_else(
        business, haircut, colour, shampoo):
    coupon(business, "FREECUT", kind="free_service", value="0", service=haircut)
    invoice = draft(business, products=[(shampoo, 1)], services_=[colour])
    line = draft_services.add_service_line(business=business, invoice=invoice, service=haircut,
                                           quantity=2)

    invoice = apply(business, invoice, "FREECUT")

    line.refresh_from_db()
    assert (line.quantity, line.code_discount, line.amount) == (
        2, Decimal("45.00"), Decimal("45.00"))
    assert invoice.total == Decimal("60.00") + Decimal("18.00") + Decimal("45.00")


def test_the_code_applies_before_the_invoice_discount(business, haircut):
    coupon(business, "TENOFF", value="10.00")
    invoice = draft(business, services_=[haircut])

    apply(business, invoice, "TENOFF")
    draft_services.set_invoice_discount(business=business, invoice=invoice, kind="percent",
                                        value=Decimal("10"))

    invoice.refresh_from_db()
    assert (invoice.code_discount, invoice.discount_total, invoice.total) == (
        Decimal("10.00"), Decimal("13.50"), Decimal("31.50"))


def test_a_code_that_covers_no_line_is_refused_and_changes_nothing(business, haircut):
    coupon(business, "SHOP10", kind="percent", value="10", applies_to="products")
    invoice = draft(business, services_=[haircut])

    with pytest.raises(ValidationError) as refused:
        apply(business, invoice, "SHOP10")

    assert "applies to none of the lines" in refused.value.message_dict["code"][0]
    invoice.refresh_from_db()
    assert (invoice.code, invoice.total) == ("", Decimal("45.00"))


def test_another_business_s_or_another_client_s_code_is_refused_like_an_unknown_one(
        business, other_business, haircut):
    mine, theirs = ClientFactory(business=business), ClientFactory(business=business)
    coupon(business, "THEIRS", client=theirs)
    coupon(other_business, "ELSEWHERE")
    invoice = draft(business, mine, services_=[haircut])

    answers = []
    for code in ("NOSUCH", "THEIRS", "ELSEWHERE"):
        with pytest.raises(ValidationError) as refused:
            apply(business, invoice, code)
        answers.append(refused.value.message_dict["code"])

    assert answers == [[UNKNOWN]] * 3
    invoice.refresh_from_db()
    assert (invoice.code, invoice.total) == ("", Decimal("45.00"))


@pytest.mark.parametrize(("values", "message"), [
    ({"is_active": False}, "no longer valid"),
    ({"valid_until": timezone.localdate() - timedelta(days=1)}, "expired on"),
    ({"valid_from": timezone.localdate() + timedelta(days=2)}, "valid from"),
])
def test_an_unusable_code_says_why(business, haircut, values, message):
    coupon(business, "TENOFF", **values)
    invoice = draft(business, services_=[haircut])

    with pytest.raises(ValidationError) as refused:
        apply(business, invoice, "TENOFF")

    assert message in refused.value.message_dict["code"][0]


def test_a_gift_card_code_typed_as_a_coupon_is_sent_to_the_payment(business, haircut):
    card = issue(business, "20.00")
    invoice = draft(business, services_=[haircut])

    with pytest.raises(ValidationError) as refused:
        apply(business, invoice, card.display_code)

    assert "This is a gift card" in refused.value.message_dict["code"][0]


def test_paying_records_the_use_with_the_invoice(business, haircut, salon_client):
    used = coupon(business, "TENOFF", max_uses=5)
    invoice = apply(business, draft(business, salon_client, services_=[haircut]), "TENOFF")

    payments.pay_invoice(business=business, invoice=invoice, tenders=[cash("35.00")])

    use = CouponUse.objects.get()
    used.refresh_from_db()
    assert (use.invoice_id, use.client, use.amount) == (invoice.pk, salon_client,
                                                        Decimal("10.00"))
    assert used.uses_count == 1


def test_applying_records_no_use_and_an_abandoned_draft_holds_none(business, haircut):
    used = coupon(business, "ONCE", max_uses=1)
    invoice = apply(business, draft(business, services_=[haircut]), "ONCE")

    draft_services.discard_invoice(business=business, invoice=invoice)

    used.refresh_from_db()
    assert (used.uses_count, CouponUse.objects.count()) == (0, 0)


def test_a_single_use_code_on_two_drafts_pays_only_the_first(business, haircut):
    used = coupon(business, "ONCE", max_uses=1)
    first = apply(business, draft(business, services_=[haircut]), "ONCE")
    second = apply(business, draft(business, services_=[haircut]), "ONCE")
    payments.pay_invoice(business=business, invoice=first, tenders=[cash("35.00")])

    with pytest.raises(ValidationError) as refused:
        payments.pay_invoice(business=business, invoice=second, tenders=[cash("35.00")])

    assert "already been used as often as it may be" in refused.value.messages[0]
    second.refresh_from_db()
    used.refresh_from_db()
    assert (second.state, second.number) == (InvoiceState.DRAFT, None)
    assert used.uses_count == 1
    assert InvoiceCounter.objects.get(business=business).last_number == 1


def test_a_per_client_limit_needs_the_client(business, haircut, salon_client):
    coupon(business, "WELCOME", max_uses_per_client=1)
    walk_in = draft(business, services_=[haircut])

    with pytest.raises(ValidationError) as refused:
        apply(business, walk_in, "WELCOME")
    invoice = apply(business, draft(business, salon_client, services_=[haircut]), "WELCOME")
    payments.pay_invoice(business=business, invoice=invoice, tenders=[cash("35.00")])
    again = draft(business, salon_client, services_=[haircut])

    assert "choose the client first" in refused.value.message_dict["code"][0]
    with pytest.raises(ValidationError) as twice:
        apply(business, again, "WELCOME")
    assert "already used this code" in twice.value.message_dict["code"][0]


def test_a_code_bound_to_the_client_keeps_the_draft_with_that_client(business, haircut,
                                                                     salon_client):
    coupon(business, "MINE", client=salon_client)
    invoice = apply(business, draft(business, salon_client, services_=[haircut]), "MINE")

    with pytest.raises(ValidationError) as refused:
        draft_services.set_invoice_client(business=business, invoice=invoice,
                                          client=ClientFactory(business=business))

    assert "cannot be used for this client" in refused.value.message_dict["client"][0]
    invoice.refresh_from_db()
    assert invoice.client == salon_client


def test_removing_the_code_gives_the_full_price_back(business, haircut):
    coupon(business, "TENOFF")
    invoice = apply(business, draft(business, services_=[haircut]), "TENOFF")

    draft_services.remove_code(business=business, invoice=invoice)

    invoice.refresh_from_db()
    assert (invoice.code, invoice.code_discount, invoice.total) == ("", 0, Decimal("45.00"))
    assert code_discounts(invoice) == {"Haircut": Decimal("0.00")}


def test_a_line_removed_after_the_code_reprices_it(business, haircut, shampoo):
    coupon(business, "HALF", kind="percent", value="50", applies_to="both")
    invoice = apply(business, draft(business, products=[(shampoo, 1)], services_=[haircut]),
                    "HALF")

    draft_services.remove_line(business=business, invoice=invoice,
                               line=InvoiceLine.objects.get(kind=LineKind.PRODUCT))

    invoice.refresh_from_db()
    assert (invoice.code_discount, invoice.total) == (Decimal("22.50"), Decimal("22.50"))


def test_a_full_refund_gives_the_use_back_and_a_partial_one_does_not(business, haircut,
                                                                    shampoo):
    used = coupon(business, "HALF", kind="percent", value="50", applies_to="both", max_uses=1)
    invoice = apply(business, draft(business, products=[(shampoo, 1)], services_=[haircut]),
                    "HALF")
    payments.pay_invoice(business=business, invoice=invoice, tenders=[cash("31.50")])
    product_line = InvoiceLine.objects.get(kind=LineKind.PRODUCT)

    refund = refunds.refund_invoice(business=business, invoice=invoice,
                                    quantities={product_line.pk: 1})
    used.refresh_from_db()
    after_partial = used.uses_count
    refunds.refund_invoice(business=business, invoice=invoice)

    used.refresh_from_db()
    assert refund.amount == Decimal("9.00")  # what was paid for it, net of the code
    assert (after_partial, used.uses_count) == (1, 0)
    assert CouponUse.objects.get().released_at is not None


def test_the_invoice_receipt_shows_the_code_beside_the_discount(client, business, staff,
                                                                haircut):
    coupon(business, "TENOFF", name="Ten off")
    invoice = apply(business, draft(business, services_=[haircut]), "TENOFF")
    payments.pay_invoice(business=business, invoice=invoice, tenders=[cash("35.00")])
    client.force_login(staff)

    receipt = client.get(f"/manage/{business.slug}/invoices/{invoice.pk}/receipt/")
    detail = client.get(f"/manage/{business.slug}/invoices/{invoice.pk}/")

    for page in (receipt, detail):
        text = page.content.decode()
        assert "Of which code TENOFF (Ten off)" in text
        assert "€10.00" in text


def test_loyalty_points_are_earned_on_the_money_paid_net_of_the_code(business, haircut):
    business, _also = tenant_services.set_extension(business=business,
                                                    extension=Extension.LOYALTY, enabled=True)
    program.on_loyalty_switched(business=business, enabled=True,
                                now=timezone.now() - timedelta(days=1))
    program.update_program(business=business, spend_points=1, spend_amount=Decimal("1.00"))
    fan = ClientFactory(business=business, marketing_opt_in=True,
                        marketing_opt_in_at=timezone.now())
    reward = coupon(business, "REWARD", value="20.00", client=fan, max_uses=1)
    Coupon.objects.filter(pk=reward.pk).update(origin="reward")
    invoice = apply(business, draft(business, fan, services_=[haircut]), "REWARD")

    payments.pay_invoice(business=business, invoice=invoice, tenders=[cash("25.00")])

    assert loyalty_selectors.balance_of(business=business, client=fan) == 25


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_desks_paying_with_one_single_use_code_make_one_payment(business, haircut):
    used = coupon(business, "ONCE", max_uses=1)
    drafts = [apply(business, draft(business, services_=[haircut]), "ONCE")
              for _ in range(20)]

    results = race([lambda invoice=invoice: payments.pay_invoice(
        business=business, invoice=invoice, tenders=[cash("35.00")]) for invoice in drafts])

    assert results.count("ok") == 1
    assert all("already been used as often as it may be" in r for r in results if r != "ok")
    used.refresh_from_db()
    assert used.uses_count == 1
    assert CouponUse.objects.count() == 1
    assert Invoice.objects.filter(state=InvoiceState.PAID).count() == 1
