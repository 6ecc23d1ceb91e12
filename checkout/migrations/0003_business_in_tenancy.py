"""The business key now points at tenancy.Business: the table it references is the same
rows under its new name (tenancy 0001 renamed it), so only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('checkout', '0002_invoice_codes'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='checkoutsettings',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='invoice',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='invoicecounter',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='invoiceline',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='payment',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='product',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='refund',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='refundallocation',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='refundline',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
        ]),
    ]
