"""Rotating the signing key: the gateway signs with the new key, verifies and publishes the old one while told to."""

from typing import Any

from jose import jwt

from halfsky_common.keys import generate_key_pair, public_keys
from halfsky_common.testing import auth, make_token, running
from halfsky_gateway.main import create_app

OLD = generate_key_pair()
NEW = generate_key_pair()
OLD_KID, NEW_KID = public_keys(OLD[1])[0].kid, public_keys(NEW[1])[0].kid


async def test_during_rotation_old_tokens_pass_and_jwks_lists_both(
    settings_factory: Any, tree: Any, make_user: Any
) -> None:
    # Step 2 of the procedure: signing with the new key, the old public key still given.
    settings = settings_factory(jwt_private_key=NEW[0], jwt_public_key=OLD[1])
    async with running(create_app(settings)) as client:
        keys = (await client.get("/.well-known/jwks.json")).json()["keys"]
        assert [k["kid"] for k in keys] == [NEW_KID, OLD_KID]
        assert all(k["kty"] == "RSA" and k["alg"] == "RS256" and k["use"] == "sig" for k in keys)
        # Passed the gateway's check: the (stopped) service's 503, not 401.
        old = await client.get("/api/cases", headers=auth(make_token(private_key_pem=OLD[0])))
        assert old.status_code == 503, old.text
        username = await make_user(unit=tree.tianhe, roles=["case_worker"])
        issued = await client.post("/api/auth/login", json={"username": username, "password": "Correct-horse-42"})
        token = issued.json()["access_token"]
        assert jwt.get_unverified_header(token)["kid"] == NEW_KID
        assert (await client.get("/api/auth/me", headers=auth(token))).status_code == 200


async def test_before_the_switch_jwks_lists_the_coming_key_too(settings_factory: Any) -> None:
    # Step 1: still signing with the old key, the new public key handed out ahead of the switch.
    settings = settings_factory(jwt_private_key=OLD[0], jwt_public_key=OLD[1] + NEW[1])
    async with running(create_app(settings)) as client:
        keys = (await client.get("/.well-known/jwks.json")).json()["keys"]
        assert [k["kid"] for k in keys] == [OLD_KID, NEW_KID]


async def test_after_rotation_the_old_key_is_refused(settings_factory: Any) -> None:
    settings = settings_factory(jwt_private_key=NEW[0], jwt_public_key="")
    async with running(create_app(settings)) as client:
        keys = (await client.get("/.well-known/jwks.json")).json()["keys"]
        assert [k["kid"] for k in keys] == [NEW_KID]
        for path in ("/api/cases", "/api/auth/me"):
            r = await client.get(path, headers=auth(make_token(private_key_pem=OLD[0])))
            assert r.status_code == 401, (path, r.text)
            assert r.headers["content-type"] == "application/problem+json"
        assert (await client.get("/api/cases", headers=auth(make_token(private_key_pem=NEW[0])))).status_code == 503
