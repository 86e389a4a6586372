"""HTTP layer of statistics: the indicator feed (fixed contract) and the richer figures for people."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from halfsky_cases.stats.feed import feed_rows
from halfsky_cases.stats.periods import parse_period
from halfsky_cases.stats.schemas import Feed, FeedRow, Stats
from halfsky_cases.stats.service import compute
from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal, require_scope
from halfsky_common.clock import today
from halfsky_common.db import Session
from halfsky_common.problems import Problem, field_error

router = APIRouter(tags=["statistics"])
FeedReader = Annotated[Principal, Depends(require_scope("stats:read", "leader", "statistician", "auditor"))]
StatsReader = Annotated[
    Principal, Depends(require_scope("stats:read", "leader", "statistician", "auditor", "case_worker"))
]


@router.get("/stats/feed", response_model=Feed, summary="Indicator feed: one row per registering unit and measure")
async def feed(session: Session, user: FeedReader, period: str) -> Feed:
    parsed = parse_period(period)
    rows = await feed_rows(session=session, period=parsed, org_path=user.org_path)
    return Feed(period=period, generated_at=utcnow().replace(microsecond=0), rows=[FeedRow(**r) for r in rows])


@router.get("/stats", response_model=Stats, summary="Counts, rates, persons and 人次 for a period and region")
async def stats(
    session: Session,
    user: StatsReader,
    period: str | None = None,
    org_path: str | None = None,
    level: Annotated[int, Query(ge=1, le=5, description="Group by_org at this depth (3 = county).")] = 4,
) -> Stats:
    parsed = parse_period(period or f"{today().year}YTD", allow_ytd=True)
    scope = org_path or user.org_path
    if not scope.startswith("/") or not scope.endswith("/"):
        raise Problem(422, "org_path must look like /44/4401/.", errors=[field_error("org_path", "bad path")])
    if not user.sees(scope):
        raise Problem(403, "That region lies outside yours.")
    return await compute(session=session, period=parsed, org_path=scope, level=level)
