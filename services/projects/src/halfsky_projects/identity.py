"""The keyed hash of beneficiaries' identity numbers under this service's own key.

What a valid number is, how it is normalised, what of it identifies the person, how it is masked and how it is
hashed are the shared rules of halfsky_common.personal (with the rule of which fields are masked at write); only the
key is this service's (`PROJECTS_IDENTITY_KEY`).
"""

from halfsky_common.personal import DocumentType, KeyedHash


def identity_hash(value: str, *, key: str, id_type: str = DocumentType.resident_id) -> str:
    """A keyed hash of an identity number: equal numbers match, the number cannot be read back.

    Unlabelled (`KeyedHash(labelled=False)`): the digests stored since the first registration are of the bare match
    key, and this service keeps no full numbers to hash again.
    """
    return KeyedHash(key.encode(), labelled=False).document(id_type, value)
