from django.db import migrations

# The names 0002 gave the national holidays it seeded from a hand-kept table (2024-2030). The calendar takes
# these days from the `holidays` package now; ward-less rows left are days an admin entered for the country.
SEEDED_NAMES = [
    "Tết Dương lịch",
    "Tết Nguyên đán",
    "Giỗ Tổ Hùng Vương",
    "Ngày Giải phóng miền Nam",
    "Ngày Quốc tế Lao động",
    "Quốc khánh",
]


def remove_seeded_holidays(apps, schema_editor):
    Holiday = apps.get_model("feedback", "Holiday")
    Holiday.objects.filter(ward__isnull=True, name__in=SEEDED_NAMES, date__year__lte=2030).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0007_event_status_names")]

    operations = [migrations.RunPython(remove_seeded_holidays, migrations.RunPython.noop)]
