from django.db import migrations


def add_national_holidays(apps, schema_editor):
    """Once seeded the national holidays of 2024-2030 from a hand-kept table; the calendar now takes them from
    the `holidays` package (0008 removes the rows this made in databases that ran it)."""


def add_search_index(apps, schema_editor):
    # Trigram GIN index so "contains" on the folded text is an index scan at millions of rows. PostgreSQL only;
    # on SQLite (make run) the same query scans, which a demo ward never notices.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS feedback_search_trgm ON feedback_feedback USING gin (search_text gin_trgm_ops)"
    )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS feedback_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [
        migrations.RunPython(add_national_holidays, migrations.RunPython.noop),
        migrations.RunPython(add_search_index, drop_search_index),
    ]
