"""A disabled user's or client's still-valid access token is refused at the gateway, at once here and soon on other
replicas; so is a client's token carrying a scope taken from it since."""

from collections.abc import Callable
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from halfsky_common.revocation import digest
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
    # Enabled again she signs in again: disabling ended her sign-ins, whose tokens stay refused.
    again = await client.get("/api/auth/me", headers=bearer(tokens))
    assert again.status_code == 401 and again.json()["code"] == "session_ended"
    assert (await client.get("/api/auth/me", headers=bearer(await login(name)))).status_code == 200


async def test_another_replica_learns_of_a_disabled_user_on_its_next_reload(
    app: FastAPI,
    settings_factory: Callable[..., Settings],
    tree: Any,
    make_user: Any,
    login: Any,
    refused_within: Any,
) -> None:
    tokens = await login(await make_user(unit=tree.tianhe, roles=["case_worker"]))
    replica = create_app(settings_factory(disabled_reload_seconds=0.2))
    async with running(replica) as other:
        assert (await other.get("/api/auth/me", headers=bearer(tokens))).status_code == 200
        async with app.state.engine.begin() as conn:  # disabled on some other replica: only the database knows
            await conn.execute(text("UPDATE app_user SET disabled = true"))
        assert (await refused_within(other, "GET", "/api/auth/me", bearer(tokens), 5)).status_code == 401


async def _client_with(
    client: httpx.AsyncClient, admin: dict[str, str], unit_id: str, scopes: list[str]
) -> dict[str, Any]:
    body = {"name": "天河区公安分局", "agency": "police", "scopes": scopes, "org_unit_id": unit_id}
    created = await client.post("/api/clients", json=body, headers=bearer(admin))
    assert created.status_code == 201, created.text
    return {**created.json(), "etag": created.headers.get("ETag") or f'W/"{created.json()["version"]}"'}


async def _client_token(client: httpx.AsyncClient, partner: dict[str, Any]) -> dict[str, str]:
    form = {
        "grant_type": "client_credentials",
        "client_id": partner["client_id"],
        "client_secret": partner["client_secret"],
    }
    r = await client.post("/api/auth/token", data=form)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def _patch_client(
    client: httpx.AsyncClient, admin: dict[str, str], partner: dict[str, Any], **change: Any
) -> None:
    r = await client.patch(
        f"/api/clients/{partner['id']}", json=change, headers={**bearer(admin), "If-Match": partner["etag"]}
    )
    assert r.status_code == 200, r.text
    partner["etag"] = r.headers["ETag"]


async def test_disabling_a_client_or_cutting_its_scopes_refuses_its_token_at_once(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    """Proxied calls tell: a token let through is forwarded to the (stopped) service, a 503; a refused one is 401."""
    admin = await login(await make_user(unit=tree.tianhe, roles=["admin"]))
    partner = await _client_with(client, admin, str(tree.tianhe.id), ["cases:intake", "cases:referrals"])
    both = await _client_token(client, partner)
    assert (await client.get("/api/cases/referrals", headers=both)).status_code == 503

    await _patch_client(client, admin, partner, scopes=["cases:intake"])
    cut = await client.get("/api/cases/referrals", headers=both)
    assert cut.status_code == 401 and cut.json()["code"] == "client_scopes_reduced"
    # The same token is refused for the scope it still has too: it must be traded for one with the scopes of now.
    assert (await client.post("/api/cases/intake", json={}, headers=both)).json()["code"] == "client_scopes_reduced"
    intake_only = await _client_token(client, partner)
    assert (await client.post("/api/cases/intake", json={}, headers=intake_only)).status_code == 503

    await _patch_client(client, admin, partner, disabled=True)
    off = await client.post("/api/cases/intake", json={}, headers=intake_only)
    assert off.status_code == 401 and off.json()["code"] == "client_disabled"
    assert off.headers["www-authenticate"] == 'Bearer error="client_disabled"'
    form = {"grant_type": "client_credentials", "client_id": partner["client_id"], "client_secret": "x"}
    assert (await client.post("/api/auth/token", data=form)).status_code == 401

    # Enabled again, a token issued before stays usable until it expires (as a user's does).
    await _patch_client(client, admin, partner, disabled=False)
    assert (await client.post("/api/cases/intake", json={}, headers=intake_only)).status_code == 503


async def test_another_replica_learns_of_a_disabled_client_on_its_next_reload(
    app: FastAPI,
    client: httpx.AsyncClient,
    settings_factory: Callable[..., Settings],
    tree: Any,
    make_user: Any,
    login: Any,
    refused_within: Any,
) -> None:
    admin = await login(await make_user(unit=tree.tianhe, roles=["admin"]))
    headers = await _client_token(client, await _client_with(client, admin, str(tree.tianhe.id), ["cases:intake"]))
    replica = create_app(settings_factory(disabled_reload_seconds=0.2))
    async with running(replica) as other:
        assert (await other.post("/api/cases/intake", json={}, headers=headers)).status_code == 503
        async with app.state.engine.begin() as conn:  # disabled on some other replica: only the database knows
            await conn.execute(text("UPDATE partner_client SET disabled = true"))
        refused = await refused_within(other, "POST", "/api/cases/intake", headers, 5, json={})
        assert refused.status_code == 401 and refused.json()["code"] == "client_disabled"


async def test_the_published_list_names_no_one_and_is_a_304_when_unchanged(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    admin = await login(await make_user(unit=tree.tianhe, roles=["admin"]))
    partner = await _client_with(client, admin, str(tree.tianhe.id), ["cases:intake", "stats:read"])
    await _patch_client(client, admin, partner, scopes=["stats:read"])
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    user_id = (await client.get("/api/auth/me", headers=bearer(await login(name)))).json()["id"]
    await _set_disabled(client, admin, name, True)

    r = await client.get("/api/auth/revocations")  # no token: the services have none of their own
    assert r.status_code == 200 and r.headers["cache-control"] == "no-cache"
    assert partner["client_id"] not in r.text and user_id not in r.text
    listed = r.json()
    assert listed["users"] == [digest(user_id)]
    assert listed["clients"] == {digest(f"client:{partner['client_id']}"): ["stats:read"]}
    assert (await client.get("/api/auth/revocations", headers={"If-None-Match": r.headers["ETag"]})).status_code == 304

    await _set_disabled(client, admin, name, False)
    changed = await client.get("/api/auth/revocations", headers={"If-None-Match": r.headers["ETag"]})
    assert changed.status_code == 200 and changed.json()["users"] == []
