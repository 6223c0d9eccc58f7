

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('announcements', '0007_personal_message_key_unchecked'),
    ]

    operations = [
        migrations.AddField(
            model_name='deliverybatch',
            name='members',
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='deliverybatch',
            name='members_count',
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
    ]
