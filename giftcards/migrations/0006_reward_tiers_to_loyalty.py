"""RewardTier moved to loyalty with its table (loyalty 0009): Coupon.tier now points at it
there, and giftcards' state drops the model. The table and the key on it are already where
they belong, so only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('giftcards', '0005_business_in_tenancy'),
        ('loyalty', '0009_reward_tiers_from_giftcards'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name='coupon',
                name='tier',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='codes', to='loyalty.rewardtier', verbose_name='reward tier'),
            ),
            migrations.DeleteModel(
                name='RewardTier',
            ),
        ]),
    ]
