"""The crediting job's queue, filled with what the job still has to handle: for each
business with Loyalty on, its booked or attended appointments without a credit mark
that ended since the program first came on and within the catch-up, and those to
come."""

from datetime import timedelta

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Exists, OuterRef
from django.utils import timezone

CATCH_UP = timedelta(days=90)
HOLDING_STATES = ("booked", "completed")


def fill_queue(apps, schema_editor):
    Program = apps.get_model("loyalty", "Program")
    ProgramPeriod = apps.get_model("loyalty", "ProgramPeriod")
    AppointmentCredit = apps.get_model("loyalty", "AppointmentCredit")
    CreditDue = apps.get_model("loyalty", "CreditDue")
    Appointment = apps.get_model("booking", "Appointment")
    now = timezone.now()
    for program in Program.objects.filter(business__loyalty_enabled=True):
        first_on = (ProgramPeriod.objects.filter(business_id=program.business_id)
                    .order_by("started_at").values_list("started_at", flat=True).first())
        if first_on is None:
            continue
        delay = timedelta(hours=program.crediting_delay_hours)
        handled = AppointmentCredit.objects.filter(appointment=OuterRef("pk"))
        due = (Appointment.objects.filter(business_id=program.business_id,
                                          state__in=HOLDING_STATES,
                                          ends_at__gte=max(now - delay - CATCH_UP, first_on))
               .filter(~Exists(handled)).values_list("pk", "ends_at"))
        CreditDue.objects.bulk_create(
            (CreditDue(business_id=program.business_id, appointment_id=pk,
                       due_at=ends_at + delay) for pk, ends_at in due.iterator(chunk_size=2000)),
            batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0008_tenancy_core_moved_out'),
        ('loyalty', '0009_reward_tiers_from_giftcards'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='CreditDue',
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("due_at", models.DateTimeField()),
                ("appointment", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="+",
                    to="booking.appointment")),
                ("business", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="+",
                    to="tenancy.business")),
            ],
            options={
                'verbose_name': 'appointment due for crediting',
                'verbose_name_plural': 'appointments due for crediting',
                'indexes': [models.Index(fields=['due_at', 'id'], name='loyalty_credit_due_order')],
                'constraints': [models.UniqueConstraint(fields=('business', 'appointment'),
                                                        name='loyalty_credit_due_once')],
            },
        ),
        migrations.RunPython(fill_queue, migrations.RunPython.noop),
    ]
