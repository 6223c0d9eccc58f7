
import django.db.models.deletion
import portal.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('groups', '0004_outlets'),
        ('portal', '0003_vietnamese_collation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='WardReportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('start', models.DateField()),
                ('end', models.DateField()),
                ('format', models.CharField(choices=[('pdf', 'PDF'), ('xlsx', 'Excel (XLSX)')], max_length=4)),
                ('status', models.CharField(choices=[('queued', 'Waiting'), ('running', 'Being made'), ('done', 'Ready'), ('failed', 'Failed')], default='queued', max_length=8)),
                ('progress', models.PositiveSmallIntegerField(default=0)),
                ('file', models.FileField(blank=True, max_length=300, upload_to=portal.models.report_upload_to)),
                ('error', models.CharField(blank=True, max_length=300)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('ward', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='groups.ward')),
            ],
            options={
                'ordering': ['-created_at'],
            },
        ),
    ]
