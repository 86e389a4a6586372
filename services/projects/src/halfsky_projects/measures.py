"""Outcome measures and where their actual values come from: records where they exist, typed totals otherwise."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, String, exists, func, literal, not_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from halfsky_projects.activities.models import Activity, ActivityKind
from halfsky_projects.beneficiaries.models import Beneficiary, Outcome, OutcomeKind
from halfsky_projects.loans.models import LoanStatus, MicroLoan
from halfsky_projects.plans.models import ReportedActual

Rows = Select[*tuple[Any, ...]]


class Measure(StrEnum):
    """What targets are set for and actuals counted in."""

    women_trained = "women_trained"  # 培训人数
    women_certified = "women_certified"  # 取得证书
    women_employed = "women_employed"  # 就业
    businesses_started = "businesses_started"  # 创业
    loans_granted = "loans_granted"  # 贷款笔数
    loan_amount_fen = "loan_amount_fen"  # 贷款金额（分）
    jobs_created = "jobs_created"  # 带动就业
    screenings_done = "screenings_done"  # 筛查人数
    beneficiaries_registered = "beneficiaries_registered"  # 受益人登记
    activities_held = "activities_held"  # 活动场次
    trainings_held = "trainings_held"  # 培训期数
    activity_participants = "activity_participants"  # 参与人次
    households_reached = "households_reached"  # 覆盖户数
    leaflets_distributed = "leaflets_distributed"  # 发放资料
    people_reached = "people_reached"  # 宣传覆盖人数


@dataclass(frozen=True)
class Source:
    """Raw rows of one record type: project_id, org_path, label, on_date, value, person."""

    raw: Callable[[], Rows]
    distinct_person: bool = False


def _outcomes(kind: OutcomeKind, *, value: Any = None) -> Callable[[], Rows]:
    def raw() -> Rows:
        stmt: Rows = select(
            col(Outcome.project_id).label("project_id"),
            col(Outcome.org_path).label("org_path"),
            col(Outcome.label).label("label"),
            col(Outcome.achieved_on).label("on_date"),
            (value if value is not None else literal(1)).label("value"),
            func.cast(col(Outcome.beneficiary_id), String).label("person"),
        )
        return stmt.where(col(Outcome.kind) == kind)

    return raw


def _registered() -> Rows:
    return select(
        col(Beneficiary.project_id).label("project_id"),
        col(Beneficiary.org_path).label("org_path"),
        literal("").label("label"),
        col(Beneficiary.registered_on).label("on_date"),
        literal(1).label("value"),
        func.cast(col(Beneficiary.id), String).label("person"),
    )


def _activities(value: Any, kind: ActivityKind | None = None) -> Callable[[], Rows]:
    def raw() -> Rows:
        stmt: Rows = select(
            col(Activity.project_id).label("project_id"),
            col(Activity.org_path).label("org_path"),
            col(Activity.label).label("label"),
            col(Activity.held_on).label("on_date"),
            value.label("value"),
            literal(None, type_=String).label("person"),
        )
        return stmt.where(col(Activity.kind) == kind) if kind else stmt

    return raw


def _jobs_from_loans() -> Rows:
    stmt: Rows = select(
        col(MicroLoan.project_id).label("project_id"),
        col(MicroLoan.org_path).label("org_path"),
        literal("").label("label"),
        col(MicroLoan.granted_on).label("on_date"),
        col(MicroLoan.jobs_created).label("value"),
        literal(None, type_=String).label("person"),
    )
    return stmt.where(col(MicroLoan.status) == LoanStatus.granted)


RECORD_SOURCES: dict[Measure, Source] = {
    Measure.women_trained: Source(_outcomes(OutcomeKind.trained), distinct_person=True),
    Measure.women_certified: Source(_outcomes(OutcomeKind.certified), distinct_person=True),
    Measure.women_employed: Source(_outcomes(OutcomeKind.employed), distinct_person=True),
    Measure.businesses_started: Source(_outcomes(OutcomeKind.business_started), distinct_person=True),
    Measure.screenings_done: Source(_outcomes(OutcomeKind.screened), distinct_person=True),
    Measure.loans_granted: Source(_outcomes(OutcomeKind.loan)),
    Measure.loan_amount_fen: Source(_outcomes(OutcomeKind.loan, value=col(Outcome.amount_fen))),
    Measure.jobs_created: Source(_jobs_from_loans),
    Measure.beneficiaries_registered: Source(_registered, distinct_person=True),
    Measure.activities_held: Source(_activities(literal(1))),
    Measure.trainings_held: Source(_activities(literal(1), ActivityKind.training)),
    Measure.activity_participants: Source(_activities(col(Activity.participant_count))),
}


def record_based(measure: str) -> bool:
    """True when the measure is counted from records (typed totals then only stand in where none exist)."""
    return measure in RECORD_SOURCES


def _reported_raw(measure: str) -> Rows:
    stmt: Rows = select(
        col(ReportedActual.project_id).label("project_id"),
        col(ReportedActual.org_path).label("org_path"),
        col(ReportedActual.label).label("label"),
        col(ReportedActual.counted_on).label("on_date"),
        col(ReportedActual.value).label("value"),
        literal(None, type_=String).label("person"),
    )
    return stmt.where(col(ReportedActual.measure) == measure)


@dataclass(frozen=True)
class Scope:
    """Which rows count: one project, a region prefix, a sub-target's label."""

    project_id: uuid.UUID | None = None
    region: str | None = None
    label: str | None = None


