"""The region tree: subtree, move (descendants' paths follow), rename with If-Match, import, region limits."""

import asyncio
import time
from typing import Any

import httpx


def h(pair: dict[str, str], **extra: str) -> dict[str, str]:
    return {"Authorization": pair["bearer"], **extra}


async def test_children_and_subtree(client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any) -> None:
    me = await login(await make_user(unit=tree.tianhe, roles=["case_worker"]))
    roots = (await client.get("/api/org-units", headers=h(me))).json()
    assert [(u["code"], u["has_children"]) for u in roots] == [("44", True)]
    kids = (await client.get(f"/api/org-units/{tree.city.id}/children", headers=h(me))).json()
    assert [u["code"] for u in kids] == ["440103", "440106"]
    sub = (await client.get(f"/api/org-units/{tree.city.id}/subtree", headers=h(me))).json()
    assert [u["path"] for u in sub] == [
        "/44/4401/",
        "/44/4401/440103/",
        "/44/4401/440106/",
        "/44/4401/440106/440106001/",
    ]
    shallow = (await client.get(f"/api/org-units/{tree.city.id}/subtree", params={"depth": 1}, headers=h(me))).json()
    assert len(shallow) == 3


async def test_move_rewrites_every_descendant_path(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    village = await client.post(
        "/api/org-units",
        json={"code": "440106001001", "name": "五山社区", "parent_id": str(tree.street.id)},
        headers=h(admin),
    )
    assert village.status_code == 201, village.text
    assert village.json()["path"] == "/44/4401/440106/440106001/440106001001/"
    etag = (await client.get(f"/api/org-units/{tree.street.id}", headers=h(admin))).headers["etag"]
    moved = await client.post(
        f"/api/org-units/{tree.street.id}/move",
        json={"parent_id": str(tree.liwan.id)},
        headers=h(admin, **{"If-Match": etag}),
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["path"] == "/44/4401/440103/440106001/"
    child = (await client.get(f"/api/org-units/{village.json()['id']}", headers=h(admin))).json()
    assert child["path"] == "/44/4401/440103/440106001/440106001001/"
    old_home = (await client.get(f"/api/org-units/{tree.tianhe.id}/subtree", headers=h(admin))).json()
    assert [u["code"] for u in old_home] == ["440106"]


async def test_move_under_own_descendant_is_refused(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    r = await client.post(
        f"/api/org-units/{tree.city.id}/move",
        json={"parent_id": str(tree.street.id)},
        headers=h(admin, **{"If-Match": "*"}),
    )
    assert r.status_code in (409, 422)


async def test_rename_needs_the_current_etag(client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any) -> None:
    admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    url = f"/api/org-units/{tree.tianhe.id}"
    assert (await client.patch(url, json={"name": "天河区妇联"}, headers=h(admin))).status_code == 428
    etag = (await client.get(url, headers=h(admin))).headers["etag"]
    first = await client.patch(url, json={"name": "天河区妇联"}, headers=h(admin, **{"If-Match": etag}))
    assert first.status_code == 200
    stale = await client.patch(url, json={"name": "天河"}, headers=h(admin, **{"If-Match": etag}))
    assert stale.status_code == 412
    assert (await client.get(url, headers=h(admin))).json()["name"] == "天河区妇联"


async def test_admins_change_only_their_own_region(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    county_admin = await login(await make_user(unit=tree.tianhe, roles=["admin"]))
    inside = await client.post(
        "/api/org-units",
        json={"code": "440106002", "name": "石牌街道", "parent_id": str(tree.tianhe.id)},
        headers=h(county_admin),
    )
    assert inside.status_code == 201
    outside = await client.post(
        "/api/org-units",
        json={"code": "440103001", "name": "沙面街道", "parent_id": str(tree.liwan.id)},
        headers=h(county_admin),
    )
    assert outside.status_code == 403
    rename = await client.patch(
        f"/api/org-units/{tree.liwan.id}", json={"name": "x"}, headers=h(county_admin, **{"If-Match": "*"})
    )
    assert rename.status_code == 404
    worker = await login(await make_user(unit=tree.tianhe, roles=["case_worker"]))
    denied = await client.post(
        "/api/org-units", json={"code": "440106003", "name": "x", "parent_id": str(tree.tianhe.id)}, headers=h(worker)
    )
    assert denied.status_code == 403


async def test_bad_codes_name_the_field(client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any) -> None:
    admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    r = await client.post(
        "/api/org-units", json={"code": "44010", "name": "x", "parent_id": str(tree.city.id)}, headers=h(admin)
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "code"
    dup = await client.post(
        "/api/org-units", json={"code": "440106", "name": "x", "parent_id": str(tree.city.id)}, headers=h(admin)
    )
    assert dup.status_code == 409


async def test_import_csv_creates_parents_first_and_reports_orphans(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    admin = await login(await make_user(unit=tree.tianhe, roles=["admin"]))
    csv_text = (
        "code,name,parent_code\n"
        "440106002001,石牌村,440106002\n"
        "440106002,石牌街道,440106\n"
        "440106999001,无主村,440106999\n"
        "440103001,沙面街道,440103\n"
    )
    r = await client.post(
        "/api/org-units/import", files={"file": ("t.csv", csv_text.encode(), "text/csv")}, headers=h(admin)
    )
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["created"] == 2
    assert sorted(e["code"] for e in result["errors"]) == ["440103001", "440106999001"]


async def test_a_huge_import_is_refused_at_the_first_row_past_the_limit_while_the_gateway_answers(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    """Issue 12.1: the org-unit CSV was read whole and walked on the event loop, with no row limit at all."""
    admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    bomb = b"code,name,parent_code\n" + b"1,a,\n" * 1_900_000  # 1.9 M rows in 9.5 MB, under the upload limit
    done = asyncio.Event()
    probes: list[float] = []

    async def probe() -> None:  # the same event loop as the import: in-process, a blocked loop blocks these
        while not done.is_set():
            started = time.monotonic()
            assert (await client.get("/health")).status_code == 200
            probes.append(time.monotonic() - started)
            await asyncio.sleep(0.02)

    task = asyncio.create_task(probe())
    started = time.monotonic()
    try:
        r = await client.post(
            "/api/org-units/import", files={"file": ("t.csv", bomb, "text/csv")}, headers=h(admin), timeout=60
        )
    finally:
        done.set()
        await task
    assert r.status_code == 413, r.text
    assert r.json()["code"] == "too_many_rows" and "100,000" in r.json()["detail"]
    assert time.monotonic() - started < 15
    assert probes and max(probes) < 2.0, probes


async def test_an_import_that_is_not_utf8_is_refused_by_name(
    client: httpx.AsyncClient, tree: Any, make_user: Any, login: Any
) -> None:
    admin = await login(await make_user(unit=tree.province, roles=["admin"]))
    r = await client.post(
        "/api/org-units/import",
        files={"file": ("t.csv", "code,name,parent_code\n440106002,石牌街道,440106\n".encode("gb18030"))},
        headers=h(admin),
    )
    assert r.status_code == 422 and r.json()["code"] == "unreadable_file"
    assert r.json()["detail"] == "The file is not UTF-8 text."
