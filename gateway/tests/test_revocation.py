"""A disabled user's still-valid access token is refused at the gateway, at once here and soon on other replicas."""

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from halfsky_common.testing import running
from halfsky_gateway.config import Settings
from halfsky_gateway.main import create_app


def bearer(pair: dict[str, str]) -> dict[str, str]:
    return {"Authorization": pair["bearer"]}


async def _set_disabled(client: httpx.AsyncClient, admin: dict[str, str], username: str, disabled: bool) -> None:
    found = (await client.get("/api/users", params={"q": username}, headers=bearer(admin))).json()["items"][0]
    r = await client.patch(
        f"/api/users/{found['id']}",
        json={"disabled": disabled},
        headers={**bearer(admin), "If-Match": f'W/"{found["version"]}"'},
    )
    assert r.status_code == 200, r.text


async def test_disabling_a_user_refuses_her_access_token_at_once(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    tokens = await login(name)
    assert (await client.get("/api/auth/me", headers=bearer(tokens))).status_code == 200
    await _set_disabled(client, admin, name, True)
    me = await client.get("/api/auth/me", headers=bearer(tokens))
    assert me.status_code == 401 and me.json()["code"] == "account_disabled"
    # Proxied routes too: refused before forwarding (the services are down here, which would be a 503).
    proxied = await client.get("/api/cases", headers=bearer(tokens))
    assert proxied.status_code == 401 and proxied.headers["content-type"] == "application/problem+json"
    await _set_disabled(client, admin, name, False)
    assert (await client.get("/api/auth/me", headers=bearer(tokens))).status_code == 200


async def test_another_replica_learns_of_a_disabled_user_on_its_next_reload(
    app: FastAPI, settings_factory: Callable[..., Settings], tree: Any, make_user: Any, login: Any
) -> None:
    tokens = await login(await make_user(unit=tree.tianhe, roles=["case_worker"]))
    replica = create_app(settings_factory(disabled_reload_seconds=0.2))
    async with running(replica) as other:
        assert (await other.get("/api/auth/me", headers=bearer(tokens))).status_code == 200
        async with app.state.engine.begin() as conn:  # disabled on some other replica: only the database knows
            await conn.execute(text("UPDATE app_user SET disabled = true"))
        deadline = time.monotonic() + 5
        status = 200
        while status == 200 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            status = (await other.get("/api/auth/me", headers=bearer(tokens))).status_code
        assert status == 401
