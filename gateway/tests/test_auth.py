"""Sign-in: passwords, lockout, refresh rotation, logout, partner client credentials."""

import asyncio
from typing import Any

import httpx
import pytest
from jose import jwt
from sqlalchemy import text

PASSWORD = "Correct-horse-42"


def bearer(pair: dict[str, str]) -> dict[str, str]:
    return {"Authorization": pair["bearer"]}


async def test_login_gives_a_short_rs256_token_with_identity(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    tokens = await login(name)
    claims = jwt.get_unverified_claims(tokens["access_token"])
    assert jwt.get_unverified_header(tokens["access_token"])["alg"] == "RS256"
    assert claims["org_path"] == "/44/4401/440106/"
    assert claims["roles"] == ["case_worker"]
    assert claims["exp"] - claims["iat"] == 15 * 60
    me = (await client.get("/api/auth/me", headers=bearer(tokens))).json()
    assert me["username"] == name and me["org_unit"]["code"] == "440106"


async def test_wrong_password_is_401_problem(client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any) -> None:
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    r = await client.post("/api/auth/login", json={"username": name, "password": "wrong-password-1"})
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    unknown = await client.post("/api/auth/login", json={"username": "nobody", "password": "wrong-password-1"})
    assert unknown.status_code == 401 and unknown.json()["detail"] == r.json()["detail"]


async def test_five_failures_lock_the_account_even_for_the_right_password(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    codes = [
        (await client.post("/api/auth/login", json={"username": name, "password": f"bad-pass-{i}x"})).status_code
        for i in range(5)
    ]
    assert codes == [401, 401, 401, 401, 423]
    r = await client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    assert r.status_code == 423
    assert "locked_until" in r.json()


async def test_refresh_rotates_and_a_replayed_token_ends_the_family(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    first = await login(name)
    second = (await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()
    assert second["refresh_token"] != first["refresh_token"]
    replay = await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and replay.json()["code"] == "token_reused"
    # The replay revoked the whole family: the newer token is dead too.
    after = await client.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401


async def test_logout_revokes_the_refresh_token(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    tokens = await login(name)
    assert (await client.post("/api/auth/logout", json={"refresh_token": tokens["refresh_token"]})).status_code == 204
    r = await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 401


async def test_disabled_user_cannot_sign_in_or_refresh(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    tokens = await login(name)
    listed = (await client.get("/api/users", params={"q": name}, headers=bearer(admin))).json()["items"][0]
    r = await client.patch(
        f"/api/users/{listed['id']}",
        json={"disabled": True},
        headers={**bearer(admin), "If-Match": f'W/"{listed["version"]}"'},
    )
    assert r.status_code == 200, r.text
    assert (await client.post("/api/auth/login", json={"username": name, "password": PASSWORD})).status_code == 403
    assert (await client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).status_code == 401


async def test_partner_client_gets_a_scoped_token(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    admin = await login(await make_user(unit=tree.tianhe, roles=["admin"]))
    created = await client.post(
        "/api/clients",
        json={
            "name": "天河区公安分局",
            "agency": "police",
            "scopes": ["cases:intake"],
            "org_unit_id": str(tree.tianhe.id),
        },
        headers=bearer(admin),
    )
    assert created.status_code == 201, created.text
    body = created.json()
    form = {"grant_type": "client_credentials", "client_id": body["client_id"], "client_secret": body["client_secret"]}
    token = (await client.post("/api/auth/token", data=form)).json()
    claims = jwt.get_unverified_claims(token["access_token"])
    assert claims["typ"] == "client" and claims["scope"] == "cases:intake"
    assert claims["org_path"] == "/44/4401/440106/" and claims["roles"] == ["partner"]
    bad = await client.post("/api/auth/token", data={**form, "client_secret": "nope"})
    assert bad.status_code == 401
    # A partner token is not a staff session: no profile, no password to change, no region tree to browse.
    partner = {"Authorization": f"Bearer {token['access_token']}"}
    assert (await client.get("/api/auth/me", headers=partner)).status_code == 403
    change = {"old_password": "Correct-horse-42", "new_password": "Another-horse-43"}
    assert (await client.post("/api/auth/change-password", json=change, headers=partner)).status_code == 403
    assert (await client.get("/api/org-units", headers=partner)).status_code == 403
    assert (await client.get(f"/api/org-units/{tree.tianhe.id}/subtree", headers=partner)).status_code == 403


async def test_password_policy_names_the_field(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    r = await client.post(
        "/api/users",
        json={
            "username": "short",
            "name": "王芳",
            "password": "abc123",
            "roles": ["case_worker"],
            "org_unit_id": str(tree.tianhe.id),
        },
        headers=bearer(admin),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "password"


async def test_sign_in_attempts_are_rate_limited_per_address_with_retry_after(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    # A distinct username per attempt: the per-account limit and the lockout never trigger, only the per-IP one.
    codes = [
        (await client.post("/api/auth/login", json={"username": f"ghost{i}", "password": "x" * 12})).status_code
        for i in range(31)
    ]
    assert codes[:30] == [401] * 30
    assert codes[30] == 429
    r = await client.post("/api/auth/login", json={"username": "ghost-last", "password": "x" * 12})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert r.headers["content-type"] == "application/problem+json"


async def test_logout_and_a_replayed_refresh_token_are_audited(
    app: Any, client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    first = await login(name)
    await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    await client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})  # the replay
    second = await login(name)
    r = await client.post(
        "/api/auth/logout", json={"refresh_token": second["refresh_token"]}, headers={"X-Request-ID": "bye-1"}
    )
    assert r.status_code == 204
    async with app.state.engine.connect() as conn:
        rows = (
            await conn.execute(
                text("SELECT action, actor_name, request_id, org_path FROM audit_log WHERE action <> 'auth.login'")
            )
        ).all()
    assert [r[0] for r in rows] == ["auth.refresh_reused", "auth.logout"]
    assert rows[1][2] == "bye-1" and rows[1][3] == "/44/4401/440106/"


async def _failed_logins(app: Any, username: str) -> tuple[int, Any]:
    from sqlalchemy import select

    from halfsky_gateway.users.models import User

    async with app.state.sessionmaker() as session:
        row = (
            await session.execute(select(User.failed_logins, User.locked_until).where(User.username == username))
        ).one()
        return int(row[0]), row[1]


@pytest.mark.parametrize("attempts", [8])
async def test_parallel_wrong_passwords_are_each_counted(
    settings_factory: Any, tree: Any, make_user: Any, attempts: int
) -> None:
    """The failure count is an atomic increment: no wrong password is lost to a read-modify-write race."""
    from halfsky_common.testing import running
    from halfsky_gateway.main import create_app

    app = create_app(settings_factory(lockout_failures=100, login_limit_per_account=1000, login_limit_per_ip=1000))
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    async with running(app) as c:
        body = {"username": name, "password": "wrong-password-1"}
        codes = await asyncio.gather(*(c.post("/api/auth/login", json=body) for _ in range(attempts)))
        assert [r.status_code for r in codes] == [401] * attempts
        assert await _failed_logins(app, name) == (attempts, None)


async def test_parallel_wrong_passwords_lock_at_the_threshold(settings_factory: Any, tree: Any, make_user: Any) -> None:
    from halfsky_common.testing import running
    from halfsky_gateway.main import create_app

    app = create_app(settings_factory(lockout_failures=5, login_limit_per_account=1000, login_limit_per_ip=1000))
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    async with running(app) as c:
        body = {"username": name, "password": "wrong-password-1"}
        codes = sorted(
            r.status_code for r in await asyncio.gather(*(c.post("/api/auth/login", json=body) for _ in range(5)))
        )
        assert codes == [401, 401, 401, 401, 423]
        failed, locked_until = await _failed_logins(app, name)
        assert failed == 0 and locked_until is not None
        right = await c.post("/api/auth/login", json={"username": name, "password": PASSWORD})
        assert right.status_code == 423
