"""AES-GCM encryption of sensitive fields and keyed hashes (HMAC-SHA256) to find duplicates without plaintext."""

import base64
import contextlib
import hashlib
import hmac
import os
import re
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from halfsky_cases.config import Settings

FORMAT_V1 = b"\x01"
NONCE_BYTES = 12


class FieldCipher:
    """Encrypts one field value at a time; the field name is bound in as associated data."""

    def __init__(self, data_key: bytes, hash_key: bytes) -> None:
        if len(data_key) != 32:
            raise ValueError("the data key must be 32 bytes (AES-256)")
        self._aead = AESGCM(data_key)
        self._hmac = hmac.new(hash_key, digestmod=hashlib.sha256)  # keyed once; each digest works on a copy

    def encrypt(self, field: str, value: str | None) -> bytes | None:
        """Ciphertext of `value` (None stays None)."""
        if value is None or value == "":
            return None
        nonce = os.urandom(NONCE_BYTES)
        return FORMAT_V1 + nonce + self._aead.encrypt(nonce, value.encode(), field.encode())

    def decrypt(self, field: str, blob: bytes | None) -> str | None:
        """Plaintext of a blob made by `encrypt` for the same field."""
        if blob is None:
            return None
        blob = bytes(blob)
        if blob[:1] != FORMAT_V1:
            raise ValueError("unknown ciphertext format")
        nonce, ciphertext = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        return self._aead.decrypt(nonce, ciphertext, field.encode()).decode()

    def digest(self, field: str, normalized: str | None) -> str | None:
        """Keyed hash of a normalised value: equal values match, the hash alone reveals nothing."""
        if not normalized:
            return None
        mac = self._hmac.copy()
        mac.update(f"{field}:{normalized}".encode())
        return mac.hexdigest()


def load_cipher(settings: Settings) -> FieldCipher:
    """The cipher from the configured key, or from a key file created on first start."""
    if settings.data_key:
        data_key = base64.b64decode(settings.data_key)
    else:
        data_key = _key_file(settings.data_dir / "keys" / "data.key")
    if settings.hash_key:
        hash_key = base64.b64decode(settings.hash_key)
    else:
        hash_key = hmac.new(data_key, b"halfsky-cases duplicate hash", hashlib.sha256).digest()
    return FieldCipher(data_key, hash_key)


def _key_file(path: Path) -> bytes:
    """The key kept in `path`, made on first use; every process gets the same one.

    Several workers often start at once on a fresh data folder, and each may find no key. Each then writes a key of
    its own, complete and private (0600), to a temporary file beside it and links that in under the real name:
    `os.link` never replaces an existing file, so exactly one key wins and the others' links fail. Everyone then
    reads the file, so a worker that lost the race uses the winner's key, never its own, and no one ever reads a
    half-written file (an earlier version wrote the file in place: a worker could read it empty, or two workers
    could each keep a different key and encrypt rows the other could not read).
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # created 0600
        try:
            with os.fdopen(fd, "w") as f:
                f.write(base64.b64encode(os.urandom(32)).decode())
                f.flush()
                os.fsync(f.fileno())
            with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    key = base64.b64decode(path.read_text().strip())
    if len(key) != 32:
        raise ValueError(f"{path} does not hold a base64-encoded 32-byte key")
    return key


def normalize_phone(value: str) -> str:
    """Digits only, without the +86 country prefix."""
    digits = re.sub(r"\D", "", value)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def normalize_id_number(value: str) -> str:
    """Upper case, no spaces (the check character may be X)."""
    return re.sub(r"\s", "", value).upper()


def mask_phone(value: str | None) -> str | None:
    """`138****5678` for mobiles; only the last four digits of other numbers."""
    if not value:
        return value
    if len(value) == 11:
        return f"{value[:3]}****{value[-4:]}"
    return "*" * max(len(value) - 4, 0) + value[-4:]


def mask_id_number(value: str | None) -> str | None:
    """`4401**********1234`: region prefix and last four kept."""
    if not value:
        return value
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_address(value: str | None) -> str | None:
    """The first six characters (usually city and district), the rest hidden."""
    if not value:
        return value
    return value[:6] + "****" if len(value) > 6 else value[:2] + "****"
