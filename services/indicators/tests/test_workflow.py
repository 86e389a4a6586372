"""Reporting up level by level: draft → submitted → approved by the next level up, or returned with a reason;
approved values are locked; every step needs the report's current ETag."""

from typing import Any

import httpx
from indicators_factories import GZ_LEADER, STATS, TH_LEADER, YX_STATS, folic_catalogue, user
from sqlalchemy import text

from halfsky_indicators.analytics import table as analytics_table

FORM = "/indicators/forms/folic/440106001/2010"
STREET_LEADER = user(["leader"], "/44/4401/440106/440106001/", name="街道主席")


async def saved(client: httpx.AsyncClient) -> str:
    await folic_catalogue(client)
    r = await client.put(
        FORM,
        json={"values": [{"element": "folic_takers", "value": 9000}, {"element": "folic_due", "value": 10000}]},
        headers=STATS,
    )
    assert r.status_code == 200
    return str(r.headers["etag"])


async def act(
    client: httpx.AsyncClient, action: str, etag: str, headers: dict[str, str], body: dict[str, Any] | None = None
) -> httpx.Response:
    return await client.post(f"{FORM}/{action}", json=body or {}, headers={**headers, "If-Match": etag})


async def test_submit_approve_and_the_lock(client: httpx.AsyncClient) -> None:
    etag = await saved(client)
    submitted = await act(client, "submit", etag, STATS)
    assert submitted.status_code == 200, submitted.text
    report = submitted.json()["report"]
    assert report["status"] == "submitted" and report["submitted_by"] == "周静"
    etag = submitted.headers["etag"]
    locked = await client.put(
        FORM, json={"values": [{"element": "folic_due", "value": 1}]}, headers={**STATS, "If-Match": etag}
    )
    assert locked.status_code == 409
    assert locked.json()["code"] == "illegal_transition" and locked.json()["current_status"] == "submitted"
    assert locked.json()["allowed_from"] == ["draft", "returned"]
    approved = await act(client, "approve", etag, TH_LEADER)
    assert approved.status_code == 200
    assert approved.json()["report"]["status"] == "approved" and approved.json()["report"]["approved_by"] == "吴桂兰"
    form = await client.get(FORM, headers=STATS)
    assert form.json()["locked"] is True
    assert (
        await client.put(FORM, json={"values": []}, headers={**STATS, "If-Match": form.headers["etag"]})
    ).status_code == 409


async def test_only_the_next_level_up_approves(client: httpx.AsyncClient) -> None:
    etag = (await act(client, "submit", await saved(client), STATS)).headers["etag"]
    for who in (GZ_LEADER, STREET_LEADER):  # two levels up; the street itself
        r = await act(client, "approve", etag, who)
        assert r.status_code == 403, r.text
    assert (await act(client, "approve", etag, STATS)).status_code == 403  # not a leader
    assert (await act(client, "approve", etag, user(["leader"], "/44/4401/440104/"))).status_code == 404


async def test_returning_needs_a_reason_and_reopens_the_form(client: httpx.AsyncClient) -> None:
    etag = (await act(client, "submit", await saved(client), STATS)).headers["etag"]
    no_reason = await act(client, "return", etag, TH_LEADER)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    returned = await act(client, "return", etag, TH_LEADER, {"reason": "应服人数与摸底登记不符，请核实"})
    assert returned.status_code == 200
    assert returned.json()["report"]["status"] == "returned"
    assert returned.json()["report"]["return_reason"] == "应服人数与摸底登记不符，请核实"
    fixed = await client.put(
        FORM,
        json={"values": [{"element": "folic_due", "value": 9800}]},
        headers={**STATS, "If-Match": returned.headers["etag"]},
    )
    assert fixed.status_code == 200
    again = await act(client, "submit", fixed.headers["etag"], STATS)
    assert again.status_code == 200 and again.json()["report"]["status"] == "submitted"


