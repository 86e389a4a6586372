"""AES-GCM encryption of sensitive fields under a key ring, and keyed hashes (HMAC-SHA256) to find duplicates.

A ciphertext is `\\x02` + the key id (4 bytes: the start of SHA-256 of the key) + a 12-byte nonce + the AES-GCM
output, with the field name as associated data. The ring is the current key (everything new is encrypted with it)
and the previous keys (still accepted for reading), so the data key can be rotated without downtime: the new key
becomes current, the old one moves to the previous keys, `python -m halfsky_cases.cli reencrypt` rewrites the stored
fields under the new key, and then the old key can go. Blobs of the first format (`\\x01` + nonce + ciphertext, no
key id) are tried with each key of the ring in turn: GCM's tag tells which one fits.
"""

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import re
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from halfsky_cases.config import Settings
from halfsky_common.personal import KeyedHash

FORMAT_V1 = b"\x01"  # nonce + ciphertext: no key id (written before key rotation existed)
FORMAT_V2 = b"\x02"  # key id + nonce + ciphertext
KEY_ID_BYTES = 4
NONCE_BYTES = 12
HASH_KEY_INFO = b"halfsky-cases duplicate hash"


class UnknownKeyError(ValueError):
    """A ciphertext was made with a key the ring does not hold (never answered with a wrong plaintext)."""


def key_id(key: bytes) -> bytes:
    """The id a ciphertext carries: the first 4 bytes of SHA-256 of its key (reveals nothing useful of the key)."""
    return hashlib.sha256(key).digest()[:KEY_ID_BYTES]


class FieldCipher:
    """Encrypts one field value at a time under the current key; decrypts under any key of the ring.

    `data_key` is the current key; `previous_keys` are still accepted for decryption, newest first (order only
    matters for blobs without a key id, which are tried with the current key first, then each previous one).
    """

    def __init__(self, data_key: bytes, hash_key: bytes, previous_keys: tuple[bytes, ...] = ()) -> None:
        ring: list[bytes] = []
        for key in (data_key, *previous_keys):
            if len(key) != 32:
                raise ValueError("a data key must be 32 bytes (AES-256)")
            if key not in ring:
                ring.append(key)
        ids = [key_id(key) for key in ring]
        if len(set(ids)) != len(ids):
            raise ValueError("two different data keys share a key id: make a new key")
        self.key_id = ids[0]
        self.key_ids = tuple(ids)  # current first
        self._aeads = [AESGCM(key) for key in ring]
        self._by_id = dict(zip(ids, self._aeads, strict=True))
        self._prefix = FORMAT_V2 + self.key_id
        self.hashes = KeyedHash(hash_key)  # the digests of the duplicate search (halfsky_common.personal)

    @property
    def current_prefix(self) -> bytes:
        """The first bytes of every blob under the current key (format and key id)."""
        return self._prefix

    def encrypt(self, field: str, value: str | None) -> bytes | None:
        """Ciphertext of `value` under the current key (None stays None)."""
        if value is None or value == "":
            return None
        nonce = os.urandom(NONCE_BYTES)
        return self._prefix + nonce + self._aeads[0].encrypt(nonce, value.encode(), field.encode())

    def decrypt(self, field: str, blob: bytes | None) -> str | None:
        """Plaintext of a blob made by `encrypt` for the same field, under any key of the ring.

        Raises `UnknownKeyError` for a key id the ring lacks, `InvalidTag` when the blob was made for another field,
        altered, or (without a key id) fits no key of the ring.
        """
        if blob is None:
            return None
        blob = bytes(blob)
        version = blob[:1]
        if version == FORMAT_V2:
            kid, rest = blob[1 : 1 + KEY_ID_BYTES], blob[1 + KEY_ID_BYTES :]
            aead = self._by_id.get(kid)
            if aead is None:
                raise UnknownKeyError(
                    f"the {field} ciphertext is under data key {kid.hex()}, which is neither CASES_DATA_KEY nor in "
                    "CASES_PREVIOUS_DATA_KEYS"
                )
            return aead.decrypt(rest[:NONCE_BYTES], rest[NONCE_BYTES:], field.encode()).decode()
        if version == FORMAT_V1:
            nonce, ciphertext = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
            for aead in self._aeads:
                with contextlib.suppress(InvalidTag):
                    return aead.decrypt(nonce, ciphertext, field.encode()).decode()
            raise InvalidTag(f"the {field} ciphertext (first format, no key id) fits no key of the ring")
        raise ValueError("unknown ciphertext format")

    def is_current(self, blob: bytes | None) -> bool:
        """True when the blob is absent or already under the current key (nothing to re-encrypt)."""
        return blob is None or bytes(blob[: len(self._prefix)]) == self._prefix

    def reencrypt(self, field: str, blob: bytes | None) -> bytes | None:
        """The same value under the current key (a fresh nonce); a blob already under it is returned as it is."""
        if self.is_current(blob):
            return blob
        return self.encrypt(field, self.decrypt(field, blob))

    def digest(self, field: str, normalized: str | None) -> str | None:
        """Keyed hash of a normalised value: equal values match, the hash alone reveals nothing."""
        return self.hashes.value(field, normalized) if normalized else None


