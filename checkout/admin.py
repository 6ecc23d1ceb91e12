from django.contrib import admin

from checkout.models import (
    CheckoutSettings,
    Invoice,
    InvoiceLine,
    Payment,
    Product,
    Refund,
    RefundAllocation,
    RefundLine,
)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "sku", "business", "price", "tax_rate", "stock", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "sku", "business__name"]


@admin.register(CheckoutSettings)
class CheckoutSettingsAdmin(admin.ModelAdmin):
    list_display = ["business", "service_tax_rate"]


class ReadOnlyInline(admin.TabularInline):
    """Invoices are legal records: support staff read them, the services write them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = ["kind", "description", "quantity", "unit_price", "tax_rate", "amount",
              "refunded_quantity", "refunded_amount"]


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["tender", "amount", "received", "reference", "refunded_amount", "created_at"]


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ["amount", "reason", "created_at", "created_by"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["pk", "number", "business", "client", "state", "total", "paid_at"]
    list_filter = ["state"]
    search_fields = ["number", "business__name", "client__last_name"]
    inlines = [InvoiceLineInline, PaymentInline, RefundInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RefundLine, RefundAllocation)
class RefundPartAdmin(admin.ModelAdmin):
    list_display = ["pk", "refund", "amount"]

    def has_change_permission(self, request, obj=None):
        return False
