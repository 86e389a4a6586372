"""HTTP layer of analytics: the indicator table and the early-warning list."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlmodel import col

from halfsky_common.periods import parse_field
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.access import DataReader, ensure_in_region
from halfsky_indicators.analytics import service
from halfsky_indicators.analytics.replica import AnalyticsSession
from halfsky_indicators.analytics.schemas import AnalyticsTable, EarlyWarning, Engine
from halfsky_indicators.indicators.models import Indicator
from halfsky_indicators.orgpaths import parse_level
from halfsky_indicators.orgtree.service import resolve, resolve_many
from halfsky_indicators.plans.service import get_by_code as plan_by_code

router = APIRouter(tags=["analytics"])


def split(value: str, field: str, most: int) -> list[str]:
    """A comma-separated list of at least one and at most `most` items."""
    items = [v.strip() for v in value.split(",") if v.strip()]
    if not items or len(items) > most:
        msg = f"give between 1 and {most} comma-separated values"
        raise Problem(422, msg, errors=[field_error(field, msg)])
    return list(dict.fromkeys(items))


@router.get(
    "/analytics",
    response_model=AnalyticsTable,
    summary="Indicator values per org × period from summed numerators and denominators, with targets",
)
async def analytics(
    session: AnalyticsSession,
    user: DataReader,
    indicators: Annotated[str, Query(description="Indicator codes, comma-separated")],
    periods: Annotated[str, Query(description="Period codes: 2026, 2026H1, 2026Q3, 202607, 2026YTD10, 2021-2030")],
    orgs: Annotated[str | None, Query(description="Division codes or org paths; default your own unit")] = None,
    level: Annotated[str | None, Query(description="Group by units at this level: 1–5 or province…village")] = None,
    approved_only: bool = False,
    engine: Engine = Engine.auto,
) -> AnalyticsTable:
    org_paths = await resolve_many(session, split(orgs, "orgs", 50), "orgs") if orgs else [user.org_path]
    for path in org_paths:
        ensure_in_region(user, path, field="orgs")
    wanted = split(indicators, "indicators", 50)
    found = {
        i.code: i for i in (await session.execute(select(Indicator).where(col(Indicator.code).in_(wanted)))).scalars()
    }
    missing = [c for c in wanted if c not in found]
    if missing:
        raise Problem(422, f"No indicator {', '.join(missing)}.", errors=[field_error("indicators", "unknown code")])
    period_list = [parse_field(p, "periods") for p in split(periods, "periods", 36)]
    depth = parse_level(level) if level else None
    chosen = service.choose_engine(engine, org_paths)
    rows = await service.table(
        session,
        indicators=[found[c] for c in wanted],
        orgs=org_paths,
        periods=period_list,
        level=depth,
        approved_only=approved_only,
        engine=chosen,
    )
    return AnalyticsTable(engine=chosen, level=depth, rows=rows)


@router.get(
    "/early-warnings",
    response_model=EarlyWarning,
    summary="Indicators off track or at risk, by region (off track first)",
)
async def early_warnings(
    session: AnalyticsSession,
    user: DataReader,
    period: str,
    org: str | None = None,
    level: str | None = None,
    plan: str | None = None,
) -> EarlyWarning:
    org_path = await resolve(session, org) if org else user.org_path
    ensure_in_region(user, org_path)
    stmt = select(Indicator).order_by(col(Indicator.code))
    if plan:
        stmt = stmt.where(col(Indicator.plan_id) == (await plan_by_code(session, plan)).id)
    indicators = list((await session.execute(stmt)).scalars())
    depth = parse_level(level) if level else None
    rows = await service.table(
        session,
        indicators=indicators,
        orgs=[org_path],
        periods=[parse_field(period)],
        level=depth,
        engine=service.choose_engine(Engine.auto, [org_path]),
    )
    flagged = [r for r in rows if r.attainment in service.WARNING_STATES]
    flagged.sort(key=lambda r: (service.WARNING_STATES.index(r.attainment), r.org_path, r.indicator))
    return EarlyWarning(period=period, level=depth, rows=flagged)
