"""Personal data kept to the minimum (PIPL): masked identity numbers and phones, a keyed hash to spot duplicates."""

import hashlib
import hmac
import re

_ID = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def valid_id_number(value: str) -> bool:
    """True for an 18-character resident identity number with a correct check character (GB 11643)."""
    value = value.strip().upper()
    if not _ID.match(value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == value[17]


def mask_id_number(value: str) -> str:
    """Keep the region code and the last four characters: 440106********123X."""
    value = value.strip().upper()
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    digits = re.sub(r"\D", "", value)
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(value: str) -> str:
    """王* for two characters, 李*红 for three or more."""
    if len(value) <= 1:
        return "*"
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def identity_hash(value: str, *, key: str) -> str:
    """A keyed hash of an identity number: equal numbers match, the number cannot be read back."""
    return hmac.new(key.encode(), value.strip().upper().encode(), hashlib.sha256).hexdigest()
