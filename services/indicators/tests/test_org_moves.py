"""A unit moved in the region tree: this service files it, and everything under it, where the tree now has it.

The move reaches the service as the gateway delivers it (`POST /indicators/org-moves`, the gateway's own service
token, the unit's old and new path); from then on the unit's code means its new place, its new path is accepted,
its old path is not, and authorisation follows: the new county's staff read and write its forms, the old county's
get nothing.
"""

from pathlib import Path
from typing import Any

import httpx
from indicators_factories import GATEWAY, GZ_STATS, STATS, YX_STATS, folic_catalogue, user
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_common.db import make_engine
from halfsky_common.migrations import upgrade_async
from halfsky_common.testing import fresh_database
from halfsky_indicators.orgtree.service import current_paths

SERVICE_DIR = Path(__file__).resolve().parents[1]

STREET = "440106003"  # 天河区's 五山街道 stand-in, moved to 越秀区
OLD = "/44/4401/440106/440106003/"
NEW = "/44/4401/440104/440106003/"
VILLAGE = "440106003001"  # a community of the street: it moves along without being named
YX_LEADER = user(["leader"], "/44/4401/440104/", name="越秀区主席")
TH_LEADER = user(["leader"], "/44/4401/440106/", name="吴桂兰")
VALUES = {"values": [{"element": "folic_takers", "value": 900}, {"element": "folic_due", "value": 1000}]}


async def deliver(client: httpx.AsyncClient, from_path: str, to_path: str) -> dict[str, Any]:
    r = await client.post("/indicators/org-moves", json={"from_path": from_path, "to_path": to_path}, headers=GATEWAY)
    assert r.status_code == 200, r.text
    return dict(r.json()["updated"])


def form(org: str, period: str = "2010") -> str:
    return f"/indicators/forms/folic/{org}/{period}"


