"""The project record: create, read in the caller's region, edit, move through the lifecycle, review, brand."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from halfsky_common.audit import record, utcnow
from halfsky_common.auth import Principal, ensure_visible, visible_to
from halfsky_common.clock import shanghai_year
from halfsky_common.orgpaths import code_of
from halfsky_common.problems import Problem, field_error, illegal_transition
from halfsky_projects.base import AuditEntry
from halfsky_projects.projects import guards
from halfsky_projects.projects.models import Project, ProjectCounter, ProjectEvent, ProjectReview, ProjectStatus
from halfsky_projects.projects.schemas import ProjectCreate, ProjectUpdate, ReviewCreate
from halfsky_projects.projects.workflow import APPLICATION_EDITABLE, FINISHED, TRANSITIONS

APPLICATION_FIELDS = frozenset({"kind", "category", "org_path", "is_campaign"})


@dataclass(frozen=True)
class ProjectFilters:
    """What a list or export of projects may be narrowed by."""

    status: str | None = None
    kind: str | None = None
    category: str | None = None
    org_path: str | None = None
    year: int | None = None
    behind_schedule: bool | None = None
    is_brand: bool | None = None
    q: str | None = None


def _check_in_region(user: Principal, org_path: str, field: str) -> None:
    if not user.sees(org_path):
        raise Problem(422, "That unit lies outside your region.", errors=[field_error(field, "outside your region")])


async def next_code(session: AsyncSession, *, org_path: str, year: int) -> str:
    """The next project code of a unit and year, e.g. XM-440106-2026-0007 (an atomic upsert: no gaps, no twins)."""
    code = code_of(org_path)
    stmt = (
        insert(ProjectCounter)
        .values(org_code=code, year=year, last=1)
        .on_conflict_do_update(index_elements=["org_code", "year"], set_={"last": col(ProjectCounter.last) + 1})
        .returning(col(ProjectCounter.last))
    )
    seq = (await session.execute(stmt)).scalar_one()
    return f"XM-{code}-{year}-{seq:04d}"


async def create_project(session: AsyncSession, *, actor: Principal, data: ProjectCreate) -> Project:
    """Register a draft project led by the caller's unit or a unit below it."""
    org_path = data.org_path or actor.org_path
    _check_in_region(actor, org_path, "org_path")
    now = utcnow()
    project = Project(
        **data.model_dump(exclude={"org_path", "stage_goals"}),
        stage_goals=[g.model_dump(mode="json") for g in data.stage_goals],
        org_path=org_path,
        code=await next_code(session, org_path=org_path, year=shanghai_year(now)),
        created_by=actor.id,
        created_at=now,
        updated_at=now,
    )
    session.add(project)
    await session.flush()
    _event(session, project, actor=actor, action="create", from_status="", reason="")
    record(
        session,
        AuditEntry,
        actor=actor,
        action="project.create",
        entity_type="project",
        entity_id=project.id,
        org_path=org_path,
        code=project.code,
        name=project.name,
    )
    return project


async def get_project(session: AsyncSession, *, user: Principal, project_id: uuid.UUID, lock: bool = False) -> Project:
    """A project in the caller's region, or 404."""
    stmt = select(Project).where(Project.id == project_id)
    if lock:
        stmt = stmt.with_for_update()
    project = (await session.execute(stmt)).scalar_one_or_none()
    if project is None:
        raise Problem(404, "No such project.")
    ensure_visible(user, project.org_path, what="project")
    return project


async def editable_project(
    session: AsyncSession, *, user: Principal, project_id: uuid.UUID, statuses: frozenset[str], what: str
) -> Project:
    """A project the caller may add records to: in region and in one of `statuses`, locked for the update."""
    project = await get_project(session, user=user, project_id=project_id, lock=True)
    if project.status not in statuses:
        raise illegal_transition(
            f"{what} cannot be changed while the project is {project.status}.",
            current=project.status,
            allowed_from=statuses,
        )
    return project


def touch(project: Project) -> None:
    """Mark the project changed: a new version for ETags."""
    project.version += 1
    project.updated_at = utcnow()


def list_statement(user: Principal, filters: ProjectFilters) -> Select[Any]:
    """Projects in the caller's region narrowed by the filters (all in SQL)."""
    stmt = select(Project).where(visible_to(user, Project.org_path))
    if filters.org_path:
        stmt = stmt.where(col(Project.org_path).startswith(filters.org_path))
    for column, value in (
        (Project.status, filters.status),
        (Project.kind, filters.kind),
        (Project.category, filters.category),
        (Project.behind_schedule, filters.behind_schedule),
        (Project.is_brand, filters.is_brand),
    ):
        if value is not None:
            stmt = stmt.where(col(column) == value)
    if filters.year is not None:
        stmt = stmt.where(
            col(Project.start_date) <= date(filters.year, 12, 31), col(Project.end_date) >= date(filters.year, 1, 1)
        )
    if filters.q:
        pattern = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(col(Project.name).ilike(pattern), col(Project.code).ilike(pattern)))
    return stmt


