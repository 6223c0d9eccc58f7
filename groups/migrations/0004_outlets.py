"""One word per thing: a group's or the ward's own place for posts is an Outlet (it was Channel, the word for how
a message travels), and how it sends is its mode. Renames only: the rows stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0003_ward_position"),
        ("announcements", "0006_personal_messages"),
    ]

    operations = [
        migrations.RenameModel("Channel", "Outlet"),
        migrations.RenameField("outlet", "delivery", "mode"),
        migrations.AlterModelOptions(
            name="outlet",
            options={"ordering": ["ward", "group", "kind"], "verbose_name": "outlet", "verbose_name_plural": "outlets"},
        ),
        migrations.AlterField(
            model_name="outlet",
            name="group",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for an outlet of the whole ward.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outlets",
                to="groups.residentialgroup",
                verbose_name="residential group",
            ),
        ),
        migrations.AlterField(
            model_name="outlet",
            name="mode",
            field=models.CharField(
                choices=[("per_group", "One post per group"), ("per_member", "One message per member")],
                max_length=10,
                verbose_name="sends",
            ),
        ),
        migrations.AlterField(
            model_name="outlet",
            name="ward",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outlets",
                to="groups.ward",
                verbose_name="ward",
            ),
        ),
    ]
