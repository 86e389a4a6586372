"""Forged tokens are refused by the gateway's own routes and by its proxy, before any service is asked."""

import httpx
import pytest

from halfsky_common.testing import auth, forged_tokens, shared_key_pair

FORGED = forged_tokens(shared_key_pair()[1])


@pytest.mark.parametrize("kind", sorted(FORGED))
@pytest.mark.parametrize("path", ["/api/auth/me", "/api/users", "/api/cases", "/api/indicators/analytics"])
async def test_forged_token_is_401(client: httpx.AsyncClient, kind: str, path: str) -> None:
    r = await client.get(path, headers=auth(FORGED[kind]))
    assert r.status_code == 401, (kind, path, r.text)
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"].startswith("Bearer")


async def test_jwks_publishes_the_verification_key(client: httpx.AsyncClient) -> None:
    keys = (await client.get("/.well-known/jwks.json")).json()["keys"]
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and keys[0]["use"] == "sig"


async def test_migrations_match_models(db_url: str) -> None:
    from halfsky_common.testing import schema_drift
    from halfsky_gateway.models import Base

    assert await schema_drift(db_url, Base.metadata) == []
