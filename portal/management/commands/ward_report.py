"""The ward's six-monthly or yearly report as a file:

    manage.py ward_report --ward 26734 --from 2026-01-01 --to 2026-06-30 --format pdf --output bao-cao.pdf \
        --number 12 --signer "Nguyễn Văn An" --recipient "Ban Thường trực Ủy ban MTTQ tỉnh" --recipient "Lưu: VT"

The period defaults to the last whole half-year; the place and the recipients to the ward's own."""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from groups.models import Ward
from portal import ward_report
from portal.ward_report.document import TITLES, default_signing
from portal.ward_report.jobs import RENDER
from portal.ward_report.printed import printed


def _day(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--{name} must be a date as YYYY-MM-DD, not {text!r}.") from None


class Command(BaseCommand):
    help = (
        "Write a ward's report (organisation, announcements and reach, feedback, campaigns, meetings) as a PDF or "
        "Word document to sign, or an XLSX workbook."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ward", required=True, help="The ward's code.")
        parser.add_argument("--from", dest="start", help="First day, YYYY-MM-DD (default: the last whole half-year).")
        parser.add_argument("--to", dest="end", help="Last day, YYYY-MM-DD.")
        parser.add_argument("--format", choices=["pdf", "docx", "xlsx"], default="pdf")
        parser.add_argument("--output", required=True, help="The file to write.")
        parser.add_argument("--number", default="", help="The document's number (Số: <number>/BC-MTTQ).")
        parser.add_argument("--signer", default="", help="Who signs, on the standing committee's behalf.")
        parser.add_argument("--title", default=TITLES[0], choices=TITLES, help="The signer's title.")
        parser.add_argument("--recipient", action="append", default=[], help="A recipient (Nơi nhận); repeat.")

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
        signing = default_signing(ward)
        signing.number, signing.signer, signing.title = options["number"], options["signer"], options["title"]
        signing.recipients = options["recipient"] or signing.recipients
        report = ward_report.build(ward=ward, start=start, end=end, signing=signing)
        try:
            data = RENDER[options["format"]](printed(report))
        except ward_report.ReportUnavailable as error:
            raise CommandError(f"The PDF cannot be made here ({error}); install Pango or ask for --format xlsx.")
        output.write_bytes(data)
        self.stdout.write(f"{output}: {len(data):,} bytes, {start:%d/%m/%Y}–{end:%d/%m/%Y}, {ward.name}")