async def update_project(session: AsyncSession, *, actor: Principal, project: Project, data: ProjectUpdate) -> Project:
    """Apply an edit; the application's core fields only while it is a draft or returned."""
    changes = data.model_dump(exclude_unset=True)
    if project.status in FINISHED:
        raise Problem(409, f"A {project.status} project cannot be edited.")
    locked = sorted(APPLICATION_FIELDS & changes.keys())
    if locked and project.status not in APPLICATION_EDITABLE:
        raise Problem(
            409,
            "Lead unit, kind, category and campaign flag can only change while the application is a draft or returned.",
            errors=[field_error(f, "fixed after submission") for f in locked],
        )
    if "org_path" in changes:
        _check_in_region(actor, changes["org_path"], "org_path")
    if "stage_goals" in changes and data.stage_goals is not None:
        changes["stage_goals"] = [g.model_dump(mode="json") for g in data.stage_goals]
    start = changes.get("start_date", project.start_date)
    end = changes.get("end_date", project.end_date)
    if end < start:
        raise Problem(422, "The end date is before the start date.", errors=[field_error("end_date", "before start")])
    before = {k: _jsonable(getattr(project, k)) for k in changes}
    for key, value in changes.items():
        setattr(project, key, value)
    touch(project)
    record(
        session,
        AuditEntry,
        actor=actor,
        action="project.update",
        entity_type="project",
        entity_id=project.id,
        org_path=project.org_path,
        before=before,
        after={k: _jsonable(v) for k, v in changes.items()},
    )
    return project


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


async def transition(session: AsyncSession, *, actor: Principal, project: Project, action: str, reason: str) -> Project:
    """Take one lifecycle action: checked against the table, its guards, recorded on the timeline and audited."""
    move = TRANSITIONS.get(action)
    if move is None:
        raise Problem(404, f"No lifecycle action {action!r}.")
    if "admin" not in actor.roles and not move.roles & actor.roles:
        raise Problem(403, f"Only {', '.join(sorted(move.roles))} may {action} a project.")
    if project.status not in move.sources:
        raise illegal_transition(
            f"A project that is {project.status} cannot be sent to {action}.",
            current=project.status,
            allowed_from=move.sources,
        )
    if move.needs_reason and not reason.strip():
        raise Problem(422, f"{action} needs a reason.", errors=[field_error("reason", "required")])
    await guards.check(session, project=project, action=action)
    from_status = project.status
    project.status = move.target
    project.status_reason = reason
    now = utcnow()
    if move.stamp:
        setattr(project, move.stamp, now)
    if move.target == ProjectStatus.approved:
        project.approved_by = actor.name or actor.id
    touch(project)
    _event(session, project, actor=actor, action=action, from_status=from_status, reason=reason)
    record(
        session,
        AuditEntry,
        actor=actor,
        action=f"project.{action}",
        entity_type="project",
        entity_id=project.id,
        org_path=project.org_path,
        from_status=from_status,
        to_status=move.target,
        reason=reason,
    )
    return project


def _event(
    session: AsyncSession, project: Project, *, actor: Principal, action: str, from_status: str, reason: str
) -> None:
    session.add(
        ProjectEvent(
            project_id=project.id,
            org_path=project.org_path,
            action=action,
            from_status=from_status,
            to_status=project.status,
            reason=reason,
            actor_id=actor.id,
            actor_name=actor.name,
        )
    )


async def timeline(session: AsyncSession, *, project: Project) -> list[ProjectEvent]:
    """Every recorded transition of a project, oldest first."""
    stmt = select(ProjectEvent).where(ProjectEvent.project_id == project.id).order_by(col(ProjectEvent.id))
    return list((await session.execute(stmt)).scalars().all())


async def add_review(session: AsyncSession, *, actor: Principal, project: Project, data: ReviewCreate) -> ProjectReview:
    """A reviewer's opinion and score (论证), once per reviewer, only while under review."""
    if project.status != ProjectStatus.under_review:
        raise illegal_transition(
            "Reviews are taken only while the project is under review.",
            current=project.status,
            allowed_from=[ProjectStatus.under_review],
        )
    exists = await session.execute(
        select(func.count()).where(ProjectReview.project_id == project.id, ProjectReview.reviewer_id == actor.id)
    )
    if exists.scalar_one():
        raise Problem(409, "You have already reviewed this project.")
    review = ProjectReview(
        project_id=project.id,
        reviewer_id=actor.id,
        reviewer_name=actor.name,
        reviewer_org_path=actor.org_path,
        **data.model_dump(),
    )
    session.add(review)
    await session.flush()
    record(
        session,
        AuditEntry,
        actor=actor,
        action="project.review",
        entity_type="project",
        entity_id=project.id,
        org_path=project.org_path,
        score=data.score,
        recommendation=data.recommendation,
    )
    return review


async def reviews(session: AsyncSession, *, project: Project) -> list[ProjectReview]:
    """Reviews of a project, oldest first."""
    stmt = select(ProjectReview).where(ProjectReview.project_id == project.id).order_by(col(ProjectReview.created_at))
    return list((await session.execute(stmt)).scalars().all())


async def mark_brand(
    session: AsyncSession, *, actor: Principal, project: Project, brand_name: str, level: str, year: int
) -> Project:
    """Mark a closed project as a brand project (品牌项目)."""
    if project.status != ProjectStatus.closed:
        raise illegal_transition(
            "Only closed projects can become brand projects.",
            current=project.status,
            allowed_from=[ProjectStatus.closed],
        )
    project.is_brand = True
    project.brand_name = brand_name
    project.brand_level = level
    project.brand_year = year
    project.branded_at = utcnow()
    touch(project)
    record(
        session,
        AuditEntry,
        actor=actor,
        action="project.brand",
        entity_type="project",
        entity_id=project.id,
        org_path=project.org_path,
        brand_name=brand_name,
        level=level,
        year=year,
    )
    return project
