"""The county rollup stays equal to the values below it through every kind of write (entry, correction,
clearing, approval, return, concurrent entries in one county and month), and answers like the other engines."""

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import httpx
from fastapi import FastAPI
from indicators_factories import ADMIN, STATS, TH_LEADER, folic_catalogue
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_common.periods import parse
from halfsky_common.testing import auth, make_token
from halfsky_indicators.analytics import queries, rollup
from halfsky_indicators.analytics import table as analytics_table
from halfsky_indicators.elements.models import Aggregation

STREETS = ["440106001", "440106002", "440106003", "440104001"]  # three in 天河区, one in 越秀区
ROLLUP = "SELECT element_id, unit, period_start, period_end, value_sum, value_count, approved_sum, approved_count"
ROLLUP += " FROM analytics_rollup"
KEPT = ROLLUP + " WHERE value_count > 0"


async def put(client: httpx.AsyncClient, org: str, values: dict[str, Any], period: str = "2010") -> httpx.Response:
    form = f"/indicators/forms/folic/{org}/{period}"
    etag = (await client.get(form, headers=ADMIN)).headers.get("etag")
    return await client.put(
        form,
        json={"values": [{"element": k, "value": v} for k, v in values.items()]},
        headers={**ADMIN, "If-Match": etag} if etag else ADMIN,
    )


async def assert_in_step(app: FastAPI) -> None:
    """The rollup's rows equal the rollup computed afresh; rows left empty hold zeros."""
    async with app.state.engine.connect() as conn:
        kept = set((await conn.execute(text(KEPT))).all())
        fresh = set((await conn.execute(text(rollup.fresh_sql()))).all())
        empty = (
            await conn.execute(
                text("SELECT value_sum, approved_sum, approved_count FROM analytics_rollup WHERE value_count = 0")
            )
        ).all()
    assert kept == fresh
    assert all(row == (0, 0, 0) for row in empty)


async def engines_agree(app: FastAPI, *, level: int | None, approved_only: bool) -> queries.Totals:
    async with AsyncSession(app.state.engine) as session:
        ids = list((await session.execute(text("SELECT id FROM data_element ORDER BY code"))).scalars())
        periods = [parse("2009"), parse("2010")]
        for aggregation in (Aggregation.sum, Aggregation.average):
            req = queries.Request({aggregation: ids}, ["/44/", "/44/4401/440106/"], periods, level, approved_only)
            assert rollup.answers(req)
            raw = await queries.totals_raw(session, req)
            per_value = await analytics_table.totals_per_value(session, req)
            rolled = await analytics_table.totals(session, req)
            assert rolled == per_value == raw
        return rolled