async def test_a_moved_street_is_filed_under_its_new_county(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    saved = await client.put(form(STREET), json=VALUES, headers=STATS)
    assert saved.status_code == 200 and saved.json()["org_path"] == OLD
    assert (await client.get(form(STREET), headers=YX_STATS)).status_code == 403

    await deliver(client, OLD, NEW)

    # the new county's statistician: the form by the street's code, its values by the new path, and a community
    r = await client.get(form(STREET), headers=YX_STATS)
    assert r.status_code == 200, r.text
    assert r.json()["org_path"] == NEW and r.json()["version"] == 1
    listed = await client.get("/indicators/data-values", params={"org": NEW}, headers=YX_STATS)
    assert listed.status_code == 200, listed.text
    assert sorted(float(v["value"]) for v in listed.json()["items"]) == [900, 1000]
    village = await client.get(form(VILLAGE), headers=YX_STATS)
    assert village.status_code == 200 and village.json()["org_path"] == f"{NEW}{VILLAGE}/"
    etag = (await client.get(form(STREET), headers=YX_STATS)).headers["etag"]
    changed = await client.put(
        form(STREET),
        json={"values": [{"element": "folic_takers", "value": 950}]},
        headers={**YX_STATS, "If-Match": etag},
    )
    assert changed.status_code == 200 and changed.json()["org_path"] == NEW

    # the old county's: refused the street and its community; the old path names no unit any more
    for org in (STREET, VILLAGE):
        assert (await client.get(form(org), headers=STATS)).status_code == 403, org
        assert (await client.put(form(org), json=VALUES, headers=STATS)).status_code == 403, org
    for org in (STREET, NEW):
        assert (await client.get("/indicators/reports", params={"org": org}, headers=STATS)).json()["items"] == []
    stale = await client.get("/indicators/data-values", params={"org": OLD}, headers=YX_STATS)
    assert stale.status_code == 422 and stale.json()["errors"][0]["field"] == "org"
    assert stale.json()["code"] == "org_path_not_current"
    assert NEW not in stale.text  # the refusal does not say where the unit went
    listed = await client.get("/indicators/data-values", params={"org": "440106"}, headers=STATS)
    assert listed.json()["items"] == []

    # the report goes up to the new county: its statistician submits, its leader approves, not the old one's
    etag = changed.headers["etag"]
    submitted = await client.post(form(STREET) + "/submit", json={}, headers={**YX_STATS, "If-Match": etag})
    assert submitted.status_code == 200, submitted.text
    etag = submitted.headers["etag"]
    assert (await client.post(form(STREET) + "/approve", headers={**TH_LEADER, "If-Match": etag})).status_code == 404
    approved = await client.post(form(STREET) + "/approve", headers={**YX_LEADER, "If-Match": etag})
    assert approved.status_code == 200, approved.text

    # region queries by the unit's code or its new path find it in its new county
    analytics = await client.get(
        "/indicators/analytics",
        params={"indicators": "H-FOLIC", "orgs": f"{STREET},{NEW}", "periods": "2010"},
        headers=YX_STATS,
    )
    assert analytics.status_code == 200, analytics.text
    assert [row["org_path"] for row in analytics.json()["rows"]] == [NEW, NEW]
    refused = await client.get(
        "/indicators/analytics", params={"indicators": "H-FOLIC", "orgs": STREET, "periods": "2010"}, headers=STATS
    )
    assert refused.status_code == 403


async def test_moves_apply_once_in_order_and_back_again(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    assert (await client.put(form(VILLAGE), json=VALUES, headers=STATS)).status_code == 200
    assert (await deliver(client, OLD, NEW))["data_value.org_path"] == 2
    assert "data_value.org_path" not in await deliver(client, OLD, NEW)  # the gateway's retry changes nothing
    assert (await client.get(form(VILLAGE), headers=YX_STATS)).json()["version"] == 1
    # the county it went to moves to another city: the street and its community follow
    await deliver(client, "/44/4401/440104/", "/44/4403/440104/")
    yuexiu_now = user(["statistician"], "/44/4403/440104/")  # 越秀区's statistician, signed in since
    for who in (yuexiu_now, user(["statistician"], "/44/4403/")):
        moved = await client.get(form(VILLAGE), headers=who)
        assert moved.status_code == 200 and moved.json()["org_path"] == f"/44/4403/440104/440106003/{VILLAGE}/"
    assert (await client.get(form(VILLAGE), headers=GZ_STATS)).status_code == 403  # 广州市 no longer
    before = await client.get("/indicators/data-values", params={"org": NEW}, headers=yuexiu_now)
    assert before.status_code == 422  # the path it had before
    # and the street comes home
    await deliver(client, "/44/4403/440104/440106003/", OLD)
    back = await client.get(form(VILLAGE), headers=STATS)
    assert back.status_code == 200 and back.json()["org_path"] == f"{OLD}{VILLAGE}/" and back.json()["version"] == 1
    assert (await client.get(form(VILLAGE), headers=YX_STATS)).status_code == 403


async def test_imports_file_rows_where_the_tree_has_the_unit_now(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    await deliver(client, OLD, NEW)
    lines = [
        "element,org,period,value",
        f"folic_takers,{STREET},2010,900",  # by code
        f"folic_due,{NEW},2010,1000",  # by the new path
        f"folic_due,{VILLAGE},2010,10",  # a community of the street, by code
    ]
    csv = ("\n".join(lines) + "\n").encode()
    imported = await client.post("/indicators/import", files={"file": ("v.csv", csv)}, headers=YX_STATS)
    assert imported.status_code == 200, imported.text
    stored = await client.get("/indicators/data-values", params={"org": STREET}, headers=YX_STATS)
    assert sorted(v["org_path"] for v in stored.json()["items"]) == [NEW, NEW, f"{NEW}{VILLAGE}/"]
    refused = await client.post("/indicators/import", files={"file": ("v.csv", csv)}, headers=STATS)
    assert [(r["row"], r["field"]) for r in refused.json()["rejected"]] == [(2, "org"), (3, "org"), (4, "org")]
    stale = ("element,org,period,value\n" + f"folic_due,{OLD},2010,1000\n").encode()
    refused = await client.post("/indicators/import", files={"file": ("v.csv", stale)}, headers=STATS)
    assert refused.status_code == 422
    assert "not where its unit sits" in refused.json()["rejected"][0]["message"]


async def test_the_upgrade_replays_moves_applied_before_it(client: httpx.AsyncClient) -> None:
    """A database that applied moves before units' places were kept: its audit log's moves are replayed."""
    engine = make_engine(await fresh_database("indicators_moves"))
    try:
        await upgrade_async(SERVICE_DIR, engine, "185cee279b90")
        async with engine.begin() as conn:
            for old, new in ((OLD, NEW), ("/44/4401/440104/", "/44/4403/440104/")):
                await conn.execute(
                    text(
                        "INSERT INTO audit_log (at, actor_id, actor_name, action, entity_type, entity_id, org_path, "
                        "request_id, detail) VALUES (now(), 'service:gateway', 'gateway', 'org_unit.moved', "
                        "'org_unit', :old, :new, '', '{}')"
                    ),
                    {"old": old, "new": new},
                )
        await upgrade_async(SERVICE_DIR, engine)
        async with AsyncSession(engine) as session:
            placed = await current_paths(session, [STREET, VILLAGE, "440106001", "440104001"])
        assert placed == {
            STREET: "/44/4403/440104/440106003/",
            VILLAGE: f"/44/4403/440104/440106003/{VILLAGE}/",
            "440106001": "/44/4401/440106/440106001/",
            "440104001": "/44/4403/440104/440104001/",
        }
    finally:
        await engine.dispose()