def _aggregate(
    raw: Rows,
    *,
    distinct_person: bool,
    start: date,
    end: date,
    scope: Scope,
    stand_in_for: str | None = None,
) -> Rows:
    sub = raw.subquery()
    value = func.count(func.distinct(sub.c.person)) if distinct_person else func.coalesce(func.sum(sub.c.value), 0)
    stmt = select(sub.c.project_id, sub.c.org_path, value.label("value")).where(
        sub.c.on_date >= start, sub.c.on_date <= end
    )
    if scope.project_id is not None:
        stmt = stmt.where(sub.c.project_id == scope.project_id)
    if scope.region:
        stmt = stmt.where(sub.c.org_path.startswith(scope.region))
    if scope.label:
        stmt = stmt.where(sub.c.label == scope.label)
    if stand_in_for is not None:
        stmt = stmt.where(not_(has_records(stand_in_for, sub.c.project_id)))
    return stmt.group_by(sub.c.project_id, sub.c.org_path)


def has_records(measure: str, project_id: Any) -> ColumnElement[bool]:
    """SQL: the project has at least one record counting toward the measure."""
    source = RECORD_SOURCES.get(Measure(measure))
    if source is None:
        return literal(False)
    sub = source.raw().subquery()
    return exists(select(literal(1)).select_from(sub).where(sub.c.project_id == project_id))


async def actual_rows(
    session: AsyncSession, *, measure: str, start: date, end: date, scope: Scope
) -> list[tuple[uuid.UUID, str, int]]:
    """Actual values (project, org path, value) of a measure between two dates, records first."""
    out: list[tuple[uuid.UUID, str, int]] = []
    source = RECORD_SOURCES.get(Measure(measure))
    if source is not None:
        stmt = _aggregate(source.raw(), distinct_person=source.distinct_person, start=start, end=end, scope=scope)
        out += [(r.project_id, r.org_path, int(r.value)) for r in await session.execute(stmt)]
    stmt = _aggregate(
        _reported_raw(measure),
        distinct_person=False,
        start=start,
        end=end,
        scope=scope,
        stand_in_for=measure if source is not None else None,
    )
    out += [(r.project_id, r.org_path, int(r.value)) for r in await session.execute(stmt)]
    return [row for row in out if row[2]]


async def project_actual(
    session: AsyncSession, *, measure: str, project_id: uuid.UUID, start: date, end: date, label: str = ""
) -> tuple[int, str]:
    """One project's actual for a measure and date range, and whether it came from records or typed totals."""
    rows = await actual_rows(
        session, measure=measure, start=start, end=end, scope=Scope(project_id=project_id, label=label or None)
    )
    source = "records" if await records_exist(session, measure=measure, project_id=project_id) else "reported"
    return sum(v for _, _, v in rows), source


async def records_exist(session: AsyncSession, *, measure: str, project_id: uuid.UUID) -> bool:
    """True when the project keeps records for the measure (its typed totals are then not counted)."""
    if not record_based(measure):
        return False
    return bool((await session.execute(select(has_records(measure, project_id)))).scalar_one())
