"""What each invoice rule gave, recorded with an invoice's earn entry from now on.
Entries written before keep None: history is not rewritten (the invoice page works
their rules out when today's rules are still those of then)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('loyalty', '0005_program_periods'),
    ]

    operations = [
        migrations.AddField(
            model_name='pointsentry',
            name='breakdown',
            field=models.JSONField(blank=True, null=True),
        ),
    ]
