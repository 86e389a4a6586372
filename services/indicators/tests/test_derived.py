"""Derived data: values pulled from the cases and projects feeds over real HTTP, with a service token."""

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from feed_server import CLIENT_ID, CLIENT_SECRET, FeedServer
from indicators_factories import ADMIN, CASE_WORKER, GATEWAY, GZ_LEADER, STATS, create, element

from halfsky_common.testing import running, shared_key_pair
from halfsky_indicators.config import Settings
from halfsky_indicators.derived.scheduler import run_once
from halfsky_indicators.main import create_app

STREETS = ["/44/4401/440106/440106001/", "/44/4401/440106/440106002/", "/44/4401/440104/440104001/"]


@pytest.fixture(scope="module")
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture
async def puller(db_url: str, feeds: FeedServer) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    """The service configured with the gateway client, in-process; and its app."""
    feeds.rows.clear()
    feeds.broken = False
    feeds.tokens_issued = 0
    settings = Settings(
        database_url=db_url,
        jwt_public_key=shared_key_pair()[1],
        gateway_url=feeds.url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        pull_interval_seconds=0,
    )
    app = create_app(settings)
    async with running(app) as c:
        yield c, app


async def catalogue(client: httpx.AsyncClient) -> None:
    q = {"period_type": "quarter", "source": "cases"}
    await create(
        client, "/data-elements", element("cases_resolved", "办结案件数", source_measure="cases_resolved", **q)
    )
    await create(
        client,
        "/data-elements",
        element("cases_on_time", "按期办结案件数", source_measure="cases_resolved_on_time", **q),
    )
    await create(
        client,
        "/data-elements",
        element(
            "projects_running",
            "实施中项目数",
            period_type="quarter",
            source="projects",
            source_measure="projects_in_progress",
            aggregation="last",
        ),
    )
    await create(
        client,
        "/plans",
        {
            "code": "FED-WORK",
            "name_zh": "妇联工作指标",
            "kind": "federation_work",
            "start_year": 2026,
            "end_year": 2030,
        },
    )
    await create(
        client,
        "",
        {
            "code": "W-ONTIME",
            "name_zh": "维权案件按期办结率",
            "plan": "FED-WORK",
            "domain": "federation_work",
            "kind": "ratio",
            "unit": "percent",
            "decimals": 1,
            "numerator": "#{cases_on_time}",
            "denominator": "#{cases_resolved}",
            "targets": [{"year": 2026, "value": 95}],
        },
    )
    await create(
        client,
        "",
        {
            "code": "W-PROJECTS",
            "name_zh": "实施中项目",
            "plan": "FED-WORK",
            "domain": "federation_work",
            "kind": "count",
            "unit": "count",
            "decimals": 0,
            "numerator": "#{projects_running}",
        },
    )


def rows(measure: str, values: list[int]) -> list[dict[str, Any]]:
    return [{"org_path": o, "measure": measure, "value": v} for o, v in zip(STREETS, values, strict=True) if v]


async def value(client: httpx.AsyncClient, indicator: str, period: str, org: str = "4401") -> Any:
    r = await client.get(
        "/indicators/analytics", params={"indicators": indicator, "periods": period, "orgs": org}, headers=GZ_LEADER
    )
    assert r.status_code == 200, r.text
    return r.json()["rows"][0]


async def test_a_pull_stores_feed_values_with_source_and_time(
    puller: tuple[httpx.AsyncClient, Any], feeds: FeedServer
) -> None:
    client, _ = puller
    await catalogue(client)
    feeds.rows[("cases", "2026Q3")] = [
        *rows("cases_resolved", [12, 8, 20]),
        *rows("cases_resolved_on_time", [12, 6, 19]),
        {"org_path": STREETS[0], "measure": "cases_received", "value": 15},  # no element takes it
    ]
    r = await client.post("/indicators/pulls", json={"source": "cases", "period": "2026Q3"}, headers=STATS)
    assert r.status_code == 200, r.text
    pulled = r.json()[0]
    assert (pulled["status"], pulled["rows_received"], pulled["values_written"]) == ("ok", 7, 6)
    assert pulled["unknown_measures"] == ["cases_received"]
    stored = await client.get("/indicators/data-values", params={"element": "cases_resolved"}, headers=GZ_LEADER)
    items = stored.json()["items"]
    assert {i["source"] for i in items} == {"cases"} and all(i["pulled_at"] for i in items)
    city = await value(client, "W-ONTIME", "2026Q3")
    # (12 + 6 + 19) / (12 + 8 + 20) = 37 / 40
    assert (city["numerator"], city["denominator"], city["value"]) == ("37", "40", "92.5")
    assert city["attainment"] == "at_risk"  # 2.5 points short of 95, within 5 % of it
    assert (await value(client, "W-ONTIME", "2026", "440106"))["value"] == "90.0"  # 18 / 20


