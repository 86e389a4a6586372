"""Sign-in: passwords, delays after failures, refresh rotation, logout, partner client credentials."""

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


def _same(r: httpx.Response) -> tuple[int, str, dict[str, Any]]:
    """What a caller can compare of two answers (the request id aside)."""
    return r.status_code, r.headers["content-type"], {k: v for k, v in r.json().items() if k != "instance"}


async def test_unknown_name_wrong_password_and_disabled_account_get_one_answer(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    wrong = await client.post("/api/auth/login", json={"username": name, "password": "wrong-password-1"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_credentials"
    assert wrong.headers["content-type"] == "application/problem+json"
    unknown = await client.post("/api/auth/login", json={"username": "nobody", "password": "wrong-password-1"})
    assert _same(unknown) == _same(wrong)
    listed = (await client.get("/api/users", params={"q": name}, headers=bearer(admin))).json()["items"][0]
    r = await client.patch(
        f"/api/users/{listed['id']}",
        json={"disabled": True},
        headers={**bearer(admin), "If-Match": f'W/"{listed["version"]}"'},
    )
    assert r.status_code == 200, r.text
    # A disabled account does not confirm that the password was right: the same answer as a wrong one.
    right_but_disabled = await client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    assert _same(right_but_disabled) == _same(wrong)


def _from(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


async def _older(app: Any, seconds: int) -> None:
    """Move every recorded failure `seconds` into the past (instead of sleeping through a delay)."""
    async with app.state.engine.begin() as conn:
        await conn.execute(
            text("UPDATE rate_counter SET window_start = window_start - make_interval(secs => :s)"), {"s": seconds}
        )


@pytest.mark.parametrize("known", [True, False])
async def test_failures_from_one_address_bring_growing_delays_there_only(
    settings_factory: Any, tree: Any, make_user: Any, known: bool
) -> None:
    """Five wrong passwords from one address: that address waits 30 s, then 60 s, ... up to the cap; the owner at
    her own address is not kept out, and an unknown name behaves exactly like a known one."""
    from halfsky_common.testing import running
    from halfsky_gateway.main import create_app

    app = create_app(settings_factory(client_ip_header="X-Forwarded-For", login_delay_max_seconds=100))
    name = await make_user(unit=tree.tianhe, roles=["case_worker"]) if known else "nobody-here"
    async with running(app) as c:
        wrong = {"username": name, "password": "wrong-password-1"}
        codes = [
            (await c.post("/api/auth/login", json=wrong, headers=_from("203.0.113.9"))).status_code for _ in range(5)
        ]
        assert codes == [401] * 5
        delayed = await c.post(
            "/api/auth/login", json={"username": name, "password": PASSWORD}, headers=_from("203.0.113.9")
        )
        assert delayed.status_code == 429, delayed.text
        assert delayed.json()["code"] == "sign_in_delayed"
        assert 29 <= int(delayed.headers["retry-after"]) <= 30 and delayed.json()["retry_after"] <= 30
        # The owner, from her own address, is not affected by the stranger's failures.
        own = await c.post(
            "/api/auth/login", json={"username": name, "password": PASSWORD}, headers=_from("198.51.100.4")
        )
        assert own.status_code == (200 if known else 401), own.text
        # After the delay one more try; its failure doubles the delay, up to the cap.
        waits = []
        for _ in range(3):
            await _older(app, 101)
            assert (await c.post("/api/auth/login", json=wrong, headers=_from("203.0.113.9"))).status_code == 401
            again = await c.post("/api/auth/login", json=wrong, headers=_from("203.0.113.9"))
            assert again.status_code == 429
            waits.append(int(again.headers["retry-after"]))
        assert waits == [60, 100, 100]


async def test_an_admin_lifts_the_delays_and_sees_them(
    settings_factory: Any, tree: Any, make_user: Any, login: Any, client: httpx.AsyncClient
) -> None:
    from halfsky_common.testing import running
    from halfsky_gateway.main import create_app

    app = create_app(settings_factory(client_ip_header="X-Forwarded-For"))
    admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    async with running(app) as c:
        for _ in range(5):
            await c.post(
                "/api/auth/login", json={"username": name, "password": "wrong-1-pass"}, headers=_from("203.0.113.5")
            )
        right = {"username": name, "password": PASSWORD}
        assert (await c.post("/api/auth/login", json=right, headers=_from("203.0.113.5"))).status_code == 429
        listed = (await c.get("/api/users", params={"q": name}, headers=bearer(admin))).json()["items"][0]
        assert listed["locked_until"] is not None  # the list shows that sign-ins are being delayed
        assert (await c.post(f"/api/users/{listed['id']}/unlock", headers=bearer(admin))).status_code == 204
        assert (await c.post("/api/auth/login", json=right, headers=_from("203.0.113.5"))).status_code == 200


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
    assert (await client.post("/api/auth/login", json={"username": name, "password": PASSWORD})).status_code == 401
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


@pytest.mark.parametrize(
    "weak",
    ["abc123", "password12", " " * 10 + "1", "qwertyuiop1", "Demo-2026-halfsky", "demo 2026 HALFSKY", "halfsky12338"],
)
async def test_weak_passwords_are_refused_naming_the_field_and_the_policy(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any, weak: str
) -> None:
    admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    body = {"username": "wang_fang", "name": "王芳", "roles": ["case_worker"], "org_unit_id": str(tree.tianhe.id)}
    r = await client.post("/api/users", json={**body, "password": weak}, headers=bearer(admin))
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "weak_password"
    assert [e["field"] for e in r.json()["errors"]] == ["password"]
    assert "The policy: at least 10 characters; hard to guess (zxcvbn strength at least 3 of 4" in r.json()["detail"]
    # The same policy where a user chooses her own, and where an admin resets one.
    worker = await make_user(unit=tree.tianhe, roles=["case_worker"])
    change = {"old_password": PASSWORD, "new_password": weak}
    mine = await client.post("/api/auth/change-password", json=change, headers=bearer(await login(worker)))
    assert mine.status_code == 422 and mine.json()["errors"][0]["field"] == "new_password"
    listed = (await client.get("/api/users", params={"q": worker}, headers=bearer(admin))).json()["items"][0]
    reset = await client.post(
        f"/api/users/{listed['id']}/reset-password", json={"password": weak}, headers=bearer(admin)
    )
    assert reset.status_code == 422 and reset.json()["code"] == "weak_password"


async def test_strong_passwords_pass_and_only_demo_accounts_keep_the_demo_password(app: Any, tree: Any) -> None:
    from halfsky_common.db import make_sessionmaker
    from halfsky_common.problems import Problem
    from halfsky_gateway.users import service as users

    policy = {"min_length": 10, "min_score": 3}
    async with make_sessionmaker(app.state.engine)() as session:
        for name, password in [
            ("wang_fang", "Tianhe-ferry-at-dawn"),
            ("li_na", "天河区妇联维权2026"),
            ("zhou", PASSWORD),
        ]:
            await users.create_user(
                session,
                username=name,
                name="某",
                password=password,
                roles=["case_worker"],
                org_unit=tree.tianhe,
                **policy,
            )
        common = {"name": "某", "roles": ["case_worker"], "org_unit": tree.tianhe, **policy}
        await users.create_user(session, username="th_demo", password="Demo-2026-halfsky", demo_account=True, **common)
        with pytest.raises(Problem):
            await users.create_user(session, username="th_real", password="Demo-2026-halfsky", **common)
        with pytest.raises(Problem):  # the username inside the password
            await users.create_user(session, username="chen_xiuying", password="chen_xiuying-2026!", **common)
        await session.rollback()


async def test_sign_in_attempts_are_rate_limited_per_address_with_retry_after(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    # A distinct username per attempt: no (username, address) delay starts, only the per-address limit.
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

    app = create_app(settings_factory(login_delay_after=100, login_limit_per_ip=1000))
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    async with running(app) as c:
        body = {"username": name, "password": "wrong-password-1"}
        codes = await asyncio.gather(*(c.post("/api/auth/login", json=body) for _ in range(attempts)))
        assert [r.status_code for r in codes] == [401] * attempts
        assert await _failed_logins(app, name) == (attempts, None)


async def test_parallel_wrong_passwords_meet_the_delay_at_the_threshold(
    settings_factory: Any, tree: Any, make_user: Any
) -> None:
    """Each try is counted before its (slow) check: eight at once from one address get five checks, not eight."""
    from halfsky_common.testing import running
    from halfsky_gateway.main import create_app

    app = create_app(settings_factory(login_delay_after=5, login_limit_per_ip=1000))
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    async with running(app) as c:
        body = {"username": name, "password": "wrong-password-1"}
        codes = sorted(
            r.status_code for r in await asyncio.gather(*(c.post("/api/auth/login", json=body) for _ in range(8)))
        )
        assert codes == [401] * 5 + [429] * 3
        failed, delayed_until = await _failed_logins(app, name)
        assert failed == 5 and delayed_until is not None
        right = await c.post("/api/auth/login", json={"username": name, "password": PASSWORD})
        assert right.status_code == 429


async def test_token_requests_are_limited_per_client_id_from_any_address(
    settings_factory: Any, tree: Any, make_user: Any, login: Any
) -> None:
    from halfsky_common.testing import running
    from halfsky_gateway.main import create_app

    app = create_app(settings_factory(client_ip_header="X-Forwarded-For", token_limit_per_client=3))
    admin = await login(await make_user(unit=tree.tianhe, roles=["admin"]))
    async with running(app) as c:
        body = {"name": "天河区法院", "agency": "court", "scopes": ["cases:intake"], "org_unit_id": str(tree.tianhe.id)}
        made = (await c.post("/api/clients", json=body, headers=bearer(admin))).json()
        form = {"grant_type": "client_credentials", "client_id": made["client_id"], "client_secret": "wrong"}
        codes = [
            (await c.post("/api/auth/token", data=form, headers=_from(f"192.0.2.{i}"))).status_code for i in range(3)
        ]
        assert codes == [401] * 3
        right = {**form, "client_secret": made["client_secret"]}
        over = await c.post("/api/auth/token", data=right, headers=_from("192.0.2.99"))
        assert over.status_code == 429 and int(over.headers["retry-after"]) >= 1
        assert over.headers["content-type"] == "application/problem+json"
        other = {**form, "client_id": "hs_0000000000000000"}
        assert (await c.post("/api/auth/token", data=other, headers=_from("192.0.2.99"))).status_code == 401


async def test_a_full_argon2_pool_answers_503_at_once_instead_of_queueing_without_end(
    settings_factory: Any, tree: Any, make_user: Any
) -> None:
    import threading

    from halfsky_common.testing import running
    from halfsky_gateway.auth import passwords
    from halfsky_gateway.main import create_app

    app = create_app(settings_factory(argon2_threads=1, argon2_max_waiting=1))
    name = await make_user(unit=tree.tianhe, roles=["case_worker"])
    release = threading.Event()
    try:
        async with running(app) as c:
            # Two checks hold the pool (one running, one queued): the next sign-in is refused without waiting.
            held = [asyncio.create_task(passwords.pool().run(lambda: release.wait(30))) for _ in range(2)]
            await asyncio.sleep(0)  # let both tasks claim their slots
            busy = await c.post("/api/auth/login", json={"username": name, "password": PASSWORD})
            assert busy.status_code == 503 and busy.json()["code"] == "auth_busy", busy.text
            assert busy.headers["retry-after"] == "1"
            release.set()
            await asyncio.gather(*held)
            ok = await c.post("/api/auth/login", json={"username": name, "password": PASSWORD})
            assert ok.status_code == 200, ok.text
    finally:
        release.set()
        passwords.configure(threads=2, max_waiting=64)  # the defaults, as the suite's shared app made them
