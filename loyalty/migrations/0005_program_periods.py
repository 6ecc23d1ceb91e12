"""When the program was on, as periods, instead of only when it was last switched on.

An appointment that ended while the program was on earns even if the program went
off and on again before it was credited. Backfill from what is known:
- Loyalty on: on since it was last switched on (since now if that was never
  recorded: the crediting job did not credit anything earlier either).
- Loyalty off: on from its last switch-on until the crediting job last handled one
  of its appointments, since the job runs only while the program is on. When it went
  off after that is not known, so no later time is taken for "on".
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Max
from django.utils import timezone


def record_periods(apps, schema_editor):
    Business = apps.get_model("booking", "Business")
    Program = apps.get_model("loyalty", "Program")
    ProgramPeriod = apps.get_model("loyalty", "ProgramPeriod")
    AppointmentCredit = apps.get_model("loyalty", "AppointmentCredit")
    now = timezone.now()
    enabled_at = dict(Program.objects.values_list("business_id", "enabled_at"))
    periods = [ProgramPeriod(business_id=business_id,
                             started_at=enabled_at.get(business_id) or now)
               for business_id in Business.objects.filter(loyalty_enabled=True)
               .values_list("pk", flat=True)]
    switched_off = Program.objects.filter(business__loyalty_enabled=False,
                                          enabled_at__isnull=False)
    for business_id, started_at in switched_off.values_list("business_id", "enabled_at"):
        last_run = (AppointmentCredit.objects
                    .filter(business_id=business_id, processed_at__gte=started_at)
                    .aggregate(last=Max("processed_at"))["last"])
        if last_run is not None:
            periods.append(ProgramPeriod(business_id=business_id, started_at=started_at,
                                         ended_at=last_run))
    ProgramPeriod.objects.bulk_create(periods)


def restore_enabled_at(apps, schema_editor):
    Program = apps.get_model("loyalty", "Program")
    ProgramPeriod = apps.get_model("loyalty", "ProgramPeriod")
    for business_id, started_at in (ProgramPeriod.objects.order_by("started_at")
                                    .values_list("business_id", "started_at")):
        Program.objects.filter(business_id=business_id).update(enabled_at=started_at)


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0007_appointment_used_reward'),
        ('loyalty', '0004_account_follows_entries'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProgramPeriod',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_at', models.DateTimeField()),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
                ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='booking.business')),
            ],
            options={
                'verbose_name': 'loyalty program period',
                'verbose_name_plural': 'loyalty program periods',
                'constraints': [models.UniqueConstraint(condition=models.Q(('ended_at__isnull', True)), fields=('business',), name='loyalty_one_open_period'), models.CheckConstraint(condition=models.Q(('ended_at__isnull', True), ('ended_at__gte', models.F('started_at')), _connector='OR'), name='loyalty_period_ends_after_start')],
            },
        ),
        migrations.RunPython(record_periods, restore_enabled_at),
        migrations.RemoveField(
            model_name='program',
            name='enabled_at',
        ),
    ]
