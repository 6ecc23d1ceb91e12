"""Back office pages of notifications under /manage/<slug>/, and the booking site's
unsubscribe page (included from config/urls.py before the booking site)."""

from django.urls import path

from notifications import views

app_name = "notifications"

TEMPLATE = "manage/<slug:slug>/settings/messages/<slug:kind>/"

urlpatterns = [
    path("manage/<slug:slug>/messages/", views.message_list, name="message-list"),
    path("manage/<slug:slug>/messages/<int:outbound_message_pk>/", views.message_detail,
         name="message-detail"),
    path("manage/<slug:slug>/settings/messages/", views.template_list, name="template-list"),
    path(TEMPLATE, views.template_edit, name="template-edit"),
    path(f"{TEMPLATE}preview/", views.template_preview, name="template-preview"),
    path(f"{TEMPLATE}reset/", views.template_reset, name="template-reset"),
    path("<slug:slug>/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
