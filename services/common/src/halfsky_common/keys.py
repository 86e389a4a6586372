"""The gateway's RSA key pair: generated once, kept on disk; key ids; signing of access tokens.

A key's id (`kid`) is its RFC 7638 thumbprint, so the gateway that signs and every service that verifies derive the
same id from the key itself, with nothing to configure. A setting holding public keys may hold several PEMs one
after the other (a bundle): that is how a rotation gives everyone the old and the new key at once.
"""

import base64
import functools
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt
from jose.backends.base import Key

from halfsky_common.settings import AUDIENCE, ISSUER

ALGORITHM = "RS256"


def generate_key_pair() -> tuple[str, str]:
    """A fresh 2048-bit RSA pair as (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def ensure_key_pair(directory: Path) -> tuple[Path, Path]:
    """Create `jwt-private.pem` and `jwt-public.pem` in `directory` unless they exist; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    private_path, public_path = directory / "jwt-private.pem", directory / "jwt-public.pem"
    if not private_path.exists():
        private, public = generate_key_pair()
        private_path.write_text(private)
        private_path.chmod(0o600)
        public_path.write_text(public)
    return private_path, public_path


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64_int(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"))


def key_id(public_key: rsa.RSAPublicKey) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256) of an RSA public key."""
    numbers = public_key.public_numbers()
    canonical = json.dumps(
        {"e": _b64_int(numbers.e), "kty": "RSA", "n": _b64_int(numbers.n)}, separators=(",", ":"), sort_keys=True
    )
    return _b64(hashlib.sha256(canonical.encode()).digest())


PEM_PUBLIC_KEY = re.compile(r"-----BEGIN ((?:RSA )?)PUBLIC KEY-----.+?-----END \1PUBLIC KEY-----", re.DOTALL)


@dataclass(frozen=True)
class PublicKey:
    """One verification key: its id, its PEM and the parsed key python-jose verifies with."""

    kid: str
    pem: str
    key: Key

    def jwk(self) -> dict[str, Any]:
        """The key as a JWK for a JWKS document."""
        return {**self.key.to_dict(), "kid": self.kid, "use": "sig", "alg": ALGORITHM}


def public_keys(bundle: str) -> list[PublicKey]:
    """Every RSA public key in `bundle` (one PEM or several one after the other), in order, without repeats."""
    found: dict[str, PublicKey] = {}
    for match in PEM_PUBLIC_KEY.finditer(bundle):
        pem = match.group(0)
        loaded = serialization.load_pem_public_key(pem.encode())
        if not isinstance(loaded, rsa.RSAPublicKey):
            raise ValueError("a JWT verification key is not an RSA key")
        kid = key_id(loaded)
        found.setdefault(kid, PublicKey(kid=kid, pem=pem + "\n", key=jwk.construct(pem, ALGORITHM)))
    if not found:
        raise ValueError("no PEM public key (-----BEGIN PUBLIC KEY-----) found")
    return list(found.values())


def public_pem_of(private_key_pem: str) -> str:
    """The public half of a private key, as PEM."""
    private = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ValueError("the JWT signing key is not an RSA key")
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public.decode()


@functools.lru_cache(maxsize=16)
def signing_key(private_key_pem: str) -> tuple[Key, str]:
    """The parsed private key and its id (that of its public half), parsed once per PEM."""
    return jwk.construct(private_key_pem, ALGORITHM), public_keys(public_pem_of(private_key_pem))[0].kid


def sign_access_token(
    *,
    private_key_pem: str,
    subject: str,
    ttl: timedelta,
    key_id: str | None = None,
    issuer: str = ISSUER,
    audience: str = AUDIENCE,
    **claims: Any,
) -> str:
    """An RS256 JWT carrying the identity claims services read (see DESIGN.md, Identity in the token).

    The header's `kid` is the key's thumbprint unless `key_id` says otherwise (tests of unknown ids do).
    """
    key, kid = signing_key(private_key_pem)
    now = datetime.now(UTC)
    payload = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
        **claims,
    }
    return jwt.encode(payload, key, algorithm=ALGORITHM, headers={"kid": key_id or kid})
