
import campaigns.models
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('announcements', '0009_in_person_reach'),
        ('campaigns', '0003_linked_announcements'),
        ('groups', '0004_outlets'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Meeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('starts_at', models.DateTimeField(verbose_name='time')),
                ('place', models.CharField(max_length=300, verbose_name='place')),
                ('agenda', models.TextField(blank=True, verbose_name='agenda')),
                ('whole_ward', models.BooleanField(default=False, verbose_name='the whole ward')),
                ('minutes', models.FileField(blank=True, max_length=300, upload_to=campaigns.models.minutes_upload_to)),
                ('minutes_name', models.CharField(blank=True, max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('announcement', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='meeting', to='announcements.announcement')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('groups', models.ManyToManyField(blank=True, related_name='+', to='groups.residentialgroup', verbose_name='groups invited')),
                ('ward', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='groups.ward', verbose_name='ward')),
            ],
            options={
                'verbose_name': 'meeting',
                'verbose_name_plural': 'meetings',
            },
        ),
        migrations.CreateModel(
            name='Attendance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('how', models.CharField(choices=[('tick', 'Ticked by the leader'), ('qr', 'Personal QR code')], max_length=4)),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='groups.residentialgroup')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='groups.member')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendance', to='campaigns.meeting')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('meeting', 'member'), name='attends_once')],
            },
        ),
    ]
