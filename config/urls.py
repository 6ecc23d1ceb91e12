from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from booking import api as booking_api
from booking import api_catalog as booking_catalog_api
from checkout import api as checkout_api
from core.api import api_not_found
from core.views import health
from giftcards import api as giftcards_api
from loyalty import api as loyalty_api
from notifications import api as notifications_api

router = SimpleRouter()
booking_api.register(router)
booking_catalog_api.register(router)
checkout_api.register(router)
loyalty_api.register(router)
notifications_api.register(router)
giftcards_api.register(router)

api_urlpatterns = [
    path("business/", booking_api.BusinessView.as_view(), name="business"),
    path("extensions/", booking_api.ExtensionsView.as_view(), name="extensions"),
    path("availability/", booking_api.AvailabilityView.as_view(), name="availability"),
    path("loyalty/program/", loyalty_api.ProgramView.as_view(), name="loyalty-program"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script, CSP holds.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
    re_path(r"^.*$", api_not_found),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="booking:backoffice-home-switch"), name="root"),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_urlpatterns, "api"))),
    path("", include("notifications.urls")),
    path("", include("checkout.urls")),
    path("", include("giftcards.urls")),
    path("", include("loyalty.urls")),
    path("", include("reports.urls")),
    # Last: the booking site at /<slug>/ must not shadow the paths above.
    path("", include("booking.urls")),
]
