"""Personal data kept to the minimum (PIPL): masked identity numbers and phones, a keyed hash to spot duplicates.

What a valid number is, how it is normalised (full-width digits and all) and what of it identifies the person are
the shared rules of halfsky_common.personal, the same as in the cases service; the masks here are this service's.
"""

import hashlib
import hmac
import re

from halfsky_common.personal import DocumentType, is_gb11643_shaped, mask_document, match_key


def mask_id_number(value: str, id_type: str = DocumentType.resident_id) -> str:
    """Keep the region code and the last four characters of a resident ID: 440106********123X; other documents by
    the shared rule (M*****321)."""
    value = value.strip().upper()
    if not is_gb11643_shaped(id_type, value):
        return mask_document(value)
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


def identity_hash(value: str, *, key: str, id_type: str = DocumentType.resident_id) -> str:
    """A keyed hash of a normalised identity number: equal numbers match, the number cannot be read back.

    A resident ID is hashed as the number alone, as it always was (the stored hashes stay valid); other documents
    with their type and, for the permits, only the lifelong number (halfsky_common.personal.match_key).
    """
    return hmac.new(key.encode(), match_key(id_type, value.strip().upper()).encode(), hashlib.sha256).hexdigest()
