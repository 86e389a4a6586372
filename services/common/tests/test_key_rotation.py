"""Signing-key rotation: a service verifies with every key it is given, picks the key by the token's kid."""

import base64
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter, FastAPI
from jose import jwt

from halfsky_common.app import create_service_app
from halfsky_common.auth import CurrentUser, TokenVerifier
from halfsky_common.keys import generate_key_pair, key_id, public_keys
from halfsky_common.problems import Problem
from halfsky_common.settings import ServiceSettings
from halfsky_common.testing import auth, make_token, running

OLD = generate_key_pair()
NEW = generate_key_pair()

router = APIRouter()


@router.get("/me")
async def me(user: CurrentUser) -> dict[str, str]:
    return {"id": user.id}


def service(app: FastAPI, public_pem: str) -> FastAPI:
    """A service like any other, verifying with `public_pem` (one PEM or a bundle)."""
    settings = ServiceSettings(database_url=app.state.settings.database_url, jwt_public_key=public_pem)
    return create_service_app(name="rot", title="rot", settings=settings, routers=[router])


def test_a_keys_id_is_its_rfc_7638_thumbprint() -> None:
    # The example key of RFC 7638 §3.1 and the thumbprint the RFC gives for it.
    n = (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjh"
        "Mstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvR"
        "L5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqD"
        "Kgw"
    )
    modulus = int.from_bytes(base64.urlsafe_b64decode(n + "=" * (-len(n) % 4)), "big")
    key = rsa.RSAPublicNumbers(65537, modulus).public_key()
    assert key_id(key) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_a_bundle_holds_several_keys_and_one_pem_still_works() -> None:
    assert [k.kid for k in public_keys(OLD[1] + NEW[1])] == [k.kid for k in public_keys(OLD[1] + "\n" + NEW[1])]
    assert len(public_keys(OLD[1] + NEW[1] + OLD[1])) == 2
    assert len(public_keys(OLD[1])) == 1
    pkcs1 = (
        serialization.load_pem_public_key(OLD[1].encode())
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
        .decode()
    )
    assert [k.kid for k in public_keys(pkcs1 + NEW[1])] == [k.kid for k in public_keys(OLD[1] + NEW[1])]
    with pytest.raises(ValueError, match="no PEM public key"):
        public_keys("not a key")


async def test_during_rotation_both_keys_verify_and_after_it_the_old_is_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    old, new = auth(make_token(private_key_pem=OLD[0])), auth(make_token(private_key_pem=NEW[0]))
    async with running(service(app, OLD[1] + NEW[1])) as during:
        assert (await during.get("/rot/me", headers=old)).status_code == 200
        assert (await during.get("/rot/me", headers=new)).status_code == 200
    async with running(service(app, NEW[1])) as after:
        refused = await after.get("/rot/me", headers=old)
        assert refused.status_code == 401, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert "kid" in refused.json()["detail"]
        assert (await after.get("/rot/me", headers=new)).status_code == 200


def _refused(verifier: TokenVerifier, token: str) -> bool:
    try:
        verifier.verify(token)
    except Problem as exc:
        return exc.status == 401
    return False


def test_an_unknown_kid_is_refused_even_under_a_valid_signature() -> None:
    verifier = TokenVerifier(public_key_pem=OLD[1] + NEW[1], issuer="halfsky-gateway", audience="halfsky")
    assert _refused(verifier, make_token(private_key_pem=NEW[0], key_id="halfsky-1"))
    # The kid names a key we know, but another key signed: the signature decides.
    assert _refused(verifier, make_token(private_key_pem=generate_key_pair()[0], key_id=public_keys(NEW[1])[0].kid))


def test_a_token_without_kid_is_tried_against_each_key() -> None:
    verifier = TokenVerifier(public_key_pem=OLD[1] + NEW[1], issuer="halfsky-gateway", audience="halfsky")
    now = int(datetime.now(UTC).timestamp())
    claims = {"iss": "halfsky-gateway", "aud": "halfsky", "sub": "x", "iat": now, "org_path": "/44/"}
    claims["exp"] = now + int(timedelta(minutes=5).total_seconds())
    for private in (OLD[0], NEW[0]):
        token = jwt.encode(claims, private, algorithm="RS256")
        assert "kid" not in jwt.get_unverified_header(token)
        assert verifier.verify(token).id == "x"
    assert _refused(verifier, jwt.encode(claims, generate_key_pair()[0], algorithm="RS256"))
