"""The report as a document of the Front: the parts its layout (thể thức văn bản of the MTTQ system) puts around
the body, worked out once for the PDF and the Word file. These words are the layout's own and are written in
Vietnamese whatever the language of who asks: a document sent up to the province is never translated."""

from dataclasses import dataclass
from datetime import date

from groups.models import Ward
from portal.ward_report.data import Signing, WardReport

COMMITTEE = "ỦY BAN MTTQ VIỆT NAM"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
KIND = "BÁO CÁO"
ON_BEHALF = "TM. BAN THƯỜNG TRỰC"
RECIPIENTS = "Nơi nhận:"
FILED = "Lưu: VT"  # the committee's own archive copy, last in every list of recipients
TITLES = ["CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
MAX_RECIPIENTS = 12


@dataclass
class Heading:
    committee: list[str]  # top left, over a short rule
    nation: list[str]  # top right: the national name and the motto, over a rule
    number: str
    place_date: str
    kind: str
    subject: str
    on_behalf: str
    title: str
    signer: str
    recipients_title: str
    recipients: list[str]  # each line as printed, "- …;" and the last "- …."


def place_of(ward_name: str) -> str:
    """The place a document is dated from: the ward's own name without "Phường"/"Xã"/"Thị trấn"."""
    for prefix in ("Phường ", "Xã ", "Thị trấn ", "Đặc khu "):
        if ward_name.startswith(prefix):
            return ward_name.removeprefix(prefix).split(" (")[0]
    return ward_name.split(" (")[0]


# The centrally-run cities (since 1 July 2025): their committee is "thành phố …", every other province's "tỉnh …".
CITIES = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}


def province_committee(province: str) -> str:
    name = province.strip()
    if not name:
        return "Ủy ban MTTQ Việt Nam cấp trên"
    if not name.lower().startswith(("tỉnh ", "thành phố ", "tp. ")):
        name = f"thành phố {name}" if name.removeprefix("Thành phố ") in CITIES else f"tỉnh {name}"
    return f"Ủy ban MTTQ Việt Nam {name}"


def default_signing(ward: Ward) -> Signing:
    province = province_committee(ward.province.name if ward.province_id else "")
    return Signing(
        place=place_of(ward.name),
        recipients=[f"Ban Thường trực {province}", f"Đảng ủy {ward.name.split(' (')[0]}", FILED],
    )


def heading(report: WardReport) -> Heading:
    return heading_of(
        report.signing,
        report.made_at.date(),
        committee=report.ward.name.split(" (")[0],
        place=place_of(report.ward.name),
        period=report.period,
    )


def heading_of(signing: Signing, made_on: date, *, committee: str, place: str, period: str) -> Heading:
    """The formal heading of a committee's report (a ward's or a province's): who reports, its number, place and
    day, what it is about, who signs and who receives it."""
    day = signing.signed_on or made_on
    number = signing.number.strip()
    lines = [line.strip().lstrip("-–• ").rstrip(";.") for line in signing.recipients if line.strip()]
    lines = lines[:MAX_RECIPIENTS] or [FILED]
    return Heading(
        committee=[COMMITTEE, committee.upper()],
        nation=[NATION, MOTTO],
        # A number not given yet is left blank to write by hand, as the office does before registering it.
        number=f"Số: {number}/BC-MTTQ" if number else "Số:      /BC-MTTQ",
        place_date=f"{signing.place or place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}",
        kind=KIND,
        subject=f"Kết quả công tác Mặt trận kết nối với Nhân dân {period}",
        on_behalf=ON_BEHALF,
        title=signing.title if signing.title in TITLES else TITLES[0],
        signer=signing.signer.strip(),
        recipients_title=RECIPIENTS,
        recipients=[f"- {line};" for line in lines[:-1]] + [f"- {lines[-1]}."],
    )
