from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from groups.models import Ward
from portal.province.rebuild import figures_rebuild


class Command(BaseCommand):
    help = (
        "Count the province's figures (households covered, each ward's days, announcements' reach) again from the "
        "tables, for wards whose rows were written without the services (an upgrade, a bulk load)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", nargs="*", help="ward codes; every ward when none is given")

    def handle(self, *args: Any, codes: list[str], **options: Any) -> None:
        wards = Ward.objects.filter(code__in=codes) if codes else Ward.objects.all()
        ids = list(wards.values_list("pk", flat=True))
        for start in range(0, len(ids), 20):  # a few wards a transaction: others' writes wait only that long
            figures_rebuild(ward_ids=ids[start : start + 20])
        self.stdout.write(self.style.SUCCESS(f"Counted again the figures of {len(ids)} wards."))
