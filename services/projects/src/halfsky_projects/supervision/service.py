"""Supervision by higher units: opinions, rectifications the project answers and the supervisor accepts."""

import uuid

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from halfsky_common.audit import record, utcnow
from halfsky_common.auth import Principal
from halfsky_common.problems import Problem, field_error, illegal_transition
from halfsky_projects.base import AuditEntry
from halfsky_projects.projects.models import Project
from halfsky_projects.supervision.models import Rectification, RectificationStatus, SupervisionVisit
from halfsky_projects.supervision.schemas import VisitCreate


def _is_higher(actor: Principal, org_path: str) -> bool:
    return "admin" in actor.roles or (org_path.startswith(actor.org_path) and org_path != actor.org_path)


async def visit(session: AsyncSession, *, actor: Principal, project: Project, data: VisitCreate) -> SupervisionVisit:
    """Record a supervision visit by a unit above the project's lead unit."""
    if not _is_higher(actor, project.org_path):
        raise Problem(403, "Supervision visits are made by units above the project's lead unit.")
    for i, r in enumerate(data.rectifications):
        if r.due_on < data.visited_on:
            raise Problem(
                422,
                "A rectification is due before the visit.",
                errors=[field_error(f"rectifications.{i}.due_on", "before the visit")],
            )
    row = SupervisionVisit(
        project_id=project.id,
        supervisor_org_path=actor.org_path,
        visited_on=data.visited_on,
        supervisors=data.supervisors,
        opinions=data.opinions,
        created_by=actor.id,
    )
    session.add(row)
    await session.flush()
    for r in data.rectifications:
        session.add(Rectification(visit_id=row.id, project_id=project.id, requirement=r.requirement, due_on=r.due_on))
    record(
        session,
        AuditEntry,
        actor=actor,
        action="supervision.visit",
        entity_type="supervision_visit",
        entity_id=row.id,
        org_path=project.org_path,
        rectifications=len(data.rectifications),
    )
    return row


async def get_rectification(
    session: AsyncSession, *, project: Project, rectification_id: uuid.UUID
) -> tuple[Rectification, SupervisionVisit]:
    """A rectification of this project and its visit, locked, or 404."""
    row = await session.get(Rectification, rectification_id, with_for_update=True)
    if row is None or row.project_id != project.id:
        raise Problem(404, "No such rectification.")
    found = await session.get(SupervisionVisit, row.visit_id)
    assert found is not None
    return row, found


async def answer(
    session: AsyncSession, *, actor: Principal, project: Project, row: Rectification, response: str
) -> Rectification:
    """The project's answer to a rectification (again after a rejected one)."""
    if row.status != RectificationStatus.open:
        raise illegal_transition(
            f"This rectification is {row.status}.", current=row.status, allowed_from=[RectificationStatus.open]
        )
    row.status, row.response = RectificationStatus.answered, response
    row.responded_by, row.responded_at = actor.name or actor.id, utcnow()
    row.version += 1
    record(
        session,
        AuditEntry,
        actor=actor,
        action="rectification.answer",
        entity_type="rectification",
        entity_id=row.id,
        org_path=project.org_path,
    )
    return row


async def review(
    session: AsyncSession,
    *,
    actor: Principal,
    project: Project,
    row: Rectification,
    found: SupervisionVisit,
    accept: bool,
    comment: str,
) -> Rectification:
    """The supervising unit accepts an answer or sends it back (with a comment)."""
    if "admin" not in actor.roles and not found.supervisor_org_path.startswith(actor.org_path):
        raise Problem(403, "The answer is reviewed by the unit that made the visit, or one above it.")
    if row.status != RectificationStatus.answered:
        raise illegal_transition(
            f"This rectification is {row.status}.", current=row.status, allowed_from=[RectificationStatus.answered]
        )
    if not accept and not comment.strip():
        raise Problem(422, "Say what is still missing.", errors=[field_error("comment", "required")])
    row.status = RectificationStatus.accepted if accept else RectificationStatus.open
    row.review_comment, row.reviewed_by, row.reviewed_at = comment, actor.name or actor.id, utcnow()
    row.version += 1
    record(
        session,
        AuditEntry,
        actor=actor,
        action="rectification.review",
        entity_type="rectification",
        entity_id=row.id,
        org_path=project.org_path,
        accept=accept,
    )
    return row


async def visits_of(session: AsyncSession, *, project: Project) -> list[tuple[SupervisionVisit, list[Rectification]]]:
    """A project's visits, newest first, each with its rectifications."""
    visits = list(
        (
            await session.execute(
                select(SupervisionVisit)
                .where(SupervisionVisit.project_id == project.id)
                .order_by(col(SupervisionVisit.visited_on).desc())
            )
        ).scalars()
    )
    rows = list(
        (
            await session.execute(
                select(Rectification).where(Rectification.project_id == project.id).order_by(col(Rectification.due_on))
            )
        ).scalars()
    )
    return [(v, [r for r in rows if r.visit_id == v.id]) for v in visits]


async def open_count(session: AsyncSession, *, project: Project) -> int:
    """Rectifications the project has not yet answered."""
    stmt = select(func.count()).where(
        Rectification.project_id == project.id, Rectification.status == RectificationStatus.open
    )
    return int((await session.execute(stmt)).scalar_one())
