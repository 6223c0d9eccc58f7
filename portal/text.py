"""Text helpers shared by every app: Vietnamese-aware folding for search and matching."""

import unicodedata

# đ is a letter of its own, not d plus a combining mark, so NFD leaves it alone.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case, strip diacritics and collapse spaces: "Nguyễn  Văn Ả" -> "nguyen van a"."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def normalize_spaces(text: str) -> str:
    """NFC and single spaces, for what a person typed and we store as given."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())
