"""Holding activities and keeping training attendance (which feeds the 'trained' outcome)."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, delete, select

from halfsky_common.audit import record
from halfsky_common.auth import Principal
from halfsky_common.problems import Problem, field_error
from halfsky_projects.activities.models import Activity, ActivityKind, Attendance
from halfsky_projects.activities.schemas import ActivityCreate, ActivityUpdate, AttendanceSheet
from halfsky_projects.attachments.service import require_all
from halfsky_projects.base import AuditEntry
from halfsky_projects.beneficiaries.models import Beneficiary, Outcome, OutcomeKind
from halfsky_projects.beneficiaries.service import check_in_dates, check_in_project
from halfsky_projects.projects.models import Project


async def hold(session: AsyncSession, *, actor: Principal, project: Project, data: ActivityCreate) -> Activity:
    """Record an activity held under the project."""
    org_path = data.org_path or project.org_path
    check_in_project(project, org_path)
    check_in_dates(project, data.held_on, "held_on")
    await require_all(session, project=project, ids=data.photo_ids, field="photo_ids")
    activity = Activity(
        **data.model_dump(exclude={"org_path", "photo_ids"}),
        photo_ids=[str(p) for p in data.photo_ids],
        project_id=project.id,
        org_path=org_path,
        created_by=actor.id,
    )
    session.add(activity)
    await session.flush()
    record(
        session,
        AuditEntry,
        actor=actor,
        action="activity.create",
        entity_type="activity",
        entity_id=activity.id,
        org_path=org_path,
        project_id=str(project.id),
        kind=data.kind,
        held_on=data.held_on.isoformat(),
        participants=data.participant_count,
    )
    return activity


async def get(session: AsyncSession, *, project: Project, activity_id: uuid.UUID, lock: bool = False) -> Activity:
    """An activity of this project, or 404."""
    activity = await session.get(Activity, activity_id, with_for_update=lock)
    if activity is None or activity.project_id != project.id:
        raise Problem(404, "No such activity.")
    return activity


async def update(
    session: AsyncSession, *, actor: Principal, project: Project, activity: Activity, data: ActivityUpdate
) -> Activity:
    """Correct an activity; a training's head count follows its attendance once that is kept."""
    changes = data.model_dump(exclude_unset=True)
    if "participant_count" in changes and activity.attendance_kept:
        raise Problem(
            409,
            "The head count of this training comes from its attendance.",
            errors=[field_error("participant_count", "kept by attendance")],
        )
    if data.photo_ids is not None:
        await require_all(session, project=project, ids=data.photo_ids, field="photo_ids")
        changes["photo_ids"] = [str(p) for p in data.photo_ids]
    for key, value in changes.items():
        if value is not None:
            setattr(activity, key, value)
    activity.version += 1
    record(
        session,
        AuditEntry,
        actor=actor,
        action="activity.update",
        entity_type="activity",
        entity_id=activity.id,
        org_path=activity.org_path,
        fields=sorted(changes),
    )
    return activity


def list_statement(*, project: Project, kind: str | None, year: int | None) -> Select[Any]:
    """A project's activities, narrowed in SQL."""
    stmt = select(Activity).where(Activity.project_id == project.id)
    if kind:
        stmt = stmt.where(Activity.kind == kind)
    if year:
        stmt = stmt.where(col(Activity.held_on).between(date(year, 1, 1), date(year, 12, 31)))
    return stmt


async def keep_attendance(
    session: AsyncSession, *, actor: Principal, project: Project, activity: Activity, sheet: AttendanceSheet
) -> list[tuple[Attendance, Beneficiary]]:
    """Replace a training's attendance sheet; the head count becomes those present, who may be marked trained."""
    if activity.kind != ActivityKind.training:
        raise Problem(409, "Attendance is kept for trainings only.")
    ids = [e.beneficiary_id for e in sheet.entries]
    if len(set(ids)) != len(ids):
        raise Problem(422, "A person appears twice on the sheet.", errors=[field_error("entries", "duplicate")])
    people = {
        p.id: p
        for p in (await session.execute(select(Beneficiary).where(col(Beneficiary.id).in_(ids)))).scalars().all()
        if p.project_id == project.id
    }
    for i, entry in enumerate(sheet.entries):
        if entry.beneficiary_id not in people:
            raise Problem(
                422,
                "Not a beneficiary of this project.",
                errors=[field_error(f"entries.{i}.beneficiary_id", "unknown")],
            )
    await session.execute(delete(Attendance).where(col(Attendance.activity_id) == activity.id))
    rows = []
    for entry in sheet.entries:
        row = Attendance(
            activity_id=activity.id, beneficiary_id=entry.beneficiary_id, present=entry.present, note=entry.note
        )
        session.add(row)
        rows.append((row, people[entry.beneficiary_id]))
    present = [e.beneficiary_id for e in sheet.entries if e.present]
    activity.participant_count = len(present)
    activity.attendance_kept = True
    activity.version += 1
    await session.execute(delete(Outcome).where(col(Outcome.activity_id) == activity.id))
    if sheet.record_trained:
        for person_id in present:
            person = people[person_id]
            session.add(
                Outcome(
                    beneficiary_id=person_id,
                    project_id=project.id,
                    org_path=person.org_path,
                    kind=OutcomeKind.trained,
                    achieved_on=activity.held_on,
                    label=activity.label,
                    activity_id=activity.id,
                    created_by=actor.id,
                )
            )
    record(
        session,
        AuditEntry,
        actor=actor,
        action="activity.attendance",
        entity_type="activity",
        entity_id=activity.id,
        org_path=activity.org_path,
        present=len(present),
        listed=len(ids),
    )
    return rows


async def attendance_of(session: AsyncSession, *, activity: Activity) -> list[tuple[Attendance, Beneficiary]]:
    """A training's attendance with the people on it."""
    stmt = (
        select(Attendance, Beneficiary)
        .join(Beneficiary, col(Beneficiary.id) == col(Attendance.beneficiary_id))
        .where(Attendance.activity_id == activity.id)
        .order_by(col(Beneficiary.name))
    )
    return [(a, b) for a, b in (await session.execute(stmt)).all()]