async def test_the_rollup_follows_entry_correction_clearing_and_approval(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await folic_catalogue(client)
    for n, org in enumerate(STREETS):
        assert (await put(client, org, {"folic_takers": 9000 + n, "folic_due": 10000 + n})).status_code == 200
    assert (await put(client, "440104001", {"folic_takers": 14502, "folic_due": 18985}, "2009")).status_code == 200
    await assert_in_step(app)
    totals = await engines_agree(app, level=3, approved_only=False)
    due = {k: v for k, v in totals.items() if k[1] == "2010"}
    assert sorted(due.values()) == [9003, 10003, 27003, 30003]  # 越秀区 and 天河区, takers and due

    assert (await put(client, "440106002", {"folic_takers": 0, "folic_due": 0})).status_code == 200  # corrected
    assert (await put(client, "440106003", {"folic_takers": None})).status_code == 200  # cleared
    await assert_in_step(app)
    await engines_agree(app, level=2, approved_only=False)

    form = "/indicators/forms/folic/440106001/2010"
    etag = (await client.get(form, headers=STATS)).headers["etag"]
    etag = (await client.post(f"{form}/submit", json={}, headers={**STATS, "If-Match": etag})).headers["etag"]
    approved = await client.post(f"{form}/approve", json={}, headers={**TH_LEADER, "If-Match": etag})
    assert approved.status_code == 200
    await assert_in_step(app)
    only_approved = await engines_agree(app, level=3, approved_only=True)
    assert set(only_approved.values()) == {Decimal(9000), Decimal(10000)}  # the one approved street, both elements

    reopened = await client.post(
        f"{form}/reopen", json={"reason": "复核发现漏报"}, headers={**TH_LEADER, "If-Match": approved.headers["etag"]}
    )
    assert reopened.status_code == 200
    await assert_in_step(app)
    assert await engines_agree(app, level=3, approved_only=True) == {}


async def test_concurrent_entries_in_one_county_and_month_are_all_counted(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await folic_catalogue(client)
    streets = [f"4401060{n:02d}" for n in range(1, 21)]

    async def enter(round_: int, org: str) -> None:
        # half the forms store both values, half store one and clear the other: rows touched in both orders
        values: dict[str, Any] = {"folic_takers": 100 + round_, "folic_due": 200 + round_}
        if (round_ + int(org[-2:])) % 2:
            values = {"folic_due": None, "folic_takers": 100 + round_}
        r = await put(client, org, values)
        assert r.status_code == 200, r.text

    for round_ in range(3):
        await asyncio.gather(*(enter(round_, org) for org in streets))
    await assert_in_step(app)
    await engines_agree(app, level=3, approved_only=False)


async def test_a_rebuild_gives_the_rollup_the_trigger_kept(client: httpx.AsyncClient, app: FastAPI) -> None:
    await folic_catalogue(client)
    for n, org in enumerate(STREETS):
        assert (await put(client, org, {"folic_takers": 50 * n, "folic_due": 100 * n + 1})).status_code == 200
    async with app.state.engine.connect() as conn:
        before = set((await conn.execute(text(KEPT))).all())
    async with AsyncSession(app.state.engine) as session, session.begin():
        await analytics_table.rebuild(session)
    async with app.state.engine.connect() as conn:
        after = set((await conn.execute(text(ROLLUP))).all())
    assert after == before and len(after) == 2 * 2  # two elements × two counties
    await assert_in_step(app)


def test_only_sums_and_averages_at_county_level_or_above_use_the_rollup() -> None:
    ids = [uuid.uuid4()]
    year = [parse("2010")]
    assert rollup.answers(queries.Request({Aggregation.sum: ids}, ["/44/"], year, 3))
    assert rollup.answers(queries.Request({Aggregation.average: ids}, ["/44/4401/440106/"], year, None))
    assert not rollup.answers(queries.Request({Aggregation.last: ids}, ["/44/"], year, 3))
    assert not rollup.answers(queries.Request({Aggregation.sum: ids}, ["/44/"], year, 4))
    assert not rollup.answers(queries.Request({Aggregation.sum: ids}, ["/44/4401/440106/440106001/"], year, None))
    assert rollup.unit_of_path("/44/4401/440106/440106001/440106001001/") == "/44/4401/440106/"
    assert rollup.unit_of_path("/44/4401/") == "/44/4401/"


async def test_a_moved_street_takes_its_values_and_rollup_along(client: httpx.AsyncClient, app: FastAPI) -> None:
    await folic_catalogue(client)
    for n, org in enumerate(STREETS):
        assert (await put(client, org, {"folic_takers": 9000 + n, "folic_due": 10000 + n})).status_code == 200
    gateway = auth(make_token(typ="service", roles=[], scope="orgs:move", org_path="/", name="gateway"))
    move = {"from_path": "/44/4401/440106/440106003/", "to_path": "/44/4401/440104/440106003/"}
    r = await client.post("/indicators/org-moves", json=move, headers=gateway)
    assert r.status_code == 200, r.text
    assert r.json()["updated"]["data_value.org_path"] == 2
    await assert_in_step(app)
    totals = await engines_agree(app, level=3, approved_only=False)
    assert sorted(totals.values()) == [18001, 18005, 20001, 20005]  # 天河区 two streets, 越秀区 two
