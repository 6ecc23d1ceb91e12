"""The demo's loyalty program at Atelier Lumière: points per visit and per service,
spend rules, yearly expiry, a stamp card of three rewards (set up before the points are
credited, so that Claire's points have already unlocked a reward code), past visits
already credited and a welcome gift."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from booking.models import Client, Service
from loyalty.models import EntryKind, PointsEntry, RewardTier
from loyalty.services import adjustments, crediting, program, stamp_card
from tenancy.models import Business

SERVICE_POINTS = {"Couleur & coupe": 3, "Balayage": 5}
WELCOME = "Cadeau de bienvenue"
# name, points, discount, value, applies to, free service, valid (days), resets the card
REWARD_TIERS = [
    ("5 € sur votre prochaine visite", 10, "amount", "5.00", "bookings", None, 60, False),
    ("-15 % sur les produits", 20, "percent", "15", "products", None, 90, False),
    ("Un brushing offert", 30, "free_service", "0", "bookings", "Brushing", 90, True),
]


def set_up(businesses: dict[str, Business]) -> None:
    """Before the diary: the rules its visits earn under, on since two months."""
    atelier = businesses["atelier-lumiere"]
    # On since then: a later "on" is moved back to it, an earlier one is kept.
    program.on_loyalty_switched(business=atelier, enabled=True,
                                now=timezone.now() - timedelta(days=60))
    program.update_program(business=atelier, crediting_delay_hours=3, points_per_booking=1,
                           spend_points=1, spend_amount=Decimal("10.00"),
                           spend_scope="products", expiry_months=12)
    for name, points in SERVICE_POINTS.items():
        service = Service.objects.for_business(atelier).filter(name=name).first()
        if service is not None:
            program.set_catalog_points(business=atelier, service=service, is_enabled=True,
                                       points=points)


def stamp_card_rewards(businesses: dict[str, Business]) -> None:
    """Before the points are credited: their crossing of the first tier unlocks a code."""
    atelier = businesses["atelier-lumiere"]
    if RewardTier.objects.for_business(atelier).exists():
        return
    for name, points, kind, value, applies_to, service, days, resets in REWARD_TIERS:
        stamp_card.create_tier(
            business=atelier, name=name, threshold=points, discount_kind=kind,
            value=Decimal(value), applies_to=applies_to, validity_days=days,
            service=Service.objects.for_business(atelier).filter(name=service).first(),
            earns_points=kind == "amount", resets_card=resets)


def credit(businesses: dict[str, Business]) -> None:
    """After the diary: the crediting job has run, and the manager gave a welcome gift."""
    atelier = businesses["atelier-lumiere"]
    crediting.credit_due_appointments()
    claire = Client.objects.for_business(atelier).get(email="claire@example.com")
    if not PointsEntry.objects.for_business(atelier).filter(
            client=claire, kind=EntryKind.ADJUST, description=WELCOME).exists():
        adjustments.adjust_points(business=atelier, client=claire, points=10,
                                  description=WELCOME, note="Fidèle depuis 2019",
                                  by=User.objects.get(email="manager@salonbook.test"))
