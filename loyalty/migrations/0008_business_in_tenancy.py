"""The business key now points at tenancy.Business: the table it references is the same
rows under its new name (tenancy 0001 renamed it), so only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('loyalty', '0007_typed_sources'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='appointmentcredit',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='catalogpoints',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='pointsaccount',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='pointsentry',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='program',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='programperiod',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
        ]),
    ]
