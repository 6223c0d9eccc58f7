

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('groups', '0004_outlets'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Campaign',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('kind', models.CharField(choices=[('fund', 'Fund (money)'), ('participation', 'Participation (households or people)'), ('action', 'Day of action')], max_length=20, verbose_name='kind')),
                ('unit', models.CharField(choices=[('vnd', 'đồng'), ('households', 'households'), ('people', 'people'), ('custom', 'other unit')], max_length=12, verbose_name='unit')),
                ('unit_label', models.CharField(blank=True, max_length=40, verbose_name='unit name')),
                ('starts_on', models.DateField(verbose_name='starts on')),
                ('ends_on', models.DateField(verbose_name='ends on')),
                ('target', models.BigIntegerField(verbose_name='ward target')),
                ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=10, verbose_name='status')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('ward', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='campaigns', to='groups.ward', verbose_name='ward')),
            ],
            options={
                'verbose_name': 'campaign',
                'verbose_name_plural': 'campaigns',
            },
        ),
        migrations.CreateModel(
            name='Entry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.BigIntegerField()),
                ('method', models.CharField(blank=True, choices=[('cash', 'Cash'), ('transfer', 'Transfer'), ('', '—')], default='', max_length=10)),
                ('receipt_number', models.CharField(blank=True, default='', max_length=40)),
                ('name_public', models.BooleanField(default=False)),
                ('reason', models.CharField(blank=True, default='', max_length=300)),
                ('key', models.CharField(max_length=64)),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('ip', models.GenericIPAddressField(blank=True, null=True)),
                ('campaign', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='campaigns.campaign')),
                ('group', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='groups.residentialgroup')),
                ('household', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='groups.household')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('reverses', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversed_by', to='campaigns.entry')),
            ],
        ),
        migrations.CreateModel(
            name='GroupTarget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('target', models.BigIntegerField()),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='group_targets', to='campaigns.campaign')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='groups.residentialgroup')),
            ],
        ),
        migrations.CreateModel(
            name='Participation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.BigIntegerField(default=0)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaigns.campaign')),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='groups.household')),
            ],
        ),
        migrations.CreateModel(
            name='Total',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.BigIntegerField(default=0)),
                ('entries', models.PositiveIntegerField(default=0)),
                ('households', models.PositiveIntegerField(default=0)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='totals', to='campaigns.campaign')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='groups.residentialgroup')),
            ],
        ),
        migrations.AddConstraint(
            model_name='campaign',
            constraint=models.CheckConstraint(condition=models.Q(('target__gt', 0)), name='campaign_target_positive'),
        ),
        migrations.AddConstraint(
            model_name='campaign',
            constraint=models.CheckConstraint(condition=models.Q(('ends_on__gte', models.F('starts_on'))), name='campaign_ends_after_start'),
        ),
        migrations.AddIndex(
            model_name='entry',
            index=models.Index(fields=['campaign', 'group', '-id'], name='entry_by_group'),
        ),
        migrations.AddConstraint(
            model_name='entry',
            constraint=models.UniqueConstraint(fields=('campaign', 'key'), name='entry_once_per_key'),
        ),
        migrations.AddConstraint(
            model_name='entry',
            constraint=models.UniqueConstraint(condition=models.Q(models.Q(('receipt_number', ''), _negated=True), ('reverses__isnull', True)), fields=('campaign', 'receipt_number'), name='entry_receipt_once'),
        ),
        migrations.AddConstraint(
            model_name='grouptarget',
            constraint=models.UniqueConstraint(fields=('campaign', 'group'), name='one_target_per_group'),
        ),
        migrations.AddConstraint(
            model_name='participation',
            constraint=models.UniqueConstraint(fields=('campaign', 'household'), name='one_participation'),
        ),
        migrations.AddConstraint(
            model_name='total',
            constraint=models.UniqueConstraint(fields=('campaign', 'group'), name='one_total_per_group'),
        ),
    ]
