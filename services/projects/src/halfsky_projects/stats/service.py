"""Human-facing project statistics: counts and money by status, category, kind and unit; measures by period."""

from collections import defaultdict
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from halfsky_common.orgpaths import at_most, depth
from halfsky_common.periods import Period, PeriodType, contained
from halfsky_projects.money.models import BudgetLine, Expenditure
from halfsky_projects.money.service import rate
from halfsky_projects.projects.models import Project
from halfsky_projects.stats.feed import FEED_MEASURES, feed_values
from halfsky_projects.stats.schemas import GroupCount, MeasureValue, PeriodMeasures, Stats, UnitMeasures


def sub_periods(period: Period) -> list[Period]:
    """Quarters of a year or half-year, months of a quarter, nothing below a month."""
    if period.type in {PeriodType.year, PeriodType.half_year}:
        return contained(period, PeriodType.quarter)
    if period.type == PeriodType.quarter:
        return contained(period, PeriodType.month)
    return []


def _measures(values: dict[tuple[str, str], int]) -> list[MeasureValue]:
    totals: dict[str, int] = defaultdict(int)
    for (_, measure), value in values.items():
        totals[measure] += value
    return [MeasureValue(measure=m, value=totals.get(m, 0)) for m in FEED_MEASURES]


def _by_unit(values: dict[tuple[str, str], int], scope: str) -> list[UnitMeasures]:
    level = depth(scope) + 1
    units: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (org_path, measure), value in values.items():
        units[at_most(org_path, level)][measure] += value
    return [
        UnitMeasures(org_path=unit, measures=[MeasureValue(measure=m, value=v) for m, v in sorted(ms.items())])
        for unit, ms in sorted(units.items())
    ]


async def stats(session: AsyncSession, *, scope: str, period: Period) -> Stats:
    """Everything the statistics page shows for a region and period."""
    overlapping = (
        col(Project.org_path).startswith(scope),
        col(Project.start_date) <= period.last,
        col(Project.end_date) >= period.start,
    )
    budget_sq = (
        select(BudgetLine.project_id, func.sum(BudgetLine.amount_fen).label("fen"))
        .group_by(col(BudgetLine.project_id))
        .subquery()
    )
    spent_sq = (
        select(Expenditure.project_id, func.sum(Expenditure.amount_fen).label("fen"))
        .where(col(Expenditure.spent_on).between(period.start, period.last))
        .group_by(col(Expenditure.project_id))
        .subquery()
    )

    async def grouped(column: Any) -> list[GroupCount]:
        stmt = (
            select(
                column,
                func.count(),
                func.coalesce(func.sum(budget_sq.c.fen), 0),
                func.coalesce(func.sum(spent_sq.c.fen), 0),
            )
            .select_from(Project)
            .outerjoin(budget_sq, budget_sq.c.project_id == col(Project.id))
            .outerjoin(spent_sq, spent_sq.c.project_id == col(Project.id))
            .where(*overlapping)
            .group_by(column)
            .order_by(column)
        )
        return [
            GroupCount(key=str(k), projects=int(n), budget_fen=int(b), spent_fen=int(s))
            for k, n, b, s in await session.execute(stmt)
        ]

    by_status = await grouped(col(Project.status))
    flags = (
        await session.execute(
            select(func.count().filter(col(Project.is_brand)), func.count().filter(col(Project.behind_schedule))).where(
                *overlapping
            )
        )
    ).one()
    to_date = (
        await session.execute(
            select(func.coalesce(func.sum(Expenditure.amount_fen), 0))
            .join(Project, col(Project.id) == col(Expenditure.project_id))
            .where(*overlapping, col(Expenditure.spent_on) <= period.last)
        )
    ).scalar_one()
    values = await feed_values(session, region=scope, period=period)
    budget_fen = sum(g.budget_fen for g in by_status)
    by_period = [
        PeriodMeasures(period=p.code, measures=_measures(await feed_values(session, region=scope, period=p)))
        for p in sub_periods(period)
    ]
    return Stats(
        period=period.code,
        org_path=scope,
        projects=sum(g.projects for g in by_status),
        by_status=by_status,
        by_category=await grouped(col(Project.category)),
        by_kind=await grouped(col(Project.kind)),
        by_org=await grouped(col(Project.org_path)),
        brands=int(flags[0]),
        behind_schedule=int(flags[1]),
        budget_fen=budget_fen,
        spent_fen=sum(g.spent_fen for g in by_status),
        spent_to_date_fen=int(to_date),
        execution_rate_pct=rate(int(to_date), budget_fen),
        measures=_measures(values),
        by_period=by_period,
        by_unit=_by_unit(values, scope),
    )
