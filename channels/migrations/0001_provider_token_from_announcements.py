"""ProviderToken moves from announcements to channels, which uses it: the state moves, the table stays."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("announcements", "0010_unknown_outcome")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProviderToken",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("provider", models.CharField(max_length=40, unique=True)),
                        ("access_token", models.TextField()),
                        ("refresh_token", models.TextField(blank=True)),
                        ("expires_at", models.DateTimeField(blank=True, null=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={"db_table": "announcements_providertoken"},
                )
            ],
            database_operations=[],
        )
    ]
