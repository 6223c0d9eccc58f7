
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('announcements', '0008_batch_members'),
        ('campaigns', '0002_day_totals'),
    ]

    operations = [
        migrations.AddField(
            model_name='campaign',
            name='announcements',
            field=models.ManyToManyField(blank=True, related_name='campaigns', to='announcements.announcement', verbose_name='announcements'),
        ),
    ]
