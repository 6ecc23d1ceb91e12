"""API of checkout: products, and invoices from draft to payment and refund.

The same services as the back office. Pay and refund accept `Idempotency-Key`, so a
client retrying after a lost answer neither pays nor refunds twice. Ids in bodies
are ids of the token's business; another business's id "does not exist".
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from booking.models import Appointment, Client, Service
from checkout import selectors
from checkout.models import (
    DiscountKind,
    Invoice,
    InvoiceLine,
    LineKind,
    Payment,
    Product,
    Refund,
    RefundAllocation,
    RefundLine,
    Tender,
)
from checkout.services import drafts, products, receipts
from checkout.services import payments as payment_services
from checkout.services import refunds as refund_services
from core.api import BusinessRowField
from core.idempotency import idempotent
from core.tenancy import get_for_business_or_404
from core.viewsets import TenantModelViewSet
from tenancy.models import Role


def _money(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


def _rate(**kwargs):
    return serializers.DecimalField(max_digits=5, decimal_places=2, **kwargs)


# Products ----------------------------------------------------------------------------------

class ProductSerializer(serializers.ModelSerializer):
    # Declared plainly so that the service's messages, not generic ones, explain refusals.
    price = _money()
    tax_rate = _rate()
    stock = serializers.IntegerField(default=0)

    class Meta:
        model = Product
        fields = ["id", "name", "sku", "price", "tax_rate", "stock", "is_active"]
        read_only_fields = ["id"]
        validators = []


class ProductViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantModelViewSet):
    """Products sold at checkout: every role reads, owners and managers write."""

    model = Product
    serializer_class = ProductSerializer
    lookup_url_kwarg = "product_pk"
    filterset_fields = ["is_active", "sku"]

    @property
    def required_role(self):
        return Role.STAFF if self.request.method in SAFE_METHODS else Role.MANAGER

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product = products.create_product(business=self.business, **serializer.validated_data)
        return Response(self.get_serializer(product).data, status=status.HTTP_201_CREATED)

    def update(self, request, product_pk=None, partial=False):
        product = self.get_object()
        serializer = self.get_serializer(product, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        product = products.update_product(business=self.business, product=product,
                                          **serializer.validated_data)
        return Response(self.get_serializer(product).data)

    def partial_update(self, request, product_pk=None):
        return self.update(request, product_pk, partial=True)


# Invoices ----------------------------------------------------------------------------------


class InvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = ["id", "kind", "description", "appointment", "service", "product", "quantity",
                  "unit_price", "tax_rate", "discount_kind", "discount_value", "line_discount",
                  "code_discount", "invoice_discount", "amount", "tax_amount", "refunded_quantity",
                  "refunded_amount"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    change = _money(read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "tender", "amount", "received", "change", "reference",
                  "refunded_amount", "created_at"]
        read_only_fields = fields


class RefundLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = RefundLine
        fields = ["line", "quantity", "amount"]
        read_only_fields = fields


class RefundAllocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = RefundAllocation
        fields = ["payment", "amount"]
        read_only_fields = fields


class RefundSerializer(serializers.ModelSerializer):
    lines = RefundLineSerializer(many=True, read_only=True)
    allocations = RefundAllocationSerializer(many=True, read_only=True)

    class Meta:
        model = Refund
        fields = ["id", "amount", "reason", "created_at", "lines", "allocations"]
        read_only_fields = fields


class TaxTotalSerializer(serializers.Serializer):
    rate = _rate()
    amount = _money(help_text="Tax included.")
    tax = _money()


class InvoiceSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True,
                                 help_text="The coupon or loyalty reward code applied, or empty.")
    code_label = serializers.CharField(read_only=True, help_text="The code's name.")
    code_discount = _money(read_only=True,
                           help_text="What the code takes off (part of discount_total).")
    lines = InvoiceLineSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    refunds = RefundSerializer(many=True, read_only=True)
    taxes = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = ["id", "number", "state", "client", "discount_kind", "discount_value",
                  "code", "code_label", "code_discount", "subtotal", "discount_total", "total",
                  "tax_total", "paid_amount", "change_given", "refunded_amount", "created_at",
                  "paid_at", "lines", "payments", "refunds", "taxes"]
        read_only_fields = fields

    @extend_schema_field(TaxTotalSerializer(many=True))
    def get_taxes(self, invoice) -> list[dict]:
        return TaxTotalSerializer(selectors.tax_totals(invoice), many=True).data


class PaymentResultSerializer(InvoiceSerializer):
    change = _money(read_only=True, help_text="Cash to give back.")
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True,
                                     help_text="Products sold beyond their stock.")

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "change", "warnings"]
        read_only_fields = fields


class InvoiceCreateSerializer(serializers.Serializer):
    client = BusinessRowField(Client, _("No client with this id in your business."),
                              required=False, allow_null=True,
                              help_text="Omit or null for a walk-in.")


class InvoiceStartSerializer(InvoiceCreateSerializer):
    appointment = BusinessRowField(
        Appointment, _("No appointment with this id in your business."), required=False,
        help_text="Check out this appointment: the draft that holds it, or a new one for "
                  "its client holding its line (the client is then the appointment's).")


class LineQuantitySerializer(serializers.Serializer):
    quantity = serializers.IntegerField()


class ReceiptEmailSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, allow_blank=True, default="",
                                   help_text="Omit for the client's own address.")


class LineCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LineKind.choices)
    appointment = BusinessRowField(
        Appointment, _("No appointment with this id in your business."), required=False,
        help_text="service line: the appointment to charge at its price.")
    service = BusinessRowField(
        Service, _("No service with this id in your business."), required=False,
        help_text="service line without an appointment.")
    product = BusinessRowField(Product, _("No product with this id in your business."),
                               required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)
    unit_price = _money(required=False, help_text="service line: defaults to the service's.")
    quantity = serializers.IntegerField(required=False, default=1)
    tax_rate = _rate(required=False,
                     help_text="service line: defaults to the business's service rate.")
    amount = _money(required=False, help_text="gift_card line: the card's value.")

    def validate(self, data):
        kind = data["kind"]
        if kind == LineKind.SERVICE and ("appointment" in data) == ("service" in data):
            raise serializers.ValidationError(_("Give either an appointment or a service."))
        if kind == LineKind.PRODUCT and "product" not in data:
            raise serializers.ValidationError({"product": _("Choose a product.")})
        if kind == LineKind.GIFT_CARD and "amount" not in data:
            raise serializers.ValidationError({"amount": _("Enter the gift card's amount.")})
        return data


class DiscountSerializer(serializers.Serializer):
    discount_kind = serializers.ChoiceField(choices=DiscountKind.choices, allow_blank=True)
    discount_value = _money(required=False, default=0)


class InvoiceCodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=100,
                                 help_text="A coupon or loyalty reward code of your business.")


class TenderSerializer(serializers.Serializer):
    tender = serializers.ChoiceField(choices=Tender.choices)
    amount = _money(help_text="For cash, what the client hands over; the rest is change.")
    reference = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                      default="",
                                      help_text="Card terminal reference, or gift card code.")


class PaySerializer(serializers.Serializer):
    tenders = TenderSerializer(many=True, allow_empty=True)


class RefundQuantitySerializer(serializers.Serializer):
    line = serializers.IntegerField()
    quantity = serializers.IntegerField()


class RefundRequestSerializer(serializers.Serializer):
    lines = RefundQuantitySerializer(many=True, required=False,
                                     help_text="Omit to refund everything not yet refunded.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                   default="")


class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantModelViewSet):
    """Invoices: a draft takes lines and discounts, then is paid in full and numbered;
    a paid invoice can be refunded, in part or in full."""

    model = Invoice
    serializer_class = InvoiceSerializer
    lookup_url_kwarg = "invoice_pk"
    filterset_fields = ["state", "client"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return super().get_queryset()
        return selectors.invoices_with_details(business=self.business)

    def _respond(self, invoice, http_status=status.HTTP_200_OK, **extra) -> Response:
        fresh = self.get_queryset().get(pk=invoice.pk)
        serializer = PaymentResultSerializer if extra else InvoiceSerializer
        for name, value in extra.items():
            setattr(fresh, name, value)
        return Response(serializer(fresh, context=self.get_serializer_context()).data,
                        status=http_status)

    @extend_schema(request=InvoiceStartSerializer, responses={201: InvoiceSerializer})
    def create(self, request):
        data = InvoiceStartSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        if "appointment" in data.validated_data:
            invoice = drafts.start_for_appointment(
                business=self.business, appointment=data.validated_data["appointment"],
                by=request.user)
        else:
            invoice = drafts.start_invoice(business=self.business,
                                           client=data.validated_data.get("client"),
                                           by=request.user)
        return self._respond(invoice, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request, invoice_pk=None):
        """Discard a draft (paid invoices are kept: refund them instead)."""
        drafts.discard_invoice(business=self.business, invoice=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=InvoiceCreateSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def client(self, request, invoice_pk=None):
        """Set the draft's client, or null for a walk-in."""
        invoice = self.get_object()
        data = InvoiceCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        drafts.set_invoice_client(business=self.business, invoice=invoice,
                                  client=data.validated_data.get("client"))
        return self._respond(invoice)

    @extend_schema(request=LineCreateSerializer, responses={201: InvoiceSerializer})
    @action(detail=True, methods=["post"])
    def lines(self, request, invoice_pk=None):
        """Add a line: a service (an appointment, or a service of the catalog), a product,
        or a gift card sale."""
        invoice = self.get_object()
        data = LineCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values, business = data.validated_data, self.business
        if "appointment" in values:
            drafts.add_appointment_line(business=business, invoice=invoice,
                                        appointment=values["appointment"],
                                        tax_rate=values.get("tax_rate"))
        elif values["kind"] == LineKind.SERVICE:
            drafts.add_service_line(business=business, invoice=invoice,
                                    service=values["service"],
                                    description=values.get("description", ""),
                                    unit_price=values.get("unit_price"),
                                    quantity=values["quantity"],
                                    tax_rate=values.get("tax_rate"))
        elif values["kind"] == LineKind.PRODUCT:
            drafts.add_product_line(business=business, invoice=invoice,
                                    product=values["product"], quantity=values["quantity"])
        else:
            drafts.add_gift_card_line(business=business, invoice=invoice,
                                      amount=values["amount"],
                                      description=values.get("description", ""))
        return self._respond(invoice, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=InvoiceSerializer)
    @action(detail=True, methods=["delete"], url_path=r"lines/(?P<invoice_line_pk>[0-9]+)")
    def remove_line(self, request, invoice_pk=None, invoice_line_pk=None):
        invoice = self.get_object()
        line = get_for_business_or_404(InvoiceLine, self.business, pk=invoice_line_pk,
                                       invoice=invoice)
        drafts.remove_line(business=self.business, invoice=invoice, line=line)
        return self._respond(invoice)

    @extend_schema(request=LineQuantitySerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"],
            url_path=r"lines/(?P<invoice_line_pk>[0-9]+)/quantity")
    def line_quantity(self, request, invoice_pk=None, invoice_line_pk=None):
        """Sell more or fewer units of a service or product line (an appointment or a
        gift card stays at one)."""
        invoice = self.get_object()
        line = get_for_business_or_404(InvoiceLine, self.business, pk=invoice_line_pk,
                                       invoice=invoice)
        data = LineQuantitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        drafts.set_line_quantity(business=self.business, invoice=invoice, line=line,
                                 quantity=data.validated_data["quantity"])
        return self._respond(invoice)

    @extend_schema(request=ReceiptEmailSerializer, responses={202: ReceiptEmailSerializer})
    @action(detail=True, methods=["post"])
    def receipt(self, request, invoice_pk=None):
        """Email a paid invoice's receipt to its client (or to `email`); the answer says
        where it goes. Drafts and walk-ins are refused (400)."""
        invoice = self.get_object()
        data = ReceiptEmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        address = receipts.email_receipt(business=self.business, invoice=invoice,
                                         email=data.validated_data["email"])
        return Response({"email": address}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=DiscountSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def discount(self, request, invoice_pk=None):
        """Discount the whole invoice (shared over its service and product lines)."""
        invoice = self.get_object()
        data = DiscountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        drafts.set_invoice_discount(business=self.business, invoice=invoice,
                                    kind=data.validated_data["discount_kind"],
                                    value=data.validated_data["discount_value"])
        return self._respond(invoice)

    @extend_schema(request=DiscountSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"],
            url_path=r"lines/(?P<invoice_line_pk>[0-9]+)/discount")
    def line_discount(self, request, invoice_pk=None, invoice_line_pk=None):
        invoice = self.get_object()
        line = get_for_business_or_404(InvoiceLine, self.business, pk=invoice_line_pk,
                                       invoice=invoice)
        data = DiscountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        drafts.set_line_discount(business=self.business, invoice=invoice, line=line,
                                 kind=data.validated_data["discount_kind"],
                                 value=data.validated_data["discount_value"])
        return self._respond(invoice)

    @extend_schema(methods=["POST"], request=InvoiceCodeSerializer, responses=InvoiceSerializer,
                   description="Apply a coupon or loyalty reward code to a draft, in place of "
                               "any code applied before: it comes off the lines it covers "
                               "(bookings: service lines; products: product lines; never "
                               "gift cards). Its use is recorded when the invoice is paid. "
                               "An unknown or unusable code is refused (400) and changes "
                               "nothing.")
    @extend_schema(methods=["DELETE"], request=None, responses=InvoiceSerializer,
                   description="Remove the code from a draft.")
    @action(detail=True, methods=["post", "delete"])
    def code(self, request, invoice_pk=None):
        invoice = self.get_object()
        if request.method == "DELETE":
            drafts.remove_code(business=self.business, invoice=invoice)
            return self._respond(invoice)
        data = InvoiceCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        drafts.apply_code(business=self.business, invoice=invoice,
                          code=data.validated_data["code"])
        return self._respond(invoice)

    @extend_schema(request=PaySerializer, responses=PaymentResultSerializer)
    @action(detail=True, methods=["post"])
    @idempotent
    def pay(self, request, invoice_pk=None):
        """Pay a draft in full with one or several tenders; it gets its number.

        Cash may exceed what is due (the answer says the change); card and gift card
        may not. Gift cards are refused until the gift card app is installed.
        """
        invoice = self.get_object()
        data = PaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = payment_services.pay_invoice(
            business=self.business, invoice=invoice, by=request.user,
            tenders=[payment_services.TenderInput(**tender)
                     for tender in data.validated_data["tenders"]])
        return self._respond(result.invoice, change=result.change, warnings=result.warnings)

    @extend_schema(request=RefundRequestSerializer, responses={201: InvoiceSerializer})
    @action(detail=True, methods=["post"])
    @idempotent
    def refund(self, request, invoice_pk=None):
        """Refund units of lines, or everything left, to the tenders it was paid with; the
        answer is the invoice, its new refund last in `refunds`."""
        invoice = self.get_object()
        data = RefundRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quantities = None
        if "lines" in data.validated_data:
            quantities = {}
            for row in data.validated_data["lines"]:
                quantities[row["line"]] = quantities.get(row["line"], 0) + row["quantity"]
        refund_services.refund_invoice(business=self.business, invoice=invoice,
                                       quantities=quantities, by=request.user,
                                       reason=data.validated_data["reason"])
        return self._respond(invoice, status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("products", ProductViewSet, basename="product")
    router.register("invoices", InvoiceViewSet, basename="invoice")
