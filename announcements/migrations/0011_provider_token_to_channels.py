"""ProviderToken moves to channels (channels.0001 takes its state); its table stays where it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("announcements", "0010_unknown_outcome"),
        ("channels", "0001_provider_token_from_announcements"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ProviderToken")]),
    ]