async def test_feed_rows_belong_where_the_tree_has_the_unit_now(
    puller: tuple[httpx.AsyncClient, Any], feeds: FeedServer
) -> None:
    client, _ = puller
    await catalogue(client)
    moved = "/44/4401/440104/440106002/"  # the second street, moved to 越秀区
    r = await client.post("/indicators/org-moves", json={"from_path": STREETS[1], "to_path": moved}, headers=GATEWAY)
    assert r.status_code == 200, r.text
    # the cases service has not applied the move yet (its feed still names the old path), projects has
    feeds.rows[("cases", "2026Q3")] = rows("cases_resolved", [12, 8, 20])
    feeds.rows[("projects", "2026Q3")] = [{"org_path": moved, "measure": "projects_in_progress", "value": 2}]
    pulled = await client.post("/indicators/pulls", json={"period": "2026Q3"}, headers=ADMIN)
    assert [p["status"] for p in pulled.json()] == ["ok", "ok"], pulled.text
    stored = await client.get("/indicators/data-values", params={"period": "2026Q3"}, headers=GZ_LEADER)
    placed = sorted((v["org_path"], float(v["value"])) for v in stored.json()["items"])
    assert placed == [(STREETS[2], 20), (moved, 2), (moved, 8), (STREETS[0], 12)]


async def test_a_new_pull_replaces_what_the_feed_no_longer_holds(
    puller: tuple[httpx.AsyncClient, Any], feeds: FeedServer
) -> None:
    client, _ = puller
    await catalogue(client)
    feeds.rows[("cases", "2026Q3")] = [
        *rows("cases_resolved", [12, 8, 20]),
        *rows("cases_resolved_on_time", [12, 6, 19]),
    ]
    feeds.rows[("projects", "2026Q2")] = rows("projects_in_progress", [3, 2, 1])
    await client.post("/indicators/pulls", json={"period": "2026Q3"}, headers=STATS)
    await client.post("/indicators/pulls", json={"source": "projects", "period": "2026Q2"}, headers=STATS)
    feeds.rows[("cases", "2026Q3")] = [
        *rows("cases_resolved", [12, 0, 20]),
        *rows("cases_resolved_on_time", [12, 0, 20]),
    ]
    feeds.rows[("projects", "2026Q3")] = rows("projects_in_progress", [4, 0, 1])  # the second street closed its two
    again = await client.post("/indicators/pulls", json={"period": "2026Q3"}, headers=STATS)
    assert [(p["source"], p["values_cleared"]) for p in again.json()] == [("cases", 2), ("projects", 0)]
    assert (await value(client, "W-ONTIME", "2026Q3"))["value"] == "100.0"
    assert (await value(client, "W-PROJECTS", "2026"))["value"] == "5"  # 4 + 0 + 1, not 4 + 2 + 1
    assert feeds.tokens_issued == 1  # the token is reused until it is about to expire


async def test_a_broken_feed_is_recorded_and_answered_502(
    puller: tuple[httpx.AsyncClient, Any], feeds: FeedServer
) -> None:
    client, _ = puller
    await catalogue(client)
    feeds.broken = True
    r = await client.post("/indicators/pulls", json={"source": "cases", "period": "2026Q3"}, headers=STATS)
    assert r.status_code == 502
    assert "does not follow the contract" in r.json()["detail"]
    listed = await client.get("/indicators/pulls", headers=GZ_LEADER)
    assert [p["status"] for p in listed.json()["items"]] == ["failed"]


