"""The expiry sweeps' due times on each points account, with the partial indexes the
sweeps read them through, filled for the accounts of businesses with Loyalty on: the
soonest expiry not yet checked, and the soonest not yet announced less the program's
notice (where the program has an expiry)."""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import DateTimeField, ExpressionWrapper, OuterRef, Q, Subquery
from django.utils import timezone


def fill_due_times(apps, schema_editor):
    Program = apps.get_model("loyalty", "Program")
    PointsAccount = apps.get_model("loyalty", "PointsAccount")
    PointsEntry = apps.get_model("loyalty", "PointsEntry")
    now = timezone.now()
    entries = PointsEntry.objects.filter(account=OuterRef("pk")).order_by("expires_at")
    unchecked = entries.filter(Q(expires_at__gt=OuterRef("expiry_checked_at"))
                               | Q(account__expiry_checked_at__isnull=True),
                               expires_at__isnull=False)
    unannounced = entries.filter(Q(expires_at__gt=OuterRef("expiry_warned_until"))
                                 | Q(account__expiry_warned_until__isnull=True),
                                 expires_at__gt=now)
    for program in Program.objects.filter(business__loyalty_enabled=True):
        values = {"next_expiry_at": Subquery(unchecked.values("expires_at")[:1])}
        if program.expiry_months is not None:
            values["next_warning_at"] = ExpressionWrapper(
                Subquery(unannounced.values("expires_at")[:1])
                - timedelta(days=program.expiry_notice_days), output_field=DateTimeField())
        PointsAccount.objects.filter(business_id=program.business_id).update(**values)


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0008_tenancy_core_moved_out'),
        ('loyalty', '0010_credit_queue'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='pointsaccount',
            name='next_expiry_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='pointsaccount',
            name='next_warning_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='pointsaccount',
            index=models.Index(condition=models.Q(('next_expiry_at__isnull', False)),
                               fields=['next_expiry_at', 'id'],
                               name='loyalty_account_expiry_due'),
        ),
        migrations.AddIndex(
            model_name='pointsaccount',
            index=models.Index(condition=models.Q(('next_warning_at__isnull', False)),
                               fields=['next_warning_at', 'id'],
                               name='loyalty_account_warning_due'),
        ),
        migrations.RunPython(fill_due_times, migrations.RunPython.noop),
    ]
