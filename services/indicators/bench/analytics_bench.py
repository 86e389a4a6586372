"""Time the three analytics engines on a province-sized region and check they give the same table.

python services/indicators/bench/analytics_bench.py [--villages 15] [--months 12]

Builds a fresh database (DATABASE_URL's server, or an embedded one) with a synthetic province shaped like
Guangdong (21 cities × 6 counties × 14 townships × N villages), monthly values of a numerator and a denominator
element per village, then runs the same analytics on the raw path, the per-value analytics table and the
county rollup at province, city and county scale.
"""

import argparse
import asyncio
import random
import statistics
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from halfsky_common.auth import Principal
from halfsky_common.db import make_engine, make_sessionmaker
from halfsky_common.migrations import upgrade_async
from halfsky_common.periods import parse
from halfsky_common.testing import fresh_database
from halfsky_indicators.analytics import table as analytics_table
from halfsky_indicators.analytics.schemas import Engine
from halfsky_indicators.analytics.service import table
from halfsky_indicators.elements.schemas import ElementCreate
from halfsky_indicators.elements.service import create_element
from halfsky_indicators.indicators.schemas import IndicatorCreate
from halfsky_indicators.indicators.service import create_indicator
from halfsky_indicators.plans.schemas import PlanCreate
from halfsky_indicators.plans.service import create_plan

SERVICE_DIR = Path(__file__).resolve().parents[1]
ADMIN = Principal(id="bench", name="bench", roles=frozenset({"admin"}), org="", org_path="/")


def villages(per_township: int) -> list[str]:
    out = []
    for c in range(1, 22):
        for k in range(1, 7):
            for t in range(1, 15):
                for v in range(1, per_township + 1):
                    city, county = f"44{c:02d}", f"44{c:02d}{k:02d}"
                    town = f"{county}{t:03d}"
                    out.append(f"/44/{city}/{county}/{town}/{town}{v:03d}/")
    return out


async def main(per_township: int, months: int, rounds: int) -> None:
    url = await fresh_database("bench_indicators")
    engine = make_engine(url)
    await upgrade_async(SERVICE_DIR, engine)
    maker = make_sessionmaker(engine)
    async with maker() as session:
        ids = []
        for code in ("screened", "target_women"):
            e = await create_element(
                session,
                body=ElementCreate(code=code, name_zh=code, value_type="integer", period_type="month"),
                owner=ADMIN.org_path,
            )
            ids.append(e.id)
        plan = await create_plan(
            session,
            user=ADMIN,
            body=PlanCreate(code="B", name_zh="bench", kind="programme", start_year=2025, end_year=2030),
        )
        indicator = await create_indicator(
            session,
            user=ADMIN,
            plan=plan,
            body=IndicatorCreate(
                code="B-SCREEN",
                name_zh="妇女病普查普治率",
                plan="B",
                domain="health",
                kind="ratio",
                unit="percent",
                numerator="#{screened}",
                denominator="#{target_women}",
            ),
        )
        await session.commit()
    units = villages(per_township)
    rng = random.Random(44)
    now = datetime.now(UTC)
    rows = []
    for path in units:
        for m in range(1, months + 1):
            p = parse(f"2025{m:02d}")
            due = rng.randint(20, 200)
            for element_id, value in ((ids[0], round(due * rng.uniform(0.6, 0.95))), (ids[1], due)):
                rows.append(
                    (
                        uuid.uuid4(),
                        element_id,
                        path,
                        p.code,
                        p.start,
                        p.last,
                        value,
                        "",
                        "manual",
                        "bench",
                        "bench",
                        now,
                        None,
                        1,
                    )
                )
    raw = await engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert conn is not None
        start = time.perf_counter()
        await conn.copy_records_to_table(
            "data_value",
            records=rows,
            columns=[
                "id",
                "element_id",
                "org_path",
                "period",
                "period_start",
                "period_end",
                "value",
                "comment",
                "source",
                "entered_by_id",
                "entered_by_name",
                "entered_at",
                "pulled_at",
                "version",
            ],
        )
        loaded = time.perf_counter() - start
    finally:
        raw.close()
    async with maker() as session:
        start = time.perf_counter()
        await analytics_table.rebuild(session)
        await session.commit()
        rebuilt = time.perf_counter() - start
    async with engine.begin() as conn:
        from sqlalchemy import text

        await conn.execute(text("ANALYZE"))
    print(
        f"{len(units):,} villages, {len(rows):,} values: copied in {loaded:.1f} s, analytics table in {rebuilt:.1f} s"
    )
    cases = [
        ("province by city", ["/44/"], 2),
        ("city by county", ["/44/4401/"], 3),
        ("county by township", ["/44/4401/440101/"], 4),
        ("county total", ["/44/4401/440101/"], None),
    ]
    periods = [parse("2025"), parse("2025Q2"), parse("2025YTD10")]
    for label, orgs, level in cases:
        timings: dict[Engine, list[float]] = {Engine.raw: [], Engine.values: [], Engine.table: []}
        results = {}
        for _ in range(rounds):
            for eng in (Engine.raw, Engine.values, Engine.table):
                async with maker() as session:
                    start = time.perf_counter()
                    results[eng] = await table(
                        session, indicators=[indicator], orgs=orgs, periods=periods, level=level, engine=eng
                    )
                    timings[eng].append(time.perf_counter() - start)
        dumps = {e: [r.model_dump() for r in rows] for e, rows in results.items()}
        same = dumps[Engine.raw] == dumps[Engine.values] == dumps[Engine.table]
        ms = {e.value: statistics.median(t) * 1000 for e, t in timings.items()}
        print(
            f"{label:18s} rows {len(results[Engine.raw]):3d} raw {ms['raw']:7.1f} ms values {ms['values']:7.1f} ms"
            f" table (rollup) {ms['table']:7.1f} ms same {same}"
        )
        assert same
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages", type=int, default=15, help="villages per township (15 ≈ Guangdong's 26,842)")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.villages, args.months, args.rounds))