async def test_the_schedule_pulls_the_current_and_previous_periods(
    puller: tuple[httpx.AsyncClient, Any], feeds: FeedServer
) -> None:
    client, app = puller
    await catalogue(client)
    feeds.rows[("cases", "2026Q3")] = rows("cases_resolved", [1, 1, 1])
    feeds.rows[("cases", "2026Q4")] = rows("cases_resolved", [2, 0, 0])
    done = await run_once(app.state.sessionmaker, app.state.feeds, on=date(2026, 10, 15))
    assert sorted((p.source, p.period, p.status) for p in done) == [
        ("cases", "2026Q3", "ok"),
        ("cases", "2026Q4", "ok"),
        ("projects", "2026Q3", "ok"),
        ("projects", "2026Q4", "ok"),
    ]
    year = await client.get(
        "/indicators/data-values", params={"element": "cases_resolved", "period": "2026"}, headers=GZ_LEADER
    )
    assert sorted(float(v["value"]) for v in year.json()["items"]) == [1, 1, 1, 2]
    assert {v["entered_by_name"] for v in year.json()["items"]} == {"定时汇取"}


async def test_pulls_need_a_data_role_and_a_configured_gateway(
    client: httpx.AsyncClient, puller: tuple[httpx.AsyncClient, Any]
) -> None:
    configured, _ = puller
    await catalogue(configured)
    body = {"source": "cases", "period": "2026Q3"}
    assert (await configured.post("/indicators/pulls", json=body, headers=CASE_WORKER)).status_code == 403
    assert (await client.post("/indicators/pulls", json=body, headers=ADMIN)).status_code == 503
    wrong = await configured.post("/indicators/pulls", json={"source": "cases", "period": "2026"}, headers=ADMIN)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "period"


async def test_the_service_pulls_on_its_own_schedule(db_url: str, feeds: FeedServer, client: httpx.AsyncClient) -> None:
    feeds.rows.clear()
    await catalogue(client)
    settings = Settings(
        database_url=db_url,
        jwt_public_key=shared_key_pair()[1],
        gateway_url=feeds.url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        pull_interval_seconds=3600,
        pull_first_delay_seconds=0,
    )
    async with running(create_app(settings)):
        for _ in range(100):
            listed = await client.get("/indicators/pulls", headers=GZ_LEADER)
            if len(listed.json()["items"]) == 4:
                break
            await asyncio.sleep(0.05)
    assert {p["triggered_by"] for p in listed.json()["items"]} == {"定时汇取"}
    assert len(listed.json()["items"]) == 4  # cases and projects, this quarter and the one before


async def test_a_failed_scheduled_round_is_logged_and_the_next_one_runs(
    db_url: str, feeds: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The schedule runs on the shared background loop: a round that cannot reach its database is logged as the
    other loops log theirs, the loop goes on to the next round, and `background.stop` ends it."""
    from halfsky_common import background
    from halfsky_common.db import database_url, make_engine, make_sessionmaker
    from halfsky_indicators.derived import scheduler
    from halfsky_indicators.derived.client import FeedClient

    settings = Settings(database_url=db_url, gateway_url=feeds.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    client = FeedClient(settings)
    assert scheduler.start(make_sessionmaker(make_engine(db_url)), client, 0) is None  # 0: off
    engine = make_engine(database_url(db_url, "halfsky_no_such_database"))
    caplog.set_level(logging.WARNING, logger="halfsky.background")
    task = scheduler.start(make_sessionmaker(engine), client, 0.01)
    assert task is not None
    try:
        for _ in range(1000):  # bounded: a few rounds take well under a second
            failed = [r for r in caplog.records if r.getMessage().startswith("scheduled pull round failed")]
            if len(failed) >= 2:
                break
            await asyncio.sleep(0.01)
        assert len(failed) >= 2 and not task.done()
    finally:
        await background.stop(task)
        await client.close()
        await engine.dispose()
    assert task.done()
