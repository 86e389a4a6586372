"""The catalogue: data elements, data sets, plans, indicators and targets, with their checks and permissions."""

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from indicators_factories import (
    ADMIN,
    CASE_WORKER,
    GZ_LEADER,
    GZ_STATS,
    STATS,
    YX_STATS,
    create,
    element,
    folic_catalogue,
)

from halfsky_indicators.indicators.service import RESERVED


async def test_an_indicator_is_defined_over_elements_with_its_factor_from_the_unit(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    r = await client.get("/indicators/H-FOLIC", headers=CASE_WORKER)
    assert r.status_code == 200
    body = r.json()
    assert body["factor"] == "100.000000" or float(body["factor"]) == 100
    assert body["plan"] == "WCH-2021"
    assert [(t["year"], float(t["value"]), t["org_path"]) for t in body["targets"]] == [(2030, 90.0, "/")]
    listed = await client.get("/indicators", params={"domain": "health"}, headers=CASE_WORKER)
    assert [i["code"] for i in listed.json()["items"]] == ["H-FOLIC"]


async def test_bad_expressions_and_unknown_elements_are_named(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    base = {
        "code": "H-X",
        "name_zh": "测试",
        "plan": "WCH-2021",
        "domain": "health",
        "kind": "ratio",
        "unit": "percent",
    }
    r = await client.post(
        "/indicators", json={**base, "numerator": "#{folic_takers} +", "denominator": "#{nobody}"}, headers=ADMIN
    )
    assert r.status_code == 422
    errors = {e["field"]: e["message"] for e in r.json()["errors"]}
    assert "ends too early" in errors["numerator"]
    assert errors["denominator"] == "no data element nobody"
    r = await client.post("/indicators", json={**base, "numerator": "__import__('os')"}, headers=ADMIN)
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"numerator", "denominator"}


async def test_each_kind_has_its_own_fields(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    base = {"name_zh": "村文化一类标准", "plan": "WCH-2021", "domain": "family", "unit": "none"}
    r = await client.post("/indicators", json={**base, "code": "F-VILLAGE", "kind": "checklist"}, headers=ADMIN)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "checklist"
    items = [
        {
            "code": "venue",
            "label_zh": "室外活动场地不少于400平方米",
            "comparator": "ge",
            "threshold": 400,
            "unit_label": "m²",
        },
        {"code": "films", "label_zh": "每年放映电影不少于12场", "comparator": "ge", "threshold": 12},
        {"code": "librarian", "label_zh": "有专兼职图书管理员"},
    ]
    ok = await client.post(
        "/indicators", json={**base, "code": "F-VILLAGE", "kind": "checklist", "checklist": items}, headers=ADMIN
    )
    assert ok.status_code == 201, ok.text
    r = await client.post(
        "/indicators",
        json={**base, "code": "L-FUNDS", "kind": "qualitative", "numerator": "#{folic_takers}"},
        headers=ADMIN,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "numerator"


async def test_reserved_and_duplicate_codes(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    base = {
        "name_zh": "x",
        "plan": "WCH-2021",
        "domain": "health",
        "kind": "count",
        "unit": "count",
        "numerator": "#{folic_takers}",
    }
    assert (await client.post("/indicators", json={**base, "code": "analytics"}, headers=ADMIN)).status_code == 422
    assert (await client.post("/indicators", json={**base, "code": "H-FOLIC"}, headers=ADMIN)).status_code == 409
    dup = await client.post("/indicators/data-elements", json=element("folic_due", "重复"), headers=ADMIN)
    assert dup.status_code == 409 and dup.json()["errors"][0]["field"] == "code"


async def test_updates_need_the_current_etag(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    r = await client.get("/indicators/H-FOLIC", headers=STATS)
    etag = r.headers["etag"]
    change = {"name_en": "Folic acid take-up rate"}
    assert (await client.patch("/indicators/H-FOLIC", json=change, headers=ADMIN)).status_code == 428
    ok = await client.patch("/indicators/H-FOLIC", json=change, headers={**ADMIN, "If-Match": etag})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = await client.patch("/indicators/H-FOLIC", json={"decimals": 1}, headers={**ADMIN, "If-Match": etag})
    assert stale.status_code == 412
    bad = await client.patch(
        "/indicators/H-FOLIC", json={"denominator": None}, headers={**ADMIN, "If-Match": ok.headers["etag"]}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "denominator"


async def test_only_catalogue_editors_write_and_national_plans_are_for_admins(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/indicators/data-elements", json=element("women_trained", "培训妇女人数"), headers=CASE_WORKER
    )
    assert r.status_code == 403
    plan = {"code": "P", "name_zh": "纲要", "kind": "programme", "start_year": 2021, "end_year": 2030}
    assert (await client.post("/indicators/plans", json=plan, headers=STATS)).status_code == 403
    local = {**plan, "code": "TH-2021", "name_zh": "天河区妇女发展规划", "kind": "local_plan", "org": "440106"}
    created = await client.post("/indicators/plans", json=local, headers=STATS)
    assert created.status_code == 201 and created.json()["org_path"] == "/44/4401/440106/"
    assert created.json()["period"] == "2021-2030"
    other = {**local, "code": "GZ-2021", "org": "4401"}
    assert (await client.post("/indicators/plans", json=other, headers=STATS)).status_code == 403
    etag = created.headers["etag"]
    r = await client.patch("/indicators/plans/TH-2021", json={"name_en": "x"}, headers={**YX_STATS, "If-Match": etag})
    assert r.status_code == 403


async def test_region_targets_are_set_inside_your_region(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    ok = await client.post(
        "/indicators/H-FOLIC/targets", json={"year": 2026, "value": "92", "org": "4401"}, headers=GZ_LEADER
    )
    assert ok.status_code == 201 and ok.json()["org_path"] == "/44/4401/"
    denied = await client.post(
        "/indicators/H-FOLIC/targets", json={"year": 2026, "value": "92", "org": "4402"}, headers=GZ_STATS
    )
    assert denied.status_code == 403 and denied.json()["errors"][0]["field"] == "org"
    everywhere = await client.post("/indicators/H-FOLIC/targets", json={"year": 2025, "value": "85"}, headers=GZ_STATS)
    assert everywhere.status_code == 403
    clash = await client.post(
        "/indicators/H-FOLIC/targets", json={"year": 2026, "value": "93", "org": "4401"}, headers=GZ_LEADER
    )
    assert clash.status_code == 409
    tid, etag = ok.json()["id"], ok.headers["etag"]
    changed = await client.patch(
        f"/indicators/H-FOLIC/targets/{tid}", json={"value": "93"}, headers={**GZ_LEADER, "If-Match": etag}
    )
    assert changed.status_code == 200 and float(changed.json()["value"]) == 93
    gone = await client.delete(f"/indicators/H-FOLIC/targets/{tid}", headers={**GZ_LEADER, "If-Match": etag})
    assert gone.status_code == 412


async def test_data_sets_hold_elements_of_their_period_type(client: httpx.AsyncClient) -> None:
    await create(client, "/data-elements", element("women_trained", "培训妇女人数", period_type="quarter"))
    await create(client, "/data-elements", element("women_employed", "培训后就业人数", period_type="quarter"))
    await create(client, "/data-elements", element("loans_yearly", "年度贷款", period_type="year"))
    await create(
        client,
        "/data-elements",
        element("cases_received", "受理案件数", period_type="month", source="cases", source_measure="cases_received"),
    )
    body = {
        "code": "training",
        "name_zh": "巾帼培训季报",
        "period_type": "quarter",
        "elements": ["women_trained", "loans_yearly", "cases_received", "nothing"],
    }
    r = await client.post("/indicators/data-sets", json=body, headers=ADMIN)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["elements.1", "elements.2", "elements.3"]
    ok = await client.post(
        "/indicators/data-sets", json={**body, "elements": ["women_trained", "women_employed"]}, headers=ADMIN
    )
    assert ok.status_code == 201 and ok.json()["elements"] == ["women_trained", "women_employed"]
    assigned = await client.put(
        "/indicators/data-sets/training/org-units",
        json={"org_units": ["440106001", "440106002", "/44/4401/440104/"]},
        headers={**STATS, "If-Match": ok.headers["etag"]},
    )
    assert assigned.status_code == 403
    assigned = await client.put(
        "/indicators/data-sets/training/org-units",
        json={"org_units": ["440106001", "440106002"]},
        headers={**STATS, "If-Match": ok.headers["etag"]},
    )
    assert assigned.status_code == 200
    assert assigned.json()["org_paths"] == ["/44/4401/440106/440106001/", "/44/4401/440106/440106002/"]


async def test_derived_elements_name_their_measure(client: httpx.AsyncClient) -> None:
    r = await client.post("/indicators/data-elements", json=element("cases_x", "案件", source="cases"), headers=ADMIN)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "source_measure"


def test_no_indicator_code_can_shadow_a_route(app: FastAPI) -> None:
    firsts = {
        route.path.split("/")[2]
        for route in app.routes
        if isinstance(route, APIRoute) and route.path.startswith("/indicators/") and "{" not in route.path.split("/")[2]
    }
    assert firsts <= RESERVED
