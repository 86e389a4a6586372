"""Operator commands of the indicators service.

python -m halfsky_indicators.cli seed-catalogue     the programme catalogue (plans, elements, indicators, targets)
python -m halfsky_indicators.cli demo-data          the catalogue and demo values for the demo region tree
python -m halfsky_indicators.cli rebuild-analytics  refill the analytics table from the data values
"""

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_common.db import make_engine, make_sessionmaker
from halfsky_indicators.analytics import table as analytics_table
from halfsky_indicators.config import Settings
from halfsky_indicators.seed.demo import demo_values
from halfsky_indicators.seed.loader import SEEDER, seed_catalogue


async def _with_session(work: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    engine = make_engine(Settings().database_url, pool_size=1, max_overflow=0)
    try:
        async with make_sessionmaker(engine)() as session:
            result = await work(session)
            await session.commit()
            return result
    finally:
        await engine.dispose()


async def _demo(session: AsyncSession) -> dict[str, Any]:
    return {"catalogue": await seed_catalogue(session), "demo": await demo_values(session, SEEDER)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="halfsky_indicators.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("seed-catalogue", help="load the programme catalogue (idempotent)")
    sub.add_parser("demo-data", help="load the catalogue and demo values")
    sub.add_parser("rebuild-analytics", help="refill the analytics table")
    args = parser.parse_args(argv)
    if args.command == "seed-catalogue":
        print("indicators catalogue:", asyncio.run(_with_session(seed_catalogue)))
    elif args.command == "demo-data":
        print("indicators demo:", asyncio.run(_with_session(_demo)))
    else:
        print("analytics rows:", asyncio.run(_with_session(analytics_table.rebuild)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
