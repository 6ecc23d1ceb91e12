"""The demo that `make run` loads: what a new user sees working at once.

Every step finds what an earlier run made before making it, so loading twice
changes nothing. Each capability of the product adds its part here.
"""

from dataclasses import dataclass

from accounts.models import User
from booking.models import Client
from booking.services import clients as client_services
from booking.services import site_accounts
from demo import appointments as demo_appointments
from demo import booking as demo_booking
from demo import checkout as demo_checkout
from demo import giftcards as demo_giftcards
from demo import loyalty as demo_loyalty
from demo import notifications as demo_notifications
from demo import reports as demo_reports
from demo import sales as demo_sales
from tenancy import services as tenant_services
from tenancy.models import Business, Extension, Role, StaffMembership

PASSWORD = "salonbook-demo"  # noqa: S105 - a published demo password, local only


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    where: str


LOGINS = [
    DemoLogin("owner (both businesses)", "owner@salonbook.test", "/accounts/login/"),
    DemoLogin("manager", "manager@salonbook.test", "/accounts/login/"),
    DemoLogin("staff", "staff@salonbook.test", "/accounts/login/"),
    DemoLogin("client", "claire@example.com", "/atelier-lumiere/login/"),
]

BUSINESSES = [
    {"name": "Atelier Lumière", "slug": "atelier-lumiere", "time_zone": "Europe/Paris",
     "currency": "EUR", "language": "fr", "contact_email": "bonjour@atelier-lumiere.test"},
    {"name": "Studio Kvitka", "slug": "studio-kvitka", "time_zone": "Europe/Kyiv",
     "currency": "UAH", "language": "uk", "contact_email": "hello@studio-kvitka.test"},
]

CLIENTS = {
    "atelier-lumiere": [
        ("Claire", "Martin", "claire@example.com", "+33 6 12 34 56 78", True),
        ("Léa", "Dubois", "lea.dubois@example.com", "+33 6 98 76 54 32", True),
        ("Hugo", "Bernard", "hugo.bernard@example.com", "", False),
        ("Chloé", "Petit", "", "+33 7 11 22 33 44", False),
    ],
    "studio-kvitka": [
        ("Оксана", "Коваленко", "oksana@example.com", "+380 67 123 45 67", True),
        ("Андрій", "Шевченко", "andrii@example.com", "", False),
    ],
}


def _user(email: str, full_name: str, language: str = "") -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=PASSWORD, full_name=full_name,
                                        language=language)
    return user


def _business(owner: User, spec: dict) -> Business:
    business = Business.objects.filter(slug=spec["slug"]).first()
    return business or tenant_services.create_business(owner=owner, **spec)


def _member(business: Business, user: User, role: Role) -> None:
    if not StaffMembership.objects.for_business(business).filter(user=user).exists():
        tenant_services.add_staff_member(business=business, user=user, role=role)


def load() -> dict[str, Business]:
    owner = _user("owner@salonbook.test", "Camille Laurent")
    manager = _user("manager@salonbook.test", "Inès Moreau", "fr")
    staff = _user("staff@salonbook.test", "Olena Bondar", "uk")
    businesses = {spec["slug"]: _business(owner, spec) for spec in BUSINESSES}

    atelier = businesses["atelier-lumiere"]
    _member(atelier, manager, Role.MANAGER)
    _member(atelier, staff, Role.STAFF)
    _member(businesses["studio-kvitka"], staff, Role.STAFF)
    if not atelier.loyalty_enabled:
        atelier, _also = tenant_services.set_extension(business=atelier,
                                                       extension=Extension.LOYALTY, enabled=True)
        businesses["atelier-lumiere"] = atelier
    kvitka = businesses["studio-kvitka"]
    if not kvitka.client_login_enabled:
        kvitka, _also = tenant_services.set_extension(business=kvitka,
                                                      extension=Extension.CLIENT_LOGIN,
                                                      enabled=True)
        businesses["studio-kvitka"] = kvitka

    for slug, rows in CLIENTS.items():
        business = businesses[slug]
        for first, last, email, phone, opt_in in rows:
            exists = Client.objects.for_business(business).filter(
                first_name=first, last_name=last).exists()
            if not exists:
                client_services.create_client(business=business, first_name=first,
                                              last_name=last, email=email, phone=phone,
                                              marketing_opt_in=opt_in)
    claire_user = _user("claire@example.com", "Claire Martin", "fr")
    # The demo knows Claire holds her address: her login opens her client record at once.
    claire = Client.objects.for_business(atelier).get(email="claire@example.com")
    if claire.user_id is None:
        site_accounts.link_client_login(business=atelier, client=claire, user=claire_user)
    demo_booking.load(businesses)
    demo_loyalty.set_up(businesses)
    # Before the diary: its confirmations use Atelier Lumière's own wording.
    demo_notifications.load(businesses)
    demo_appointments.load(businesses)
    demo_checkout.load(businesses)
    demo_loyalty.stamp_card_rewards(businesses)
    demo_giftcards.load(businesses)
    demo_sales.load(businesses)
    demo_loyalty.credit(businesses)
    demo_reports.load(businesses)
    return businesses