def parse_keys(value: str, setting: str) -> tuple[bytes, ...]:
    """Base64 keys separated by commas or white space (a file may hold one per line); each must be 32 bytes."""
    keys = []
    for n, text in enumerate(re.split(r"[\s,]+", value.strip()), start=1):
        if not text:
            continue
        try:
            key = base64.b64decode(text, validate=True)
        except binascii.Error:
            key = b""
        if len(key) != 32:
            raise ValueError(f"{setting}: key {n} is not base64 of 32 bytes")  # never echo a key
        keys.append(key)
    return tuple(keys)


def data_keys(settings: Settings) -> tuple[bytes, tuple[bytes, ...]]:
    """The current data key (configured, or the key file made on first start) and the previous keys."""
    if settings.data_key:
        configured = parse_keys(settings.data_key, "CASES_DATA_KEY")
        if len(configured) != 1:
            raise ValueError("CASES_DATA_KEY holds one key: the previous ones go in CASES_PREVIOUS_DATA_KEYS")
        current = configured[0]
    else:
        current = _key_file(settings.data_dir / "keys" / "data.key")
    return current, parse_keys(settings.previous_data_keys, "CASES_PREVIOUS_DATA_KEYS")


def hash_key(settings: Settings) -> bytes:
    """The key of the duplicate-search digests: `CASES_HASH_KEY`, else derived from the OLDEST data key of the ring.

    The oldest key (the last of the previous keys, or the current one when there are none) is the one the service
    started with, so a rotation changes nothing here as long as that key stays last in the ring; pin the key printed
    by `python -m halfsky_cases.cli hash-key` as `CASES_HASH_KEY` before removing it.
    """
    return _hash_key(settings, *data_keys(settings))


def _hash_key(settings: Settings, current: bytes, previous: tuple[bytes, ...]) -> bytes:
    if settings.hash_key:
        return base64.b64decode(settings.hash_key)
    oldest = previous[-1] if previous else current
    return hmac.new(oldest, HASH_KEY_INFO, hashlib.sha256).digest()


def load_cipher(settings: Settings) -> FieldCipher:
    """The cipher from the configured keys, or from a key file created on first start."""
    current, previous = data_keys(settings)
    return FieldCipher(current, _hash_key(settings, current, previous), previous)


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


def id_number_digest(cipher: FieldCipher, id_type: str, id_number: str | None) -> str | None:
    """The duplicate-search digest of a document number: of the number itself for a resident ID (as every digest
    stored before document types existed), of the type and the lifelong part for the others."""
    return cipher.hashes.document(id_type, id_number) if id_number else None
