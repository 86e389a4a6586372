"""Shared definitions belong to the level that made them: that level (and those above it) change them; lower levels
add their own and cannot change the ones above; the national catalogue is kept by the admins at the top."""

from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from indicators_factories import ADMIN, GATEWAY, GZ_LEADER, GZ_STATS, STATS, TIANHE, YX_STATS, create, element, user
from sqlalchemy import text

from halfsky_common.db import make_engine
from halfsky_common.migrations import upgrade_async
from halfsky_common.testing import fresh_database
from halfsky_indicators.seed.loader import seed_catalogue

SERVICE_DIR = Path(__file__).resolve().parents[1]

PROVINCE_STATS = user(["statistician"], "/44/", name="省统计员")
TH_ADMIN = user(["admin"], TIANHE, name="天河区管理员")


async def patch(client: httpx.AsyncClient, path: str, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    etag = (await client.get(f"/indicators{path}", headers=headers)).headers["etag"]
    return await client.patch(f"/indicators{path}", json=body, headers={**headers, "If-Match": etag})


def refused(r: httpx.Response, owner: str) -> None:
    assert r.status_code == 403, r.text
    assert r.json()["code"] == "definition_owned_elsewhere"
    assert r.json()["owner_org_path"] == owner


async def province_catalogue(client: httpx.AsyncClient) -> None:
    await create(client, "/data-elements", element("women_trained", "培训妇女人数"), PROVINCE_STATS)
    await create(
        client,
        "/data-sets",
        {"code": "training", "name_zh": "巾帼培训年报", "period_type": "year", "elements": ["women_trained"]},
        PROVINCE_STATS,
    )
    rule = {"code": "trained_max", "name_zh": "上限", "kind": "range", "element": "women_trained", "max_value": 1000}
    await create(client, "/validation-rules", rule, PROVINCE_STATS)


async def test_a_district_cannot_change_the_province_s_definitions(client: httpx.AsyncClient) -> None:
    await province_catalogue(client)
    for who in (STATS, GZ_STATS, TH_ADMIN):  # a district statistician, a city one, a district admin
        refused(await patch(client, "/data-elements/women_trained", {"name_zh": "改名"}, who), "/44/")
        refused(await patch(client, "/data-elements/women_trained", {"aggregation": "last"}, who), "/44/")
        refused(await patch(client, "/data-sets/training", {"due_days": 60}, who), "/44/")
        refused(await patch(client, "/data-sets/training", {"elements": ["women_trained"]}, who), "/44/")
        refused(await patch(client, "/validation-rules/trained_max", {"severity": "warning"}, who), "/44/")
    unchanged = (await client.get("/indicators/data-elements/women_trained", headers=STATS)).json()
    assert (unchanged["name_zh"], unchanged["aggregation"], unchanged["version"]) == ("培训妇女人数", "sum", 1)
    assert (await client.get("/indicators/data-sets/training", headers=STATS)).json()["due_days"] == 15

    # the province's own statistician (and its admin) may
    renamed = await patch(client, "/data-elements/women_trained", {"name_zh": "参加培训妇女人数"}, PROVINCE_STATS)
    assert renamed.status_code == 200 and renamed.json()["name_zh"] == "参加培训妇女人数"
    assert (await patch(client, "/data-elements/women_trained", {"aggregation": "last"}, ADMIN)).status_code == 200
    deadline = await patch(client, "/data-sets/training", {"due_days": 30}, PROVINCE_STATS)
    assert deadline.status_code == 200 and deadline.json()["due_days"] == 30
    bound = await patch(client, "/validation-rules/trained_max", {"max_value": 2000}, PROVINCE_STATS)
    assert bound.status_code == 200 and bound.json()["owner_org_path"] == "/44/"

    # a district still says which of its units report the province's form
    etag = (await client.get("/indicators/data-sets/training", headers=STATS)).headers["etag"]
    assigned = await client.put(
        "/indicators/data-sets/training/org-units",
        json={"org_units": ["440106001"]},
        headers={**STATS, "If-Match": etag},
    )
    assert assigned.status_code == 200


async def test_a_district_adds_and_keeps_its_own(client: httpx.AsyncClient) -> None:
    await province_catalogue(client)
    mine = await create(client, "/data-elements", element("th_volunteers", "天河区志愿者人数"), STATS)
    form = {"code": "th_form", "name_zh": "天河区年报", "period_type": "year", "elements": ["women_trained"]}
    made = await create(client, "/data-sets", form, STATS)  # with the province's element on it
    rule = {"code": "th_rule", "name_zh": "区上限", "kind": "range", "element": "women_trained", "max_value": 10}
    ruled = await create(client, "/validation-rules", rule, STATS)
    assert (await patch(client, "/data-elements/th_volunteers", {"aggregation": "last"}, STATS)).status_code == 200
    changed = await patch(client, "/data-sets/th_form", {"due_days": 20, "elements": ["th_volunteers"]}, STATS)
    assert changed.status_code == 200 and changed.json()["elements"] == ["th_volunteers"]
    assert (await patch(client, "/validation-rules/th_rule", {"max_value": 20}, STATS)).status_code == 200
    # levels above it may change it too; a neighbour may not
    assert (await patch(client, "/data-elements/th_volunteers", {"unit_label": "人"}, GZ_STATS)).status_code == 200
    refused(await patch(client, "/data-elements/th_volunteers", {"name_zh": "越秀"}, YX_STATS), TIANHE)
    refused(await patch(client, "/data-sets/th_form", {"due_days": 1}, YX_STATS), TIANHE)
    assert [x.get("owner_org_path") for x in (mine, made, ruled)] == [TIANHE] * 3


async def test_a_district_rule_checks_only_the_district(client: httpx.AsyncClient) -> None:
    await province_catalogue(client)
    rule = {"code": "th_rule", "name_zh": "区上限", "kind": "range", "element": "women_trained", "max_value": 10}
    await create(client, "/validation-rules", rule, STATS)
    values = {"values": [{"element": "women_trained", "value": 50}]}
    for org, who in (("440106001", STATS), ("440104001", YX_STATS)):
        saved = await client.put(f"/indicators/forms/training/{org}/2025", json=values, headers=who)
        assert saved.status_code == 200, saved.text
    etag = (await client.get("/indicators/forms/training/440104001/2025", headers=YX_STATS)).headers["etag"]
    submitted = await client.post(
        "/indicators/forms/training/440104001/2025/submit", json={}, headers={**YX_STATS, "If-Match": etag}
    )
    assert submitted.status_code == 200, submitted.text  # 天河区's rule is not 越秀区's
    etag = (await client.get("/indicators/forms/training/440106001/2025", headers=STATS)).headers["etag"]
    blocked = await client.post(
        "/indicators/forms/training/440106001/2025/submit", json={}, headers={**STATS, "If-Match": etag}
    )
    assert blocked.status_code == 422 and blocked.json()["errors"][0]["field"] == "rules.th_rule"
    city = await client.get("/indicators/validation", params={"org": "4401", "period": "2025"}, headers=GZ_LEADER)
    assert [(v["rule"], v["org_path"]) for v in city.json()["violations"]] == [
        ("th_rule", "/44/4401/440106/440106001/")
    ]


async def test_national_definitions_are_kept_at_the_top(client: httpx.AsyncClient, app: FastAPI) -> None:
    """The seeded programme catalogue is national (`/`), as is all that existed before owners were kept: only the
    admins at the top of the tree change it; a plan's own jurisdiction is its owner."""
    async with app.state.sessionmaker() as session:
        await seed_catalogue(session)
        await session.commit()
    for who in (PROVINCE_STATS, TH_ADMIN, STATS):
        refused(await patch(client, "/data-elements/live_births", {"name_zh": "活产"}, who), "/")
        refused(await patch(client, "/data-sets/mch_annual", {"due_days": 90}, who), "/")
        assert (await patch(client, "/plans/WOMEN-2030", {"description": "改"}, who)).status_code == 403
    renamed = await patch(client, "/data-elements/live_births", {"name_en": "Live births (all)"}, ADMIN)
    assert renamed.status_code == 200 and renamed.json()["owner_org_path"] == "/"
    assert (await patch(client, "/plans/WOMEN-2030", {"description": "2021—2030"}, ADMIN)).status_code == 200
    # a county's plan is the county's (and those above it)
    assert (await patch(client, "/plans/EMP-PLAN", {"description": "天河区"}, STATS)).status_code == 200
    assert (await patch(client, "/plans/EMP-PLAN", {"description": "越秀区"}, YX_STATS)).status_code == 403


async def test_targets_set_from_above_stay_as_set(client: httpx.AsyncClient) -> None:
    await create(client, "/data-elements", element("folic_takers", "服用叶酸人数"))
    await create(client, "/data-elements", element("folic_due", "应服叶酸人数"))
    plan = {"code": "WCH", "name_zh": "规划", "kind": "programme", "start_year": 2021, "end_year": 2030}
    await create(client, "/plans", plan)
    indicator = {
        "code": "H-FOLIC",
        "name_zh": "增补叶酸服用率",
        "plan": "WCH",
        "domain": "health",
        "kind": "ratio",
        "numerator": "#{folic_takers}",
        "denominator": "#{folic_due}",
        "unit": "percent",
    }
    await create(client, "", indicator)
    target = await create(client, "/H-FOLIC/targets", {"year": 2026, "value": "92", "org": "440106"}, GZ_LEADER)
    th_leader = user(["leader"], TIANHE)
    r = await client.patch(
        f"/indicators/H-FOLIC/targets/{target['id']}", json={"value": "80"}, headers={**th_leader, "If-Match": 'W/"1"'}
    )
    refused(r, "/44/4401/")
    r = await client.delete(f"/indicators/H-FOLIC/targets/{target['id']}", headers={**STATS, "If-Match": 'W/"1"'})
    refused(r, "/44/4401/")
    own = await create(client, "/H-FOLIC/targets", {"year": 2026, "value": "95", "org": "440106001"}, th_leader)
    r = await client.patch(
        f"/indicators/H-FOLIC/targets/{own['id']}", json={"value": "96"}, headers={**th_leader, "If-Match": 'W/"1"'}
    )
    assert r.status_code == 200
    r = await client.patch(
        f"/indicators/H-FOLIC/targets/{target['id']}", json={"value": "93"}, headers={**GZ_LEADER, "If-Match": 'W/"1"'}
    )
    assert r.status_code == 200 and r.json()["owner_org_path"] == "/44/4401/"


async def test_a_moved_unit_takes_its_definitions_along(client: httpx.AsyncClient) -> None:
    street = user(["statistician"], "/44/4401/440106/440106003/", name="五山街道统计员")
    await create(client, "/data-elements", element("ws_visits", "五山走访户数"), street)
    move = {"from_path": "/44/4401/440106/440106003/", "to_path": "/44/4401/440104/440106003/"}
    assert (await client.post("/indicators/org-moves", json=move, headers=GATEWAY)).status_code == 200
    assert (await client.get("/indicators/data-elements/ws_visits", headers=STATS)).json()["owner_org_path"] == (
        "/44/4401/440104/440106003/"
    )
    refused(await patch(client, "/data-elements/ws_visits", {"unit_label": "户"}, STATS), move["to_path"])
    assert (await patch(client, "/data-elements/ws_visits", {"unit_label": "户"}, YX_STATS)).status_code == 200


async def test_the_upgrade_makes_what_exists_national(client: httpx.AsyncClient) -> None:
    engine = make_engine(await fresh_database("indicators_owners"))
    try:
        await upgrade_async(SERVICE_DIR, engine, "dad4ffa6ba00")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO data_element (id, code, name_zh, name_en, value_type, period_type, aggregation, "
                    "unit_label, source, description, version, created_at, updated_at) VALUES (gen_random_uuid(), "
                    "'old_one', '旧的', '', 'integer', 'year', 'sum', '', 'manual', '', 1, now(), now())"
                )
            )
        await upgrade_async(SERVICE_DIR, engine)
        async with engine.connect() as conn:
            owner = (await conn.execute(text("SELECT owner_org_path FROM data_element"))).scalar_one()
            default = (
                await conn.execute(
                    text(
                        "SELECT column_default FROM information_schema.columns "
                        "WHERE table_name = 'data_element' AND column_name = 'owner_org_path'"
                    )
                )
            ).scalar_one()
        assert (owner, default) == ("/", None)  # what existed is national; new rows must name their owner
    finally:
        await engine.dispose()
