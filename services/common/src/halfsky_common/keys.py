"""The gateway's RSA key pair: generated once, kept on disk; and signing of access tokens."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

from halfsky_common.auth import ALGORITHM
from halfsky_common.settings import AUDIENCE, ISSUER


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


def sign_access_token(
    *,
    private_key_pem: str,
    subject: str,
    ttl: timedelta,
    key_id: str = "halfsky-1",
    issuer: str = ISSUER,
    audience: str = AUDIENCE,
    **claims: Any,
) -> str:
    """An RS256 JWT carrying the identity claims services read (see DESIGN.md, Identity in the token)."""
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
    return jwt.encode(payload, private_key_pem, algorithm=ALGORITHM, headers={"kid": key_id})
