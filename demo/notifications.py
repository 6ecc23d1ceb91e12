"""The notifications part of the demo: Atelier Lumière's own wording of the booking
confirmation, in French, saved before the diary is booked.

Every booking of the demo then records its email in Messages (a client without an
email address shows as skipped, with the reason); once `make run` starts the
worker, they are sent to the mail catcher, which prints them in the terminal, and
the log says "Sent". Loading twice changes nothing.
"""

from notifications.kinds import MessageKind
from notifications.models import MessageTemplate
from notifications.services import save_template
from tenancy.models import Business

ATELIER_CONFIRMATION = {
    "subject": "C'est noté, {{ client_name }} : {{ service }}, {{ date }}",
    "body": (
        "Bonjour {{ client_name }},\n"
        "\n"
        "Merci pour votre réservation chez {{ business_name }} ! Nous vous attendons :\n"
        "\n"
        "{{ service }} avec {{ staff }}\n"
        "{{ date }}\n"
        "\n"
        "{{ loyalty_line }}\n"
        "\n"
        "Un empêchement ? Prévenez-nous au moins 24 heures à l'avance, ou gérez vos "
        "rendez-vous ici : {{ booking_link }}\n"
        "\n"
        "À très vite,\n"
        "L'équipe {{ business_name }}"
    ),
}


def load(businesses: dict[str, Business]) -> None:
    atelier = businesses["atelier-lumiere"]
    if not MessageTemplate.objects.for_business(atelier).filter(
            kind=MessageKind.BOOKING_CONFIRMED).exists():
        save_template(business=atelier, kind=MessageKind.BOOKING_CONFIRMED, by=None,
                      **ATELIER_CONFIRMATION)
