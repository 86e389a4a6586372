"""The statistics feed: per leaf org unit and measure, the figures of one period (contract in stats-contract.md)."""

from collections import defaultdict

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from halfsky_common.periods import Period
from halfsky_projects.measures import Measure, Scope, actual_rows
from halfsky_projects.money.models import BudgetLine, Expenditure
from halfsky_projects.projects.models import Project, ProjectEvent, ProjectStatus

RECORD_MEASURES = (
    Measure.women_trained,
    Measure.women_certified,
    Measure.women_employed,
    Measure.businesses_started,
    Measure.loans_granted,
    Measure.loan_amount_fen,
    Measure.screenings_done,
    Measure.beneficiaries_registered,
    Measure.activities_held,
    Measure.activity_participants,
)
FEED_MEASURES = (
    "projects_approved",
    "projects_in_progress",
    "projects_closed",
    *RECORD_MEASURES,
    "budget_fen",
    "spent_fen",
)


async def feed_values(session: AsyncSession, *, region: str, period: Period) -> dict[tuple[str, str], int]:
    """(org path, measure) → value for every non-zero figure of the period in the region."""
    values: dict[tuple[str, str], int] = defaultdict(int)
    for measure in RECORD_MEASURES:
        rows = await actual_rows(
            session, measure=measure, start=period.start, end=period.last, scope=Scope(region=region)
        )
        for _, org_path, value in rows:
            values[(org_path, measure)] += value
    start_utc, end_utc = period.start_at, period.end_at
    for name, status in (("projects_approved", ProjectStatus.approved), ("projects_closed", ProjectStatus.closed)):
        stmt = (
            select(ProjectEvent.org_path, func.count(func.distinct(ProjectEvent.project_id)))
            .where(
                ProjectEvent.to_status == status,
                col(ProjectEvent.at) >= start_utc,
                col(ProjectEvent.at) < end_utc,
                col(ProjectEvent.org_path).startswith(region),
            )
            .group_by(col(ProjectEvent.org_path))
        )
        for org_path, n in await session.execute(stmt):
            values[(org_path, name)] += int(n)
    latest = (
        select(col(ProjectEvent.project_id), col(ProjectEvent.org_path), col(ProjectEvent.to_status))
        .ext(distinct_on(col(ProjectEvent.project_id)))
        .where(col(ProjectEvent.at) < end_utc, col(ProjectEvent.org_path).startswith(region))
        .order_by(col(ProjectEvent.project_id), col(ProjectEvent.at).desc(), col(ProjectEvent.id).desc())
        .subquery()
    )
    stock = (
        select(latest.c.org_path, func.count())
        .where(latest.c.to_status == ProjectStatus.in_progress)
        .group_by(latest.c.org_path)
    )
    for org_path, n in await session.execute(stock):
        values[(org_path, "projects_in_progress")] += int(n)
    spent = (
        select(Expenditure.org_path, func.sum(Expenditure.amount_fen))
        .where(
            col(Expenditure.spent_on).between(period.start, period.last), col(Expenditure.org_path).startswith(region)
        )
        .group_by(col(Expenditure.org_path))
    )
    for org_path, total in await session.execute(spent):
        values[(org_path, "spent_fen")] += int(total)
    budget = (
        select(Project.org_path, func.sum(BudgetLine.amount_fen))
        .join(BudgetLine, col(BudgetLine.project_id) == col(Project.id))
        .where(
            col(Project.approved_at) < end_utc,
            col(Project.start_date) <= period.last,
            col(Project.end_date) >= period.start,
            col(Project.org_path).startswith(region),
        )
        .group_by(col(Project.org_path))
    )
    for org_path, total in await session.execute(budget):
        values[(org_path, "budget_fen")] += int(total)
    return {k: v for k, v in values.items() if v}
