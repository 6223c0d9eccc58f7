"""SMS length rules: 160 GSM-7 characters a segment (153 when split), 70 in Unicode (67 when split)."""

from dataclasses import dataclass

GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€")


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7 or ch in GSM7_EXTENDED for ch in text)


@dataclass(frozen=True)
class SmsLength:
    characters: int
    segments: int
    unicode: bool


def sms_length(text: str) -> SmsLength:
    if is_gsm7(text):
        units = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        single, multi = 160, 153
        unicode = False
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
        unicode = True
    segments = 1 if units <= single else -(-units // multi)
    return SmsLength(characters=units, segments=segments, unicode=unicode)
