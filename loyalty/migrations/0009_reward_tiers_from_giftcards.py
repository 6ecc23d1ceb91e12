"""RewardTier moves here from giftcards, every row with it: the stamp card is a loyalty
rule (loyalty/stamp_card.py says why).

The table is renamed (giftcards_rewardtier -> loyalty_rewardtier), which keeps its rows, its
ids and the key giftcards_coupon.tier_id holds on them: PostgreSQL's foreign keys follow a
renamed table, and SQLite (3.26 and later, legacy_alter_table off as Django sets it)
rewrites the reference. Django's state gains the model here with its constraints under their
giftcards names; they are then made again under loyalty's, with the same conditions. The
rename runs after every giftcards migration that existed when the model moved (see
dependencies), so that none of them meets a table that is no longer there; giftcards 0006
then points Coupon.tier here and drops the model from giftcards' state.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

OLD_TABLE, NEW_TABLE = "giftcards_rewardtier", "loyalty_rewardtier"
DISCOUNT_CONSISTENT = (
    models.Q(('discount_kind', 'amount'), ('value__gt', 0))
    | models.Q(('discount_kind', 'percent'), ('value__gt', 0), ('value__lte', 100))
    | models.Q(('discount_kind', 'free_service'), ('service__isnull', False)))


def constraints(prefix: str) -> list:
    return [
        models.UniqueConstraint(condition=models.Q(('is_active', True)),
                                fields=('business', 'threshold'),
                                name=f'{prefix}_tier_one_active_per_threshold'),
        models.UniqueConstraint(condition=models.Q(('is_active', True), ('resets_card', True)),
                                fields=('business',), name=f'{prefix}_tier_one_active_reset'),
        models.CheckConstraint(condition=DISCOUNT_CONSISTENT,
                               name=f'{prefix}_tier_discount_consistent'),
    ]


def move_content_type(old_app: str, new_app: str):
    """Permissions (and anything else keyed by content type) follow the model."""

    def move(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias)
        if not content_types.filter(app_label=new_app, model="rewardtier").exists():
            content_types.filter(app_label=old_app, model="rewardtier").update(app_label=new_app)

    return move


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0008_tenancy_core_moved_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('giftcards', '0005_business_in_tenancy'),
        ('loyalty', '0008_business_in_tenancy'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f"ALTER TABLE {OLD_TABLE} RENAME TO {NEW_TABLE}",
                                  reverse_sql=f"ALTER TABLE {NEW_TABLE} RENAME TO {OLD_TABLE}"),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='RewardTier',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120, verbose_name='name')),
                        ('threshold', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(1000000)], verbose_name='points needed')),
                        ('discount_kind', models.CharField(choices=[('amount', 'Fixed amount'), ('percent', 'Percent'), ('free_service', 'Free service')], max_length=12, verbose_name='discount')),
                        ('value', models.DecimalField(decimal_places=2, default=0, max_digits=12, verbose_name='amount or percent')),
                        ('applies_to', models.CharField(choices=[('bookings', 'Bookings'), ('products', 'Products'), ('both', 'Bookings and products')], default='bookings', max_length=10, verbose_name='applies to')),
                        ('validity_days', models.PositiveIntegerField(default=90, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(3650)], verbose_name='code valid for (days)')),
                        ('earns_points', models.BooleanField(default=False, verbose_name='bookings using it still earn points')),
                        ('resets_card', models.BooleanField(default=False, help_text='Only the highest tier can: its points are taken off when the reward is unlocked, and the points above it are kept.', verbose_name='starts the card over')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.business')),
                        ('service', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='booking.service', verbose_name='free service')),
                    ],
                    options={
                        'verbose_name': 'reward tier',
                        'verbose_name_plural': 'reward tiers',
                        'ordering': ['threshold', 'pk'],
                        'constraints': constraints('giftcards'),
                    },
                ),
            ],
        ),
        # The same rules under loyalty's names.
        *[migrations.RemoveConstraint(model_name='rewardtier', name=constraint.name)
          for constraint in constraints('giftcards')],
        *[migrations.AddConstraint(model_name='rewardtier', constraint=constraint)
          for constraint in constraints('loyalty')],
        migrations.RunPython(move_content_type("giftcards", "loyalty"),
                             move_content_type("loyalty", "giftcards")),
    ]
