"""Business, StaffMembership and ApiToken leave booking's state: tenancy 0001 took them,
table and rows, and every key pointing at them now points at tenancy. Nothing changes in
the database (it depends on every app's move so that nothing references the old models)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0007_appointment_used_reward'),
        ('checkout', '0003_business_in_tenancy'),
        ('core', '0003_business_in_tenancy'),
        ('giftcards', '0005_business_in_tenancy'),
        ('loyalty', '0008_business_in_tenancy'),
        ('notifications', '0002_business_in_tenancy'),
        ('reports', '0002_business_in_tenancy'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='scheduleexception',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='client',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='staffmember',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='classsession',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.RemoveField(
                model_name='staffmembership',
                name='business',
            ),
            migrations.AlterField(
                model_name='service',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='waitlistentry',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='workinghours',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='clientmembership',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='membershipplan',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='appointment',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='classtype',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='appointmentseries',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='appointmentevent',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='servicestaff',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.RemoveField(
                model_name='staffmembership',
                name='user',
            ),
            migrations.AlterField(
                model_name='staffmember',
                name='membership',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='staff_members', to='tenancy.staffmembership'),
            ),
            migrations.DeleteModel(
                name='ApiToken',
            ),
            migrations.DeleteModel(
                name='Business',
            ),
            migrations.DeleteModel(
                name='StaffMembership',
            ),
        ]),
    ]
