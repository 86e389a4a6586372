"""Users: admins manage their own region only; lists never show another region's staff."""

from typing import Any

import httpx


def h(pair: dict[str, str], **extra: str) -> dict[str, str]:
    return {"Authorization": pair["bearer"], **extra}


async def test_county_admin_sees_and_creates_only_inside_the_county(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    await make_user(unit=tree.liwan, roles=["case_worker"], username="liwan_worker")
    await make_user(unit=tree.street, roles=["case_worker"], username="wushan_worker")
    admin = await login(await make_user(unit=tree.tianhe, roles=["admin"], username="tianhe_admin"))
    listed = (await client.get("/api/users", headers=h(admin))).json()
    assert sorted(u["username"] for u in listed["items"]) == ["tianhe_admin", "wushan_worker"]
    body = {"username": "new_worker", "name": "王芳", "password": "Wangfang-2026", "roles": ["case_worker"]}
    inside = await client.post("/api/users", json={**body, "org_unit_id": str(tree.street.id)}, headers=h(admin))
    assert inside.status_code == 201 and inside.json()["must_change_password"] is True
    outside = await client.post(
        "/api/users", json={**body, "username": "other", "org_unit_id": str(tree.liwan.id)}, headers=h(admin)
    )
    assert outside.status_code == 403


async def test_users_of_another_region_are_not_found(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    province_admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    other = (await client.get("/api/users", params={"q": "yx"}, headers=h(province_admin))).json()["items"]
    assert other == []
    await make_user(unit=tree.liwan, roles=["case_worker"], username="lw_worker")
    target = (await client.get("/api/users", params={"q": "lw_worker"}, headers=h(province_admin))).json()["items"][0]
    county_admin = await login(await make_user(unit=tree.tianhe, roles=["admin"]))
    assert (await client.get(f"/api/users/{target['id']}", headers=h(county_admin))).status_code == 404
    worker = await login(await make_user(unit=tree.tianhe, roles=["case_worker"]))
    assert (await client.get("/api/users", headers=h(worker))).status_code == 403


async def test_reset_password_ends_sessions_and_forces_a_change(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    name = await make_user(unit=tree.tianhe, roles=["statistician"])
    session = await login(name)
    user = (await client.get("/api/users", params={"q": name}, headers=h(admin))).json()["items"][0]
    r = await client.post(
        f"/api/users/{user['id']}/reset-password", json={"password": "Temp-pass-2026"}, headers=h(admin)
    )
    assert r.status_code == 204
    assert (await client.post("/api/auth/refresh", json={"refresh_token": session["refresh_token"]})).status_code == 401
    fresh = await login(name, "Temp-pass-2026")
    assert fresh["must_change_password"] is True
    changed = await client.post(
        "/api/auth/change-password",
        json={"old_password": "Temp-pass-2026", "new_password": "Mine-for-good-7"},
        headers=h(fresh),
    )
    assert changed.status_code == 204
    assert (await login(name, "Mine-for-good-7"))["must_change_password"] is False


def test_demo_users_sit_in_the_units_their_names_say() -> None:
    """The demo staff's username prefix names their unit as the demo tree does (440103 is 荔湾区, not 越秀区)."""
    import csv

    from halfsky_gateway.cli import DEMO_TREE, DEMO_USERS

    names = {row["code"]: row["name"] for row in csv.DictReader(DEMO_TREE.read_text(encoding="utf-8-sig").splitlines())}
    prefixes = {"gz": "广州市", "th": "天河区", "lw": "荔湾区"}
    for username, _, _, code in DEMO_USERS:
        assert names.get(code) == prefixes.get(username.split("_")[0]), (username, code, names.get(code))