async def test_wrong_steps_and_stale_etags_are_refused(client: httpx.AsyncClient) -> None:
    etag = await saved(client)
    assert (await act(client, "approve", etag, TH_LEADER)).status_code == 409  # still a draft
    submitted = await act(client, "submit", etag, STATS)
    assert (await act(client, "submit", submitted.headers["etag"], STATS)).status_code == 409
    assert (await act(client, "approve", etag, TH_LEADER)).status_code == 412  # the draft's ETag
    missing = await client.post(f"{FORM}/approve", headers=TH_LEADER)
    assert missing.status_code == 428
    nothing = await client.post(
        "/indicators/forms/folic/440106002/2010/submit", json={}, headers={**STATS, "If-Match": etag}
    )
    assert nothing.status_code == 404
    assert (await act(client, "submit", etag, YX_STATS)).status_code == 404


async def test_an_approved_report_can_be_reopened_with_a_reason(client: httpx.AsyncClient) -> None:
    etag = (await act(client, "submit", await saved(client), STATS)).headers["etag"]
    etag = (await act(client, "approve", etag, TH_LEADER)).headers["etag"]
    reopened = await act(client, "reopen", etag, TH_LEADER, {"reason": "复核发现漏报一个社区"})
    assert reopened.status_code == 200 and reopened.json()["report"]["status"] == "returned"
    form = await client.get(FORM, headers=STATS)
    assert form.json()["locked"] is False


async def test_approved_only_analytics_count_approved_values(client: httpx.AsyncClient, app: Any) -> None:
    etag = await saved(client)
    params = {"indicators": "H-FOLIC", "orgs": "440106", "periods": "2010", "approved_only": "true"}

    async def value(engine: str) -> Any:
        r = await client.get("/indicators/analytics", params={**params, "engine": engine}, headers=TH_LEADER)
        return r.json()["rows"][0]["value"]

    assert await value("raw") is None and await value("table") is None
    etag = (await act(client, "submit", etag, STATS)).headers["etag"]
    await act(client, "approve", etag, TH_LEADER)
    assert await value("raw") == "90.00" and await value("table") == "90.00"
    async with app.state.engine.connect() as conn:
        actions = (await conn.execute(text("SELECT action FROM audit_log ORDER BY id"))).scalars().all()
    assert actions[-3:] == ["form.save", "report.submit", "report.approve"]


async def test_a_rebuild_refills_the_analytics_table_as_the_writes_left_it(client: httpx.AsyncClient, app: Any) -> None:
    etag = (await act(client, "submit", await saved(client), STATS)).headers["etag"]
    await act(client, "approve", etag, TH_LEADER)
    other = "/indicators/forms/folic/440106002/2010"  # saved, never approved
    r = await client.put(other, json={"values": [{"element": "folic_due", "value": 500}]}, headers=STATS)
    assert r.status_code == 200
    query = text("SELECT data_value_id, l3, l4, period_start, value, approved FROM analytics_value ORDER BY 1")
    async with app.state.engine.connect() as conn:
        kept = (await conn.execute(query)).all()
    assert sorted(row.approved for row in kept) == [False, True, True]
    async with app.state.sessionmaker() as session:
        assert await analytics_table.rebuild(session) == 3
        await session.commit()
    async with app.state.engine.connect() as conn:
        assert (await conn.execute(query)).all() == kept
        indexes = (
            await conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'analytics_value'"))
        ).scalars()
        assert {f"ix_analytics_value_l{n}" for n in range(1, 6)} <= set(indexes)


async def test_reports_are_listed_within_the_region(client: httpx.AsyncClient) -> None:
    await act(client, "submit", await saved(client), STATS)
    waiting = await client.get("/indicators/reports", params={"status": "submitted"}, headers=TH_LEADER)
    assert [r["org_path"] for r in waiting.json()["items"]] == ["/44/4401/440106/440106001/"]
    assert (await client.get("/indicators/reports", headers=YX_STATS)).json()["items"] == []
