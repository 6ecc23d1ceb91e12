"""Back office pages of checkout, under /manage/<slug>/ (included from config/urls.py)."""

from django.urls import path

from checkout import views

app_name = "checkout"

DRAFT = "manage/<slug:slug>/checkout/<int:invoice_pk>/"
INVOICE = "manage/<slug:slug>/invoices/<int:invoice_pk>/"

urlpatterns = [
    path("manage/<slug:slug>/checkout/", views.checkout_start, name="start"),
    path("manage/<slug:slug>/checkout/settings/", views.checkout_settings, name="settings"),
    path("manage/<slug:slug>/checkout/appointment/<int:appointment_pk>/",
         views.start_appointment, name="start-appointment"),
    path(DRAFT, views.invoice_draft, name="draft"),
    path(f"{DRAFT}client/", views.draft_client, name="draft-client"),
    path(f"{DRAFT}lines/appointment/", views.add_appointment_line, name="add-appointment"),
    path(f"{DRAFT}lines/service/", views.add_service_line, name="add-service"),
    path(f"{DRAFT}lines/product/", views.add_product_line, name="add-product"),
    path(f"{DRAFT}lines/gift-card/", views.add_gift_card_line, name="add-gift-card"),
    path(f"{DRAFT}lines/<int:invoice_line_pk>/discount/", views.set_line_discount,
         name="line-discount"),
    path(f"{DRAFT}lines/<int:invoice_line_pk>/quantity/", views.set_line_quantity,
         name="line-quantity"),
    path(f"{DRAFT}lines/<int:invoice_line_pk>/remove/", views.remove_line, name="line-remove"),
    path(f"{DRAFT}discount/", views.set_invoice_discount, name="invoice-discount"),
    path(f"{DRAFT}code/", views.apply_code, name="apply-code"),
    path(f"{DRAFT}code/remove/", views.remove_code, name="remove-code"),
    path(f"{DRAFT}gift-cards/<int:gift_card_pk>/", views.use_gift_card, name="use-gift-card"),
    path(f"{DRAFT}pay/", views.pay, name="pay"),
    path(f"{DRAFT}discard/", views.discard_draft, name="discard"),
    path("manage/<slug:slug>/invoices/", views.invoice_list, name="invoice-list"),
    path(INVOICE, views.invoice_detail, name="invoice-detail"),
    path(f"{INVOICE}refund/", views.invoice_refund, name="invoice-refund"),
    path(f"{INVOICE}receipt/", views.invoice_receipt, name="invoice-receipt"),
    path(f"{INVOICE}receipt/email/", views.email_receipt, name="email-receipt"),
    path("manage/<slug:slug>/products/", views.product_list, name="product-list"),
    path("manage/<slug:slug>/products/new/", views.product_create, name="product-create"),
    path("manage/<slug:slug>/products/<int:product_pk>/edit/", views.product_edit,
         name="product-edit"),
]
