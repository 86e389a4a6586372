"""Targets per measure and period, "of which" sub-targets, the check that periods add up to the year."""

import uuid
from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, func, select

from halfsky_common.audit import record
from halfsky_common.auth import Principal
from halfsky_common.periods import PeriodType
from halfsky_common.problems import Problem, field_error
from halfsky_projects.base import AuditEntry
from halfsky_projects.measures import record_based
from halfsky_projects.periods import parse_period
from halfsky_projects.plans.models import ReportedActual, Target
from halfsky_projects.plans.schemas import PlanWarning, ReportedActualCreate, TargetCreate, TargetUpdate
from halfsky_projects.projects.models import Project

# The names the plan warnings have always used (`granularity` in the API) for the common period types.
GRANULARITY = {PeriodType.half_year: "half", PeriodType.quarter: "quarter", PeriodType.month: "month"}
GRANULARITY_NAMES = {"half": "half-years", "quarter": "quarters", "month": "months"}


async def targets_of(session: AsyncSession, *, project: Project) -> list[Target]:
    """A project's targets ordered by measure, period and label."""
    stmt = (
        select(Target)
        .where(Target.project_id == project.id)
        .order_by(col(Target.measure), col(Target.period_start), col(Target.period_end).desc(), col(Target.label))
    )
    return list((await session.execute(stmt)).scalars().all())


def plan_warnings(targets: list[Target]) -> list[PlanWarning]:
    """Warn where a year's half-year, quarter or month targets do not add up to the year's target."""
    years: dict[tuple[str, int], int] = {}
    parts: dict[tuple[str, int, str], dict[str, int]] = defaultdict(dict)
    for t in targets:
        if t.parent_id is not None or t.label:
            continue
        period = parse_period(t.period)
        if period.type == PeriodType.year:
            years[(t.measure, period.start.year)] = t.value
        else:
            parts[(t.measure, period.start.year, GRANULARITY[period.type])][t.period] = t.value
    warnings = []
    for (measure, year, kind), values in sorted(parts.items()):
        if (measure, year) not in years:
            continue
        total, planned = sum(values.values()), years[(measure, year)]
        if total != planned:
            warnings.append(
                PlanWarning(
                    code="periods_do_not_add_up",
                    measure=measure,
                    year=year,
                    granularity=kind,
                    year_target=planned,
                    periods_sum=total,
                    difference=total - planned,
                    periods=dict(sorted(values.items())),
                    message=f"The {GRANULARITY_NAMES[kind]} of {year} add up to {total:,} {measure}, "
                    f"but the year's target is {planned:,}.",
                )
            )
    return warnings


async def _check_parent(session: AsyncSession, *, project: Project, data: TargetCreate) -> None:
    if data.parent_id is None:
        if data.label:
            raise Problem(
                422,
                "Only 'of which' targets carry a programme label.",
                errors=[field_error("label", "needs parent_id")],
            )
        return
    parent = await session.get(Target, data.parent_id)
    if parent is None or parent.project_id != project.id:
        raise Problem(422, "No such parent target in this project.", errors=[field_error("parent_id", "unknown")])
    if parent.parent_id is not None:
        raise Problem(
            422, "An 'of which' target cannot have its own parts.", errors=[field_error("parent_id", "nested")]
        )
    if parent.measure != data.measure or parent.period != data.period:
        raise Problem(
            422,
            "An 'of which' target has its parent's measure and period.",
            errors=[field_error("measure", "must match the parent"), field_error("period", "must match")],
        )
    if not data.label:
        raise Problem(422, "An 'of which' target names its programme.", errors=[field_error("label", "required")])
    siblings = (
        await session.execute(select(func.coalesce(func.sum(Target.value), 0)).where(Target.parent_id == parent.id))
    ).scalar_one()
    if siblings + data.value > parent.value:
        raise Problem(
            422,
            f"The 'of which' parts would add up to {siblings + data.value:,}, more than the "
            f"{parent.value:,} of the target they belong to.",
            errors=[field_error("value", "exceeds parent")],
        )


