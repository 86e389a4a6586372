"""The project record: creating, reading in region, editing with If-Match, idempotent creates, lists and exports."""

import csv
import io
import re

import httpx
from openpyxl import load_workbook

from halfsky_common.testing import auth, make_token


async def test_creating_a_project_gives_a_code_and_a_draft(api) -> None:
    project = await api.create()
    assert re.fullmatch(r"XM-440106-\d{4}-0001", project["code"])
    assert project["status"] == "draft"
    assert project["org_path"] == "/44/4401/440106/"
    assert project["partner_agencies"] == ["人社局", "县职业技术学校"]
    assert project["stage_goals"][0]["title"] == "一季度完成1500人培训"
    assert project["allowed_actions"] == ["submit"]
    second = await api.create(name="两癌免费筛查")
    assert second["code"].endswith("-0002")


async def test_a_project_led_by_a_unit_below_the_caller(api, client: httpx.AsyncClient) -> None:
    project = await api.create(org_path="/44/4401/440106/440106001/")
    assert project["code"].startswith("XM-440106001-")
    r = await client.get(f"/projects/{project['id']}", headers=api.street_pm)
    assert r.status_code == 200


async def test_lead_unit_outside_the_region_is_refused(api, client: httpx.AsyncClient) -> None:
    r = await client.post("/projects", json=api.project_body(org_path="/44/4401/440103/"), headers=api.pm)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "org_path"


async def test_bad_input_names_the_fields(api, client: httpx.AsyncClient) -> None:
    body = api.project_body(end_date="2025-12-31", kind="whatever", org_path="44/4401")
    del body["responsible_person"]
    r = await client.post("/projects", json=body, headers=api.pm)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"kind", "responsible_person", "org_path"} <= fields


async def test_end_before_start_is_refused(api, client: httpx.AsyncClient) -> None:
    r = await client.post("/projects", json=api.project_body(end_date="2025-12-31"), headers=api.pm)
    assert r.status_code == 422


async def test_only_project_managers_create(api, client: httpx.AsyncClient) -> None:
    for headers in (api.statistician, api.leader, api.auditor):
        r = await client.post("/projects", json=api.project_body(), headers=headers)
        assert r.status_code == 403
    partner = auth(make_token(roles=["partner"], org_path="/44/", typ="client", scope="stats:read"))
    assert (await client.get("/projects", headers=partner)).status_code == 403


