"""Phone numbers: every number the portal stores is E.164, so "0912 345 678" and "+84912345678" are one."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalize_phone(raw: str) -> str:
    """Return the E.164 form of a Vietnamese phone number or raise ValidationError with a readable message."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Please enter a phone number."), code="required")
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("“%(phone)s” is not a valid phone number. Example: 0912 345 678.") % {"phone": text}, code="invalid"
        ) from None
    if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) != "VN":
        raise ValidationError(
            _("“%(phone)s” is not a valid Vietnamese phone number. Example: 0912 345 678.") % {"phone": text},
            code="invalid",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_format(e164: str) -> str:
    """ "+84912345678" -> "0912 345 678", as a Vietnamese reader writes it."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_search_keys(e164: str) -> str:
    """Digit strings a person may type to find this number: national and international."""
    if not e164:
        return ""
    digits = e164.lstrip("+")
    national = "0" + digits[2:] if digits.startswith("84") else digits
    return f"{national} {digits}"
