"""The tier above the wards: a Province owns its wards (the ward's province was a name in a text field, and each
distinct name becomes a province), its committee's accounts, the households each group covers kept as a figure,
and a ward's figures per day."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Count

# The administrative codes of the 34 provinces and cities since 1 July 2025 that wards here are likely to name;
# a name not listed gets a code of its own the province admin can correct.
CODES = {
    "hà nội": "01",
    "cao bằng": "04",
    "tuyên quang": "08",
    "điện biên": "11",
    "lai châu": "12",
    "sơn la": "14",
    "lào cai": "15",
    "thái nguyên": "19",
    "lạng sơn": "20",
    "quảng ninh": "22",
    "bắc ninh": "24",
    "phú thọ": "25",
    "hải phòng": "31",
    "hưng yên": "33",
    "ninh bình": "37",
    "thanh hóa": "38",
    "nghệ an": "40",
    "hà tĩnh": "42",
    "quảng trị": "44",
    "huế": "46",
    "đà nẵng": "48",
    "quảng ngãi": "51",
    "gia lai": "52",
    "khánh hòa": "56",
    "đắk lắk": "66",
    "lâm đồng": "68",
    "đồng nai": "75",
    "hồ chí minh": "79",
    "tây ninh": "80",
    "đồng tháp": "82",
    "vĩnh long": "86",
    "an giang": "91",
    "cần thơ": "92",
    "cà mau": "96",
}


def _code_for(name, taken):
    key = name.strip().lower()
    for prefix in ("thành phố ", "tp. ", "tp ", "tỉnh "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    code = CODES.get(key)
    if code is None or code in taken:
        n = 1
        while f"X{n:02d}" in taken:
            n += 1
        code = f"X{n:02d}"
    taken.add(code)
    return code


def provinces_from_names(apps, schema_editor):
    Ward = apps.get_model("groups", "Ward")
    Province = apps.get_model("groups", "Province")
    Membership = apps.get_model("groups", "Membership")
    ResidentialGroup = apps.get_model("groups", "ResidentialGroup")
    taken = set()
    for name in sorted(set(Ward.objects.values_list("province_name", flat=True))):
        province = Province.objects.create(name=name.strip() or "?", code=_code_for(name, taken))
        Ward.objects.filter(province_name=name).update(province=province)
    for group in ResidentialGroup.objects.all():
        group.covered = (
            Membership.objects.filter(group=group, status="active", member__household__group=group)
            .aggregate(n=Count("member__household", distinct=True))["n"]
            or 0
        )
        group.save(update_fields=["covered"])


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0004_outlets"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Province",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, unique=True, verbose_name="name")),
                ("code", models.CharField(max_length=4, unique=True, verbose_name="administrative code")),
            ],
            options={
                "verbose_name": "province / city",
                "verbose_name_plural": "provinces / cities",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="ProvinceStaff",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "role",
                    models.CharField(
                        choices=[("admin", "Province admin"), ("viewer", "Province viewer")],
                        max_length=10,
                        verbose_name="role",
                    ),
                ),
                (
                    "province",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="staff", to="groups.province"
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="province_staff",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"verbose_name": "province staff", "verbose_name_plural": "province staff"},
        ),
        migrations.RenameField("ward", "province", "province_name"),
        migrations.AddField(
            model_name="ward",
            name="province",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="wards",
                to="groups.province",
                verbose_name="province / city",
            ),
        ),
        migrations.AddField(
            model_name="residentialgroup",
            name="covered",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="households covered"),
        ),
        migrations.RunPython(provinces_from_names, migrations.RunPython.noop),
        migrations.RemoveField("ward", "province_name"),
        migrations.AlterField(
            model_name="ward",
            name="province",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="wards",
                to="groups.province",
                verbose_name="province / city",
            ),
        ),
        migrations.CreateModel(
            name="WardDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("covered", models.IntegerField(default=0)),
                ("reports_received", models.IntegerField(default=0)),
                ("reports_answered", models.IntegerField(default=0)),
                ("reports_resolved", models.IntegerField(default=0)),
                ("reports_resolved_in_time", models.IntegerField(default=0)),
                ("meetings", models.IntegerField(default=0)),
                ("attendance", models.IntegerField(default=0)),
                (
                    "ward",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="groups.ward"
                    ),
                ),
            ],
            options={"constraints": [models.UniqueConstraint(fields=("ward", "day"), name="one_ward_day")]},
        ),
    ]
