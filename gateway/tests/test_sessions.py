"""Sign-ins end: a password change ends every other one (their access tokens too), and none outlives its absolute
lifetime however often its refresh token is rotated."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from jose import jwt
from sqlalchemy import text

from halfsky_common.testing import running
from halfsky_gateway.config import Settings
from halfsky_gateway.main import create_app

NEW_PASSWORD = "Violet-harbour-7391"


def bearer(pair: dict[str, str]) -> dict[str, str]:
    return {"Authorization": pair["bearer"]}


async def _refresh(client: httpx.AsyncClient, pair: dict[str, str]) -> httpx.Response:
    return await client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})


async def test_changing_your_password_ends_your_other_sign_ins_and_keeps_this_one(
    client: httpx.AsyncClient,
    settings_factory: Callable[..., Settings],
    tree: Any,
    make_user: Any,
    login: Any,
    password: str,
    refused_within: Any,
) -> None:
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    here, laptop = await login(name), await login(name)  # two sign-ins, e.g. the office PC and a stolen laptop
    assert (
        jwt.get_unverified_claims(here["access_token"])["sid"]
        != jwt.get_unverified_claims(laptop["access_token"])["sid"]
    )
    replica = create_app(settings_factory(disabled_reload_seconds=0.2))  # another gateway replica
    async with running(replica) as other:
        assert (await other.get("/api/auth/me", headers=bearer(laptop))).status_code == 200
        change = {"old_password": password, "new_password": NEW_PASSWORD}
        r = await client.post("/api/auth/change-password", json=change, headers=bearer(here))
        assert r.status_code == 204, r.text

        # The other sign-in is over: its refresh token, and its access token on this replica at once...
        refused = await _refresh(client, laptop)
        assert refused.status_code == 401 and refused.json()["code"] == "session_ended"
        me = await client.get("/api/auth/me", headers=bearer(laptop))
        assert me.status_code == 401 and me.json()["code"] == "session_ended"
        proxied = await client.get("/api/cases", headers=bearer(laptop))  # refused before forwarding (not a 503)
        assert proxied.status_code == 401 and proxied.json()["code"] == "session_ended"
        # ... and on the other replica within its reload interval.
        elsewhere = await refused_within(other, "GET", "/api/auth/me", bearer(laptop), 10)
        assert elsewhere.status_code == 401 and elsewhere.json()["code"] == "session_ended"

        # The sign-in the password was changed from goes on, on both replicas.
        assert (await client.get("/api/auth/me", headers=bearer(here))).status_code == 200
        assert (await other.get("/api/auth/me", headers=bearer(here))).status_code == 200
        rotated = await _refresh(client, here)
        assert rotated.status_code == 200, rotated.text
    assert (await login(name, NEW_PASSWORD))["access_token"]


async def test_an_admins_password_reset_ends_every_sign_in_with_its_access_tokens(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    tokens = await login(name)
    user_id = (await client.get("/api/auth/me", headers=bearer(tokens))).json()["id"]
    r = await client.post(
        f"/api/users/{user_id}/reset-password", json={"password": NEW_PASSWORD}, headers=bearer(admin)
    )
    assert r.status_code == 204, r.text
    me = await client.get("/api/auth/me", headers=bearer(tokens))
    assert me.status_code == 401 and me.json()["code"] == "session_ended"
    assert (await _refresh(client, tokens)).json()["code"] == "session_ended"


async def test_logging_out_ends_the_access_token_too(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    tokens, other = await login(name), await login(name)
    assert (await client.post("/api/auth/logout", json={"refresh_token": tokens["refresh_token"]})).status_code == 204
    me = await client.get("/api/auth/me", headers=bearer(tokens))
    assert me.status_code == 401 and me.json()["code"] == "session_ended"
    assert (await client.get("/api/auth/me", headers=bearer(other))).status_code == 200  # that one is another


async def test_no_rotation_outlives_the_absolute_lifetime_of_the_sign_in(
    app: FastAPI, client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    settings: Settings = app.state.settings
    absolute = timedelta(days=settings.refresh_token_absolute_days)
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    pair = await login(name)

    async def move_sign_in_back(by: timedelta) -> None:
        """As if the password had been given that much earlier (the family's every row keeps the sign-in time)."""
        async with app.state.engine.begin() as conn:
            await conn.execute(
                text("UPDATE refresh_token SET signed_in_at = signed_in_at - CAST(:by AS interval)"),
                {"by": by},
            )

    # A day before the end: the rotation works, but the new token ends with the sign-in, not 14 days from now.
    await move_sign_in_back(absolute - timedelta(days=1))
    rotated = await _refresh(client, pair)
    assert rotated.status_code == 200, rotated.text
    async with app.state.engine.connect() as conn:
        newest = (
            await conn.execute(
                text("SELECT expires_at - signed_in_at FROM refresh_token WHERE used_at IS NULL AND revoked_at IS NULL")
            )
        ).scalar_one()
    assert newest == absolute

    # Past the end: refused with its own code, however fresh the token itself is.
    await move_sign_in_back(timedelta(days=1, seconds=1))
    refused = await _refresh(client, {"refresh_token": rotated.json()["refresh_token"]})
    assert refused.status_code == 401 and refused.json()["code"] == "session_expired"
    assert refused.headers["content-type"] == "application/problem+json"
    # A fresh sign-in starts a fresh lifetime.
    assert (await _refresh(client, await login(name))).status_code == 200


async def test_the_absolute_lifetime_is_a_setting(
    settings_factory: Callable[..., Settings], tree: Any, make_user: Any, password: str
) -> None:
    """Set to one second: a sign-in's refresh token ends a second after it, and the rotation after that is refused."""
    short = create_app(settings_factory(refresh_token_absolute_days=1 / 86400))
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    async with running(short) as c:
        r = await c.post("/api/auth/login", json={"username": name, "password": password})
        assert r.status_code == 200, r.text
        async with short.state.engine.begin() as conn:
            lives = (await conn.execute(text("SELECT expires_at - signed_in_at FROM refresh_token"))).scalar_one()
            assert lives == timedelta(seconds=1)
            await conn.execute(text("UPDATE refresh_token SET signed_in_at = signed_in_at - interval '2 seconds'"))
        refused = await c.post("/api/auth/refresh", json={"refresh_token": r.json()["refresh_token"]})
        assert refused.status_code == 401 and refused.json()["code"] == "session_expired"
        assert refused.json()["signed_in_at"]