async def add_target(session: AsyncSession, *, actor: Principal, project: Project, data: TargetCreate) -> Target:
    """Set a target for a measure and period; the same measure, period and label only once."""
    period = parse_period(data.period)
    if period.last < project.start_date or period.start > project.end_date:
        raise Problem(422, "The period lies outside the project's dates.", errors=[field_error("period", "outside")])
    await _check_parent(session, project=project, data=data)
    duplicate = await session.execute(
        select(func.count()).where(
            Target.project_id == project.id,
            Target.measure == data.measure,
            Target.period == data.period,
            Target.label == data.label,
        )
    )
    if duplicate.scalar_one():
        raise Problem(409, "This measure already has a target for that period; edit it instead.")
    target = Target(
        project_id=project.id,
        measure=data.measure,
        period=data.period,
        period_start=period.start,
        period_end=period.last,
        parent_id=data.parent_id,
        label=data.label,
        value=data.value,
        note=data.note,
    )
    session.add(target)
    await session.flush()
    record(
        session,
        AuditEntry,
        actor=actor,
        action="target.create",
        entity_type="plan_target",
        entity_id=target.id,
        org_path=project.org_path,
        project_id=str(project.id),
        measure=data.measure,
        period=data.period,
        value=data.value,
        label=data.label,
    )
    return target


async def get_target(session: AsyncSession, *, project: Project, target_id: uuid.UUID) -> Target:
    """A target of this project, or 404."""
    target = await session.get(Target, target_id, with_for_update=True)
    if target is None or target.project_id != project.id:
        raise Problem(404, "No such target.")
    return target


async def update_target(
    session: AsyncSession, *, actor: Principal, project: Project, target: Target, data: TargetUpdate
) -> Target:
    """Change a target's value or note; parts may not outgrow their parent, nor a parent shrink below its parts."""
    changes = data.model_dump(exclude_unset=True)
    if "value" in changes and changes["value"] is not None:
        value = changes["value"]
        parts = (
            await session.execute(select(func.coalesce(func.sum(Target.value), 0)).where(Target.parent_id == target.id))
        ).scalar_one()
        if value < parts:
            raise Problem(
                422,
                f"Its 'of which' parts already add up to {parts:,}.",
                errors=[field_error("value", "below its parts")],
            )
        if target.parent_id is not None:
            parent = await session.get(Target, target.parent_id)
            assert parent is not None
            others = (
                await session.execute(
                    select(func.coalesce(func.sum(Target.value), 0)).where(
                        Target.parent_id == parent.id, Target.id != target.id
                    )
                )
            ).scalar_one()
            if others + value > parent.value:
                raise Problem(
                    422,
                    "The 'of which' parts would exceed their parent.",
                    errors=[field_error("value", "exceeds parent")],
                )
    before = {k: getattr(target, k) for k in changes}
    for key, value in changes.items():
        if value is not None:
            setattr(target, key, value)
    target.version += 1
    record(
        session,
        AuditEntry,
        actor=actor,
        action="target.update",
        entity_type="plan_target",
        entity_id=target.id,
        org_path=project.org_path,
        before=before,
        after=changes,
    )
    return target


async def delete_target(session: AsyncSession, *, actor: Principal, project: Project, target: Target) -> None:
    """Remove a target that has no 'of which' parts."""
    parts = (await session.execute(select(func.count()).where(Target.parent_id == target.id))).scalar_one()
    if parts:
        raise Problem(409, "Remove its 'of which' parts first.")
    await session.delete(target)
    record(
        session,
        AuditEntry,
        actor=actor,
        action="target.delete",
        entity_type="plan_target",
        entity_id=target.id,
        org_path=project.org_path,
        measure=target.measure,
        period=target.period,
        value=target.value,
    )


async def report_actual(
    session: AsyncSession, *, actor: Principal, project: Project, data: ReportedActualCreate
) -> ReportedActual:
    """Type in an actual figure for a measure with no records behind it (or before records are kept)."""
    if not project.start_date <= data.counted_on <= project.end_date:
        raise Problem(422, "The date lies outside the project's dates.", errors=[field_error("counted_on", "outside")])
    row = ReportedActual(project_id=project.id, org_path=project.org_path, created_by=actor.id, **data.model_dump())
    session.add(row)
    await session.flush()
    record(
        session,
        AuditEntry,
        actor=actor,
        action="actual.report",
        entity_type="reported_actual",
        entity_id=row.id,
        org_path=project.org_path,
        project_id=str(project.id),
        measure=data.measure,
        value=data.value,
        counted_on=data.counted_on.isoformat(),
        counted_from_records=record_based(data.measure),
    )
    return row


async def reported_actuals(session: AsyncSession, *, project: Project) -> list[ReportedActual]:
    """Typed-in actuals of a project, by date."""
    stmt = (
        select(ReportedActual)
        .where(ReportedActual.project_id == project.id)
        .order_by(col(ReportedActual.counted_on), col(ReportedActual.created_at))
    )
    return list((await session.execute(stmt)).scalars().all())