async def test_idempotency_key_replays_the_first_response(api, client: httpx.AsyncClient) -> None:
    headers = {**api.pm, "Idempotency-Key": "create-training-2026"}
    first = await client.post("/projects", json=api.project_body(), headers=headers)
    again = await client.post("/projects", json=api.project_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    listed = (await client.get("/projects?total=true", headers=api.pm)).json()
    assert listed["total"] == 1
    other = await client.post("/projects", json=api.project_body(name="另一个项目"), headers=headers)
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_reading_is_limited_to_the_region(api, client: httpx.AsyncClient) -> None:
    project = await api.create()
    for headers in (api.statistician, api.auditor, api.city_leader, api.leader):
        assert (await client.get(f"/projects/{project['id']}", headers=headers)).status_code == 200
    for headers in (api.other_pm, api.other_leader, api.street_pm):
        r = await client.get(f"/projects/{project['id']}", headers=headers)
        assert r.status_code == 404
        listed = (await client.get("/projects?total=true", headers=headers)).json()
        assert listed["items"] == [] and listed["total"] == 0


async def test_editing_needs_if_match_and_catches_stale_versions(api, client: httpx.AsyncClient) -> None:
    project = await api.create()
    url = f"/projects/{project['id']}"
    r = await client.get(url, headers=api.pm)
    etag = r.headers["ETag"]
    assert (await client.patch(url, json={"name": "改名"}, headers=api.pm)).status_code == 428
    ok = await client.patch(url, json={"target_beneficiaries": 9000}, headers={**api.pm, "If-Match": etag})
    assert ok.status_code == 200, ok.text
    assert ok.json()["target_beneficiaries"] == 9000
    assert ok.headers["ETag"] != etag
    stale = await client.patch(url, json={"name": "又改名"}, headers={**api.pm, "If-Match": etag})
    assert stale.status_code == 412


async def test_editing_is_for_managers_of_the_region(api, client: httpx.AsyncClient) -> None:
    project = await api.create()
    url = f"/projects/{project['id']}"
    assert (
        await client.patch(url, json={"name": "x"}, headers={**api.statistician, "If-Match": "*"})
    ).status_code == 403
    assert (await client.patch(url, json={"name": "x"}, headers={**api.other_pm, "If-Match": "*"})).status_code == 404


async def test_core_fields_are_fixed_after_submission(api, client: httpx.AsyncClient) -> None:
    project = await api.create()
    await api.advance(project["id"], "submitted")
    url = f"/projects/{project['id']}"
    r = await client.patch(url, json={"category": "legal_aid"}, headers={**api.pm, "If-Match": "*"})
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "category"
    r = await client.patch(url, json={"responsible_person": "李晓红"}, headers={**api.pm, "If-Match": "*"})
    assert r.status_code == 200


async def test_list_filters_and_pages(api, client: httpx.AsyncClient) -> None:
    training = await api.create()
    screening = await api.create(name="农村妇女两癌免费筛查", kind="upper_level", category="health_screening")
    await api.create(name="2025年母亲水窖", category="safe_water", start_date="2025-01-01", end_date="2025-12-31")
    await api.create(headers=api.other_pm, name="越秀区平安家庭创建", category="family_building")
    await api.advance(screening["id"], "submitted")

    async def codes(query: str) -> set[str]:
        r = await client.get(f"/projects?{query}", headers=api.pm)
        assert r.status_code == 200, r.text
        return {p["code"] for p in r.json()["items"]}

    assert await codes("status=submitted") == {screening["code"]}
    assert await codes("category=skills_training") == {training["code"]}
    assert await codes("kind=upper_level") == {screening["code"]}
    assert len(await codes("year=2026")) == 2
    assert len(await codes("year=2025")) == 1
    assert len(await codes("org_path=/44/4401/440106/")) == 3
    assert await codes("org_path=/44/4401/440103/") == set()
    assert await codes("q=两癌") == {screening["code"]}
    city = await client.get("/projects?total=true", headers=api.city_leader)
    assert city.json()["total"] == 4
    page1 = (await client.get("/projects?limit=2", headers=api.city_leader)).json()
    assert page1["has_more"] and len(page1["items"]) == 2
    page2 = (await client.get(f"/projects?limit=2&cursor={page1['next_cursor']}", headers=api.city_leader)).json()
    assert not page2["has_more"] and len(page2["items"]) == 2
    assert not {p["id"] for p in page1["items"]} & {p["id"] for p in page2["items"]}
    assert (await client.get("/projects?status=nonsense", headers=api.pm)).status_code == 422


async def test_export_csv_and_xlsx(api, client: httpx.AsyncClient) -> None:
    await api.create()
    await api.create(name="农村妇女两癌免费筛查", category="health_screening")
    await api.create(headers=api.other_pm, name="越秀区平安家庭创建")
    r = await client.get("/projects/export?format=csv", headers=api.pm)
    assert r.status_code == 200
    table = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert table[0][:2] == ["项目编号", "项目名称"]
    assert sorted(row[1] for row in table[1:]) == sorted(["巾帼创业就业技能培训", "农村妇女两癌免费筛查"])
    r = await client.get("/projects/export?format=xlsx&category=health_screening", headers=api.pm)
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "农村妇女两癌免费筛查"


async def test_codes_stay_gap_free_under_concurrent_creates(api, client: httpx.AsyncClient) -> None:
    import asyncio

    responses = await asyncio.gather(
        *[client.post("/projects", json=api.project_body(name=f"妇女之家建设{i}"), headers=api.pm) for i in range(8)]
    )
    assert [r.status_code for r in responses] == [201] * 8
    sequences = sorted(int(r.json()["code"].rsplit("-", 1)[1]) for r in responses)
    assert sequences == list(range(1, 9))


async def test_concurrent_replays_of_one_key_create_one_project(api, client: httpx.AsyncClient) -> None:
    import asyncio

    headers = {**api.pm, "Idempotency-Key": "double-click"}
    first, second = await asyncio.gather(
        client.post("/projects", json=api.project_body(), headers=headers),
        client.post("/projects", json=api.project_body(), headers=headers),
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert (await client.get("/projects?total=true", headers=api.pm)).json()["total"] == 1


async def test_text_fields_refuse_what_their_columns_cannot_hold(api, client: httpx.AsyncClient) -> None:
    """Found by schemathesis: 101–200 characters passed validation and the 100-character column gave a 500."""
    ok = await client.post("/projects", json=api.project_body(responsible_person="刘" * 100), headers=api.pm)
    assert ok.status_code == 201, ok.text
    for field in ("responsible_person", "supervising_leader"):
        r = await client.post("/projects", json=api.project_body(**{field: "刘" * 101}), headers=api.pm)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field
    pid = ok.json()["id"]
    line = {"source": "finance", "item": "培" * 101, "amount_fen": 100}
    r = await client.post(f"/projects/{pid}/budget/lines", json=line, headers=api.pm)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "item"
