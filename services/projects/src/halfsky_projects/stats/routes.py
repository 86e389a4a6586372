"""HTTP layer of statistics: the rich page and the indicator service's feed."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from halfsky_common.audit import utcnow
from halfsky_common.auth import CurrentUser, Principal
from halfsky_common.db import Session
from halfsky_common.problems import Problem, field_error
from halfsky_projects.fields import ORG_PATH
from halfsky_projects.periods import parse_period
from halfsky_projects.stats.feed import feed_values
from halfsky_projects.stats.schemas import Feed, FeedRow, Stats
from halfsky_projects.stats.service import stats

router = APIRouter(tags=["statistics"])

PeriodCode = Annotated[str, Query(description="2026, 2026H1, 2026Q3 or 202607")]


def _stats_access(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """Users with one of the roles, or clients and services holding the stats:read scope."""
    allowed = {"admin", *roles}

    async def check(principal: CurrentUser) -> Principal:
        if principal.kind in {"client", "service"}:
            if "stats:read" not in principal.scopes:
                raise Problem(403, "This client lacks the scope stats:read.")
            return principal
        if not principal.roles & allowed:
            raise Problem(403, f"This needs one of the roles: {', '.join(sorted(allowed))}.")
        return principal

    return check


FeedReader = Annotated[Principal, Depends(_stats_access("leader", "statistician", "auditor"))]
StatsReader = Annotated[Principal, Depends(_stats_access("leader", "statistician", "auditor", "project_manager"))]


@router.get("/stats/feed", response_model=Feed, summary="Figures per leaf org unit and measure for one period")
async def get_feed(session: Session, user: FeedReader, period: PeriodCode) -> Feed:
    p = parse_period(period)
    values = await feed_values(session, region=user.org_path, period=p)
    rows = [FeedRow(org_path=org, measure=m, value=v) for (org, m), v in sorted(values.items())]
    return Feed(period=p.code, generated_at=utcnow().replace(microsecond=0), rows=rows)


@router.get("/stats", response_model=Stats, summary="Counts, money and outcome measures for a region and period")
async def get_stats(session: Session, user: StatsReader, period: PeriodCode, org_path: str | None = None) -> Stats:
    scope = org_path or user.org_path
    if not ORG_PATH.match(scope) or not scope.startswith(user.org_path):
        raise Problem(422, "That unit lies outside your region.", errors=[field_error("org_path", "outside")])
    return await stats(session, scope=scope, period=parse_period(period))
