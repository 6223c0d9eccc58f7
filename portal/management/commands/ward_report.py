"""The ward's six-monthly or yearly report as a file:

    manage.py ward_report --ward 26734 --from 2026-01-01 --to 2026-06-30 --format pdf --output bao-cao.pdf

The period defaults to the last whole half-year."""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from groups.models import Ward
from portal import ward_report


def _day(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--{name} must be a date as YYYY-MM-DD, not {text!r}.") from None


class Command(BaseCommand):
    help = (
        "Write a ward's report (organisation, announcements and reach, feedback, campaigns, meetings) as PDF or XLSX."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ward", required=True, help="The ward's code.")
        parser.add_argument("--from", dest="start", help="First day, YYYY-MM-DD (default: the last whole half-year).")
        parser.add_argument("--to", dest="end", help="Last day, YYYY-MM-DD.")
        parser.add_argument("--format", choices=["pdf", "xlsx"], default="pdf")
        parser.add_argument("--output", required=True, help="The file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        ward = Ward.objects.filter(code=options["ward"]).first()
        if ward is None:
            raise CommandError(f"No ward has the code {options['ward']!r}.")
        default_start, default_end = ward_report.last_half_year()
        start = _day(options["start"], "from") or default_start
        end = _day(options["end"], "to") or default_end
        if end < start:
            raise CommandError("--to is before --from.")
        if (end - start).days > 366 * 5:
            raise CommandError("The period is longer than five years.")
        output = Path(options["output"])
        if not output.parent.exists():
            raise CommandError(f"The folder {output.parent} does not exist.")
        report = ward_report.build(ward=ward, start=start, end=end)
        try:
            data = ward_report.to_pdf(report) if options["format"] == "pdf" else ward_report.to_xlsx(report)
        except ward_report.ReportUnavailable as error:
            raise CommandError(f"The PDF cannot be made here ({error}); install Pango or ask for --format xlsx.")
        output.write_bytes(data)
        self.stdout.write(f"{output}: {len(data):,} bytes, {start:%d/%m/%Y}–{end:%d/%m/%Y}, {ward.name}")
