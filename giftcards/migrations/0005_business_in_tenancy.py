"""The business key now points at tenancy.Business: the table it references is the same
rows under its new name (tenancy 0001 renamed it), so only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('giftcards', '0004_typed_sources'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='coupon',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='couponuse',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='giftcard',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='giftcardoffer',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='giftcardpurchase',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='giftcardtransaction',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
            migrations.AlterField(
                model_name='rewardtier',
                name='business',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business'),
            ),
        ]),
    ]
