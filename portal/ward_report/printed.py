"""What a report prints, whoever it is of: the Front's heading around it, the opening sentences, the sections'
tables and the key figures. A ward's report and a province's are each turned into this once; the PDF, the Word
file and the workbook are drawn from it alike, so both tiers' documents have the same layout."""

from dataclasses import dataclass

from portal.ward_report.data import WardReport
from portal.ward_report.document import Heading, heading
from portal.ward_report.summary import Figure, figures, sentences
from portal.ward_report.tables import Section, sections


@dataclass
class Printed:
    heading: Heading
    sentences: list[str]
    sections: list[Section]
    figures: list[Figure]


def printed(report: WardReport) -> Printed:
    return Printed(heading(report), sentences(report), sections(report), figures(report))
