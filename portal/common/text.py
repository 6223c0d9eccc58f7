"""Text helpers shared by every app: cleaning what people send, and Vietnamese-aware folding for search."""

import logging
import re
import unicodedata
from typing import Any

# đ is a letter of its own, not d plus a combining mark, so NFD leaves it alone.
_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})
# C0 controls but tab, newline and carriage return; DEL and the C1 controls; lone surrogates. None of them is
# text a person meant, and each breaks something downstream: XML (the Atom feed, Open311) refuses them, an SMS
# gateway may reject the message, a spreadsheet cell shows garbage.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: str) -> str:
    """What a person typed, without the characters no person types (control characters, lone surrogates)."""
    return _CONTROL.sub("", text or "")


def clean_multiline(text: str) -> str:
    """A longer text (a report, a reply, an announcement): cleaned, NFC, line ends as \\n, trimmed."""
    cleaned = unicodedata.normalize("NFC", clean_text(text).replace("\r\n", "\n").replace("\r", "\n"))
    return cleaned.strip()


def unaccented(text: str) -> str:
    """Vietnamese without its marks, case kept: "Thông báo Đường" -> "Thong bao Duong". The one way the portal
    strips them: for search (fold) and for an SMS without diacritics, which holds 160 characters, not 70."""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower-case, strip diacritics and collapse spaces: "Nguyễn  Văn Ả" -> "nguyen van a"."""
    return " ".join(unaccented(clean_text(text)).lower().split())


def natural_key(text: str) -> tuple:
    """Vietnamese order with numbers by value: "Tổ 2" before "Tổ 10", "Hồ" before "Huỳnh"."""
    parts = re.split(r"(\d+)", fold(text))
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts if part)


def natural_sorted(pairs: Any) -> list:
    """(id, name) pairs in natural_key order of their names."""
    return sorted(pairs, key=lambda pair: natural_key(pair[1]))


def normalize_spaces(text: str) -> str:
    """Cleaned, NFC and single spaces, for what a person typed on one line and we store as given."""
    return " ".join(unicodedata.normalize("NFC", clean_text(text)).split())


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A run of 8 or more digits, optionally with a leading + and single spaces, dots or dashes between groups.
_PHONE = re.compile(r"\+?\d(?:[ .-]?\d){7,}")


def mask_contacts(text: str) -> str:
    """A provider's error text without the addresses in it ("550 <an@x.vn> unknown" → "550 <a***@x.vn> …"):
    it is stored where staff outside a tip unit read it, and a tipster's email or phone must not show there."""

    def email(match: re.Match) -> str:
        local, _at, domain = match.group(0).partition("@")
        return f"{local[:1]}***@{domain}"

    def phone(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        return "***" + digits[-2:]

    return _PHONE.sub(phone, _EMAIL.sub(email, clean_text(text)))


class MaskingFormatter(logging.Formatter):
    """Log lines without email addresses or phone numbers: a provider's refusal or a traceback may quote one,
    and logs are read by more people than a tip's reporter may be known to."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_contacts(super().format(record))
