"""Loyalty pages: back office under /manage/<slug>/, the client's tab on the booking site."""

from django.urls import path

from loyalty import views

app_name = "loyalty"

urlpatterns = [
    path("manage/<slug:slug>/settings/loyalty/", views.program_settings, name="settings"),
    path("manage/<slug:slug>/services/<int:service_pk>/loyalty/", views.service_points,
         name="service-points"),
    path("manage/<slug:slug>/classes/<int:class_type_pk>/loyalty/", views.class_type_points,
         name="class-type-points"),
    path("manage/<slug:slug>/loyalty/points/add/", views.adjust, name="adjust"),
    path("manage/<slug:slug>/loyalty/points/add/popup/", views.adjust_popup,
         name="adjust-popup"),
    path("manage/<slug:slug>/loyalty/entries/<int:points_entry_pk>/undo/", views.undo_adjustment,
         name="undo-adjustment"),
    path("manage/<slug:slug>/clients/<int:client_pk>/points/", views.client_history,
         name="client-history"),
    path("<slug:slug>/loyalty/", views.site_loyalty, name="site-loyalty"),
]
