from django.urls import include, path

from booking.views import backoffice, site

app_name = "booking"

# Back office: every page under /manage/<slug>/ goes through `backoffice_view`.
backoffice_urlpatterns = [
    path("", backoffice.business_switcher, name="backoffice-home-switch"),
    path("new/", backoffice.business_create, name="business-create"),
    path("<slug:slug>/", backoffice.home, name="backoffice-home"),
    path("<slug:slug>/settings/", backoffice.settings_general, name="settings-general"),
    path("<slug:slug>/settings/extensions/", backoffice.settings_extensions,
         name="settings-extensions"),
    path("<slug:slug>/settings/team/", backoffice.settings_team, name="settings-team"),
    path("<slug:slug>/settings/api-tokens/", backoffice.settings_api_tokens,
         name="settings-api-tokens"),
    path("<slug:slug>/settings/api-tokens/<int:api_token_pk>/revoke/",
         backoffice.api_token_revoke, name="api-token-revoke"),
    path("<slug:slug>/", include("booking.catalog_urls")),
    path("<slug:slug>/", include("booking.calendar_urls")),
    path("<slug:slug>/clients/", backoffice.client_list, name="client-list"),
    path("<slug:slug>/clients/new/", backoffice.client_create, name="client-create"),
    path("<slug:slug>/clients/<int:client_pk>/", backoffice.client_detail, name="client-detail"),
    path("<slug:slug>/clients/<int:client_pk>/edit/", backoffice.client_edit,
         name="client-edit"),
]

# Booking site: /<slug>/..., last in the project's URLs so that it shadows nothing.
site_urlpatterns = [
    path("<slug:slug>/", site.home, name="site-home"),
    path("<slug:slug>/signup/", site.sign_up, name="site-signup"),
    path("<slug:slug>/signup/finish/<str:token>/", site.finish_sign_up,
         name="site-signup-finish"),
    path("<slug:slug>/connect/", site.connect_sent, name="site-connect-sent"),
    path("<slug:slug>/connect/<str:token>/", site.connect, name="site-connect"),
    path("<slug:slug>/login/", site.log_in, name="site-login"),
    path("<slug:slug>/logout/", site.log_out, name="site-logout"),
    path("<slug:slug>/profile/", site.profile, name="site-profile"),
]

urlpatterns = [
    path("manage/", include(backoffice_urlpatterns)),
    path("", include("booking.site_urls")),
    *site_urlpatterns,
]
