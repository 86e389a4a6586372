"""Progress: actual against target per measure and period, completion, over-fulfilment, behind-schedule flags."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal, visible_to
from halfsky_projects.measures import project_actual
from halfsky_projects.plans.schemas import Progress, ProgressRow
from halfsky_projects.plans.service import plan_warnings, targets_of
from halfsky_projects.projects.models import Project, ProjectStatus

TRACKED = frozenset({ProjectStatus.in_progress, ProjectStatus.suspended, ProjectStatus.closing})


def _completion(actual: int, target: int) -> float | None:
    if target == 0:
        return None
    pct = (Decimal(actual) * 100 / Decimal(target)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(pct)


def _elapsed(as_of: date, start: date, end: date) -> tuple[int, int, str]:
    """Days of the period gone by `as_of` (inclusive), its length, and whether it is future, current or past."""
    total = (end - start).days + 1
    if as_of < start:
        return 0, total, "future"
    if as_of >= end:
        return total, total, "past"
    return (as_of - start).days + 1, total, "current"


async def compute(session: AsyncSession, *, project: Project, as_of: date) -> Progress:
    """Every target of the project against what records (or typed totals) show."""
    targets = await targets_of(session, project=project)
    rows: list[ProgressRow] = []
    for t in targets:
        actual, source = await project_actual(
            session,
            measure=t.measure,
            project_id=project.id,
            start=t.period_start,
            end=min(t.period_end, as_of),
            label=t.label,
        )
        gone, total, state = _elapsed(as_of, t.period_start, t.period_end)
        # Pro rata: by the share of the period gone by, at least that share of the target should be reached.
        behind = state != "future" and actual * total < t.value * gone
        expected = (t.value * gone + total - 1) // total
        rows.append(
            ProgressRow(
                target_id=t.id,
                measure=t.measure,
                period=t.period,
                label=t.label,
                parent_id=t.parent_id,
                target=t.value,
                actual=actual,
                source=source,
                completion_pct=_completion(actual, t.value),
                expected_by_now=expected,
                period_state=state,
                behind_schedule=behind,
                over_fulfilled=actual > t.value,
                surplus=max(actual - t.value, 0),
            )
        )
    flag = project.status in TRACKED and any(r.behind_schedule for r in rows)
    return Progress(as_of=as_of, behind_schedule=flag, rows=rows, warnings=plan_warnings(targets))


async def refresh_flag(session: AsyncSession, *, project: Project, as_of: date) -> bool:
    """Store the project's behind-schedule flag (the list filters on it); True when it changed."""
    progress = await compute(session, project=project, as_of=as_of)
    project.progress_checked_at = utcnow()
    changed = project.behind_schedule != progress.behind_schedule
    project.behind_schedule = progress.behind_schedule
    return changed


async def refresh_region(session: AsyncSession, *, user: Principal, as_of: date) -> tuple[int, int]:
    """Recompute the flag of tracked projects in the caller's region (a nightly job); how many checked, changed."""
    stmt = select(Project).where(visible_to(user, Project.org_path), col(Project.status).in_(TRACKED | {"closed"}))
    projects = list((await session.execute(stmt.with_for_update())).scalars().all())
    changed = 0
    for project in projects:
        changed += await refresh_flag(session, project=project, as_of=as_of)
    return len(projects), changed
