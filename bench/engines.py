"""The province analytics query four ways, in one process, on the same database: the county rollup
(`engine=table`), the per-value analytics table (`engine=values`), raw path-prefix SQL (`engine=raw`) and the
naive path (every value to Python, summed there). All must give the same numerators, denominators and values."""

import statistics
import time
from collections import defaultdict
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import select
from sqlmodel import col

from bench.bulk import dsn
from halfsky_common.db import make_engine, make_sessionmaker
from halfsky_common.periods import Period, parse, same_period_last_year
from halfsky_indicators.analytics.queries import PREFIX_LENGTH
from halfsky_indicators.analytics.schemas import AnalyticsRow, Engine
from halfsky_indicators.analytics.service import table
from halfsky_indicators.elements.models import DataElement
from halfsky_indicators.indicators.models import Indicator
from halfsky_indicators.numbers import plain, rounded

Cells = dict[tuple[str, str], dict[str, Decimal | None]]  # (county path, period code) → figures


async def naive(
    url: str, indicator: Indicator, numerator: str, denominator: str, periods: list[Period]
) -> tuple[Cells, int]:
    """Every value of the two elements in the province to Python; sum per county and period there."""
    conn = await asyncpg.connect(dsn(url))
    try:
        ids = {r["code"]: r["id"] for r in await conn.fetch("SELECT id, code FROM data_element")}
        rows = await conn.fetch(
            "SELECT element_id, org_path, period_start, period_end, value FROM data_value "
            "WHERE element_id = ANY($1::uuid[]) AND org_path LIKE '/44/%'",
            [ids[numerator], ids[denominator]],
        )
    finally:
        await conn.close()
    cut = PREFIX_LENGTH[3]
    sums: dict[tuple[str, str, Any], Decimal] = defaultdict(Decimal)
    for element_id, org_path, start, end, value in rows:
        if len(org_path) < cut:
            continue
        county = org_path[:cut]
        for p in periods:
            if p.start <= start and end <= p.last:
                sums[(county, p.code, element_id)] += value
    cells: Cells = {}
    for (county, period, _), _total in sums.items():
        num = sums.get((county, period, ids[numerator]))
        den = sums.get((county, period, ids[denominator]))
        value = None
        if num is not None and den:
            value = rounded(num / den * indicator.factor, indicator.decimals)
        cells[(county, period)] = {
            "numerator": plain(num) if num is not None else None,
            "denominator": plain(den) if den is not None else None,
            "value": value,
        }
    return cells, len(rows)


def as_cells(rows: list[AnalyticsRow], last_year: Period) -> Cells:
    """The service's rows as the same cells, including last year's value each row carries."""
    cells: Cells = {}
    for r in rows:
        cells[(r.org_path, r.period)] = {"numerator": r.numerator, "denominator": r.denominator, "value": r.value}
        if r.last_year_value is not None:
            cells[(r.org_path, last_year.code)] = {"value": r.last_year_value}
    return cells


def same(service: Cells, python: Cells) -> bool:
    """Every figure the service gives equals the naive sum (last year's only by value, as the service shows it)."""
    if not service:
        return False
    for key, figures in service.items():
        mine = python.get(key, {})
        for name, value in figures.items():
            if value != mine.get(name):
                print(f"    differs at {key} {name}: service {value}, naive {mine.get(name)}")
                return False
    return True


def summary(timings: list[float]) -> dict[str, float]:
    ms = sorted(t * 1000 for t in timings)
    return {"median_ms": statistics.median(ms), "min_ms": ms[0], "max_ms": ms[-1], "runs": len(ms)}


async def compare(url: str, *, indicator_code: str, months: list[str], rounds: int) -> dict[str, Any]:
    """Time the three paths on one indicator × the province's counties × the 60 months, and check they agree."""
    engine = make_engine(url, pool_size=1, max_overflow=0)
    maker = make_sessionmaker(engine)
    period = parse(f"{months[0]}-{months[-1]}")
    last_year = same_period_last_year(period)
    async with maker() as session:
        indicator = (await session.execute(select(Indicator).where(col(Indicator.code) == indicator_code))).scalar_one()
        codes = {e.code for e in (await session.execute(select(DataElement))).scalars()}
    numerator, denominator = (e.strip("#{} ") for e in (indicator.numerator or "", indicator.denominator or ""))
    assert numerator in codes and denominator in codes
    timings: dict[str, list[float]] = {"table": [], "values": [], "raw": [], "naive": []}
    results: dict[str, Any] = {}
    read = 0
    for _ in range(rounds):
        for name, eng in (("table", Engine.table), ("values", Engine.values), ("raw", Engine.raw)):
            async with maker() as session:
                start = time.perf_counter()
                results[name] = await table(
                    session, indicators=[indicator], orgs=["/44/"], periods=[period], level=3, engine=eng
                )
                timings[name].append(time.perf_counter() - start)
    for _ in range(max(1, min(rounds, 3))):  # the naive path is slow; three rounds say enough
        start = time.perf_counter()
        results["naive"], read = await naive(url, indicator, numerator, denominator, [period, last_year])
        timings["naive"].append(time.perf_counter() - start)
    await engine.dispose()
    table_cells = as_cells(results["table"], last_year)
    dumps = {name: [r.model_dump() for r in results[name]] for name in ("table", "values", "raw")}
    identical_raw = dumps["table"] == dumps["raw"] == dumps["values"]
    identical_naive = same(table_cells, results["naive"])
    stats = {name: summary(t) for name, t in timings.items()}
    return {
        "indicator": indicator_code,
        "period": period.code,
        "level": "county",
        "rows": len(results["table"]),
        "values_read_by_naive": read,
        "timings": stats,
        "speedup_table_vs_naive": stats["naive"]["median_ms"] / stats["table"]["median_ms"],
        "speedup_table_vs_raw": stats["raw"]["median_ms"] / stats["table"]["median_ms"],
        "speedup_table_vs_values": stats["values"]["median_ms"] / stats["table"]["median_ms"],
        "identical_table_raw": identical_raw,
        "identical_table_naive": identical_naive,
        "sample": [
            {
                k: str(v)
                for k, v in r.model_dump(include={"org_path", "org_name", "numerator", "denominator", "value"}).items()
            }
            for r in results["table"][:3]
        ],
    }
