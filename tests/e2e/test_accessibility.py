"""axe-core on the pages of the back office and the booking site, in English, French
and Ukrainian, at phone width: no serious or critical WCAG 2.2 AA violation."""

import pytest
from django.urls import reverse

from loyalty.services import adjustments
from tenancy.models import Extension, Role
from tenancy.services import set_extension
from tests.booking.booking_setup import open_salon
from tests.factories import (
    ClientFactory,
    RewardTierFactory,
    StaffMembershipFactory,
    UserFactory,
)
from tests.fixtures.browser import serious_violations
from tests.fixtures.site import sign_in_on_site

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

def backoffice_pages(business, client_pk, service_pk):
    slug = business.slug
    return [reverse(name, args=[slug, *args]) for name, args in [
        ("booking:backoffice-home", []), ("booking:calendar-day", []),
        ("booking:client-list", []), ("booking:client-detail", [client_pk]),
        ("booking:service-list", []), ("booking:service-edit", [service_pk]),
        ("loyalty:service-points", [service_pk]), ("booking:settings-general", []),
        ("booking:settings-extensions", []), ("loyalty:settings", []),
        ("loyalty:adjust", []), ("checkout:start", []), ("checkout:invoice-list", []),
        ("notifications:message-list", []), ("reports:index", []),
        ("giftcards:card-list", []), ("giftcards:coupon-list", []),
        ("giftcards:tier-list", []), ("giftcards:tier-create", []),
        ("giftcards:give-reward", [client_pk]),
    ]]


def site_pages(business, service_pk):
    slug = business.slug
    return [reverse("booking:site-home", args=[slug]),
            reverse("booking:site-book-service", args=[slug, service_pk]),
            reverse("booking:site-my-appointments", args=[slug]),
            reverse("loyalty:site-loyalty", args=[slug]),
            reverse("giftcards:site-mine", args=[slug]),
            reverse("booking:site-profile", args=[slug])]


@pytest.mark.parametrize("language", ["en", "fr", "uk"])
def test_pages_have_no_serious_accessibility_violations(page, live_server, business,
                                                        language, client):
    # Given a salon speaking `language`, with Loyalty on, an owner and a client
    business.language = language
    business.save(update_fields=["language"])
    business, _also = set_extension(business=business, extension=Extension.LOYALTY,
                                    enabled=True)
    salon = open_salon(business)
    owner = UserFactory(language=language)
    StaffMembershipFactory(business=business, user=owner, role=Role.OWNER)
    visitor = UserFactory(language=language)
    regular = ClientFactory(business=business, user=visitor)
    RewardTierFactory(business=business, name="5 € off", threshold=5)
    adjustments.adjust_points(business=business, client=regular, points=5,
                              description="Welcome", by=owner)
    service_pk = salon.cut.pk

    found = {}
    # When the owner walks the back office
    client.force_login(owner)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    for path in backoffice_pages(business, regular.pk, service_pk):
        page.goto(path)
        found[path] = serious_violations(page)
    # And opens "Add points" on the client page, in its popup
    page.goto(reverse("booking:client-detail", args=[business.slug, regular.pk]))
    page.locator('main a[data-popup="add-points-popup"]').click()
    page.locator("#add-points-popup input[name=points]").wait_for(state="visible")
    found["the Add points popup"] = serious_violations(page)
    # And the client walks the booking site
    page.context.clear_cookies()
    sign_in_on_site(client, visitor, business)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    for path in site_pages(business, service_pk):
        page.goto(path)
        found[path] = serious_violations(page)

    # Then axe finds nothing serious anywhere
    assert not {path: issues for path, issues in found.items() if issues}
