"""Lists: region and role scoping, filters, Chinese substring search, urgent first, pages."""

from typing import Any

import httpx
from cases_factories import GUANGZHOU, TIANHE_STREET, YUEXIU, case_payload, user
from sqlalchemy import text

WORKER = user(["case_worker"])


async def add(client: httpx.AsyncClient, headers: dict[str, str] = WORKER, **overrides: Any) -> dict[str, Any]:
    r = await client.post("/cases", json=case_payload(**overrides), headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


async def numbers(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[str]:
    r = await client.get("/cases", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return [c["number"] for c in r.json()["items"]]


async def test_region_scoping_in_lists_counts_search_and_detail(client: httpx.AsyncClient) -> None:
    tianhe = await add(client)
    yuexiu = await add(client, user(["case_worker"], YUEXIU))
    assert await numbers(client, WORKER) == [tianhe["number"]]
    assert await numbers(client, WORKER, q=yuexiu["number"]) == []
    assert await numbers(client, WORKER, q="王芳") == [tianhe["number"]]
    counted = (await client.get("/cases", params={"total": "true"}, headers=WORKER)).json()
    assert counted["total"] == 1
    assert (await client.get(f"/cases/{yuexiu['id']}", headers=WORKER)).status_code == 404
    assert (await client.get(f"/cases/{yuexiu['id']}/timeline", headers=WORKER)).status_code == 404
    stale = {**WORKER, "If-Match": 'W/"1"'}
    r = await client.post(f"/cases/{yuexiu['id']}/transitions", json={"to": "accepted"}, headers=stale)
    assert r.status_code == 404
    city = user(["leader"], GUANGZHOU)
    assert sorted(await numbers(client, city)) == sorted([tianhe["number"], yuexiu["number"]])
    street = user(["case_worker"], TIANHE_STREET)
    assert await numbers(client, street) == []
    assert await numbers(client, city, org_path=YUEXIU) == [yuexiu["number"]]
    assert await numbers(client, WORKER, org_path=YUEXIU) == []


async def test_hotline_operator_sees_only_what_she_took_in(client: httpx.AsyncClient) -> None:
    zhang = user(["hotline_operator"], sub="op-zhang", name="张敏")
    other = user(["hotline_operator"], sub="op-liu", name="刘芳")
    mine = await add(client, zhang)
    theirs = await add(client, other)
    assert await numbers(client, zhang) == [mine["number"]]
    assert (await client.get(f"/cases/{theirs['id']}", headers=zhang)).status_code == 404
    assert (await client.get(f"/cases/{mine['id']}", headers=zhang)).status_code == 200
    assert (await client.get(f"/cases/{mine['id']}", params={"reveal": "true"}, headers=zhang)).status_code == 403


async def test_roles_without_case_access_are_refused(client: httpx.AsyncClient) -> None:
    case = await add(client)
    for roles in (["project_manager"], ["statistician"]):
        assert (await client.get("/cases", headers=user(roles))).status_code == 403
        assert (await client.get(f"/cases/{case['id']}", headers=user(roles))).status_code == 403


async def test_filters(client: httpx.AsyncClient) -> None:
    dv = await add(client)
    labour = await add(
        client,
        channel="visit",
        primary_category="labour_rights",
        subcategory="pregnancy_dismissal",
        secondary_categories=[],
        summary="怀孕后被公司辞退",
        received_at="2026-01-05T02:00:00Z",
    )
    land = await add(
        client,
        channel="letter",
        primary_category="property_rights",
        subcategory="land_compensation",
        secondary_categories=["marriage_family"],
        summary="出嫁女征地补偿款未分配",
        received_at="2026-02-10T02:00:00Z",
    )
    assert await numbers(client, WORKER, category="labour_rights") == [labour["number"]]
    assert sorted(await numbers(client, WORKER, category="marriage_family")) == sorted([dv["number"], land["number"]])
    assert await numbers(client, WORKER, channel="letter") == [land["number"]]
    assert await numbers(client, WORKER, received_from="2026-01-01", received_to="2026-01-31") == [labour["number"]]
    assert await numbers(client, WORKER, status="declined") == []
    assert len(await numbers(client, WORKER, status="received")) == 3
    assert await numbers(client, WORKER, risk_level="critical") == []
    r = await client.get("/cases", params={"category": "nonsense"}, headers=WORKER)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "category"
    assert (await client.get("/cases", params={"sort": "bogus"}, headers=WORKER)).status_code == 422


async def test_chinese_substring_search_over_number_names_and_text(client: httpx.AsyncClient) -> None:
    a = await add(client)
    b_body = case_payload(
        summary="出嫁女土地承包权益受侵害",
        description="村民小组以出嫁为由不分配承包地。",
        primary_category="property_rights",
        subcategory="land_contract",
        secondary_categories=[],
        respondents=[{"person": {"name": "某村村民小组", "sex": "unknown"}, "relationship": "other"}],
    )
    b_body["victim"]["name"] = "李春梅"
    b = (await client.post("/cases", json=b_body, headers=WORKER)).json()
    assert await numbers(client, WORKER, q="王芳") == [a["number"]]
    assert await numbers(client, WORKER, q="赵强") == [a["number"]]  # respondent's name
    assert await numbers(client, WORKER, q="春梅") == [b["number"]]
    assert await numbers(client, WORKER, q="土地承包") == [b["number"]]
    assert await numbers(client, WORKER, q="酒后") == [a["number"]]  # description
    assert await numbers(client, WORKER, q=b["number"][-6:]) == [b["number"]]
    assert await numbers(client, WORKER, q=b["number"].lower()) == [b["number"]]
    assert await numbers(client, WORKER, q="梅") == [b["number"]]  # one character: scans, still right
    assert await numbers(client, WORKER, q="100%") == []


async def test_urgent_cases_come_first_and_pages_are_stable(client: httpx.AsyncClient) -> None:
    plain = [await add(client) for _ in range(4)]
    urgent = await add(client, risk={"strangulation": True})
    first = (await client.get("/cases", params={"limit": 2}, headers=WORKER)).json()
    assert first["items"][0]["number"] == urgent["number"] and first["has_more"] is True
    seen = [c["number"] for c in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = (await client.get("/cases", params={"limit": 2, "cursor": cursor}, headers=WORKER)).json()
        seen += [c["number"] for c in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [urgent["number"], *reversed([c["number"] for c in plain])]
    oldest_first = await numbers(client, WORKER, sort="received_at")
    assert oldest_first == [urgent["number"], *[c["number"] for c in plain]]


async def test_region_prefixes_are_planned_for_their_own_value(app: Any) -> None:
    """A generic plan cannot put `org_path LIKE $1 || '%'` on its index; every pooled connection plans per run."""
    async with app.state.engine.connect() as conn:
        assert (await conn.execute(text("SHOW plan_cache_mode"))).scalar_one() == "force_custom_plan"
