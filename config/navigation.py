"""The back office menu: every app's pages, grouped as a salon thinks of its work.

It lives in config because, like urls.py, it composes all the apps. A link is shown
only when its URL exists, the member's role may open it (the view's
`backoffice_role`) and, where it says so, the business has the extension on. The
link whose address is the longest prefix of the current page's marks it as current.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext_lazy as _

from tenancy.models import Role


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    # Other pages of this link's section, as paths under /manage/<slug>/.
    also: tuple[str, ...] = ()
    # A page that is a prefix of every other (the dashboard) is current only on itself.
    exact: bool = False
    # The htmx fragment that opens this link's page in a popup, when it has one.
    popup: str = ""
    shown: Callable = field(default=lambda business: True)


@dataclass(frozen=True)
class Group:
    label: str
    icon: str
    links: tuple[Link, ...]


MENU = (
    Group(_("Calendar"), "calendar-days", (
        Link(_("Calendar"), "booking:calendar-day", also=("appointments/", "class-sessions/")),)),
    Group(_("Dashboard"), "layout-dashboard", (
        Link(_("Dashboard"), "booking:backoffice-home", exact=True),)),
    Group(_("Clients"), "users", (
        Link(_("All clients"), "booking:client-list", also=("gift-cards/clients/",)),
        Link(_("Add points"), "loyalty:adjust", popup="loyalty:adjust-popup",
             also=("loyalty/",), shown=lambda business: business.loyalty_enabled),
    )),
    Group(_("Sales"), "receipt", (
        Link(_("Checkout"), "checkout:start"),
        Link(_("Invoices"), "checkout:invoice-list"),
        Link(_("Products"), "checkout:product-list"),
        Link(_("Gift cards"), "giftcards:card-list"),
    )),
    Group(_("Catalog"), "scissors", (
        Link(_("Services"), "booking:service-list"),
        Link(_("Classes"), "booking:class-type-list"),
        Link(_("Membership plans"), "booking:membership-plan-list"),
        Link(_("Staff"), "booking:staff-member-list"),
    )),
    Group(_("Loyalty & marketing"), "megaphone", (
        Link(_("Coupons"), "giftcards:coupon-list"),
        Link(_("Loyalty rewards"), "giftcards:tier-list"),
        Link(_("Gift card offers"), "giftcards:offer-list"),
        Link(_("Messages"), "notifications:message-list"),
    )),
    Group(_("Reports"), "chart-column", (
        Link(_("Reports"), "reports:index"),)),
    Group(_("Settings"), "settings", (
        Link(_("Settings"), "booking:settings-general",
             also=("settings/", "checkout/settings/")),)),
)


@dataclass
class ShownLink:
    label: str
    url: str
    popup_url: str
    current: bool


@dataclass
class ShownGroup:
    label: str
    icon: str
    links: list[ShownLink]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


@functools.cache
def _required_role(url_name: str) -> Role:
    view = resolve(reverse(url_name, args=["any"])).func
    return Role(getattr(view, "backoffice_role", Role.STAFF))


def _url(url_name: str, slug: str) -> str | None:
    try:
        return reverse(url_name, args=[slug])
    except NoReverseMatch:
        return None


def menu_for(request) -> list[ShownGroup]:
    business, membership = request.business, request.membership
    home = reverse("booking:backoffice-home", args=[business.slug])
    found = []
    for group in MENU:
        for link in group.links:
            url = _url(link.url_name, business.slug)
            if url is None or not link.shown(business) \
                    or not membership.has_role(_required_role(link.url_name)):
                continue
            prefixes = [url, *(home + extra for extra in link.also)]
            if link.exact:
                matched = len(url) if request.path == url else 0
            else:
                matched = max((len(p) for p in prefixes if request.path.startswith(p)), default=0)
            found.append((group, link, url, matched))
    longest = max((matched for *_, matched in found), default=0)
    groups: dict[Group, ShownGroup] = {}
    for group, link, url, matched in found:
        shown = groups.setdefault(group, ShownGroup(group.label, group.icon, []))
        current = 0 < matched == longest
        shown.links.append(ShownLink(link.label, url,
                                     _url(link.popup, business.slug) if link.popup else "",
                                     current))
    return list(groups.values())


def backoffice_menu(request) -> dict:
    """Context processor: the menu, built only when a back office page renders it."""
    if getattr(request, "membership", None) is None:
        return {}
    return {"backoffice_menu": functools.partial(menu_for, request)}
