

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('announcements', '0006_personal_messages'),
    ]

    operations = [
        migrations.AlterField(
            model_name='personalmessage',
            name='delivery',
            field=models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='personal', to='announcements.delivery'),
        ),
    ]
