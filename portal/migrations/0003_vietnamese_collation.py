"""A PostgreSQL ICU collation for Vietnamese with numbers by value: "Hồ" before "Huỳnh", "Tổ 2" before "Tổ 10".
portal.common.db.vietnamese() orders by it; on SQLite (make run without servers) the plain order is used instead."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE COLLATION IF NOT EXISTS vi_natural (provider = icu, locale = 'vi-u-kn-true')")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP COLLATION IF EXISTS vi_natural")


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_audit_actions_for_announcements")]

    operations = [migrations.RunPython(create, drop)]
