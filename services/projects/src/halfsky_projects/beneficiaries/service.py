"""Registering beneficiaries (masked identity) and recording their outcomes."""

import uuid
from typing import Any

from sqlalchemy import Select, exists
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from halfsky_common.audit import record
from halfsky_common.auth import Principal
from halfsky_common.personal import mask_id_number, mask_phone
from halfsky_common.problems import Problem, field_error
from halfsky_projects.base import AuditEntry
from halfsky_projects.beneficiaries.models import Beneficiary, Outcome
from halfsky_projects.beneficiaries.schemas import BeneficiaryCreate, BeneficiaryUpdate, OutcomeCreate
from halfsky_projects.identity import identity_hash
from halfsky_projects.projects.models import Project


def check_in_project(project: Project, org_path: str, field: str = "org_path") -> None:
    """422 unless the unit lies within the project's lead unit."""
    if not org_path.startswith(project.org_path):
        raise Problem(
            422, "That unit lies outside the project's lead unit.", errors=[field_error(field, "outside the project")]
        )


def check_in_dates(project: Project, day: Any, field: str) -> None:
    """422 unless the date lies within the project's start and end."""
    if not project.start_date <= day <= project.end_date:
        raise Problem(422, "The date lies outside the project's dates.", errors=[field_error(field, "outside")])


async def register(
    session: AsyncSession, *, actor: Principal, project: Project, data: BeneficiaryCreate, identity_key: str
) -> Beneficiary:
    """Register a person against the project; the same identity number only once per project."""
    org_path = data.org_path or project.org_path
    check_in_project(project, org_path)
    check_in_dates(project, data.registered_on, "registered_on")
    id_hash = identity_hash(data.id_number, key=identity_key, id_type=data.id_type) if data.id_number else None
    if id_hash:
        existing = (
            await session.execute(
                select(Beneficiary.id).where(Beneficiary.project_id == project.id, Beneficiary.id_hash == id_hash)
            )
        ).scalar_one_or_none()
        if existing:
            raise Problem(409, "This person is already registered in the project.", existing_id=str(existing))
    person = Beneficiary(
        project_id=project.id,
        org_path=org_path,
        name=data.name,
        gender=data.gender,
        birth_year=data.birth_year,
        id_type=data.id_type,
        id_number_masked=mask_id_number(data.id_number, data.id_type) if data.id_number else "",
        id_hash=id_hash,
        phone_masked=mask_phone(data.phone) if data.phone else "",
        target_group=data.target_group,
        registered_on=data.registered_on,
        note=data.note,
        created_by=actor.id,
    )
    session.add(person)
    await session.flush()
    record(
        session,
        AuditEntry,
        actor=actor,
        action="beneficiary.register",
        entity_type="beneficiary",
        entity_id=person.id,
        org_path=org_path,
        project_id=str(project.id),
    )
    return person


async def get(session: AsyncSession, *, project: Project, beneficiary_id: uuid.UUID, lock: bool = False) -> Beneficiary:
    """A beneficiary of this project, or 404."""
    person = await session.get(Beneficiary, beneficiary_id, with_for_update=lock)
    if person is None or person.project_id != project.id:
        raise Problem(404, "No such beneficiary.")
    return person


async def update(
    session: AsyncSession, *, actor: Principal, project: Project, person: Beneficiary, data: BeneficiaryUpdate
) -> Beneficiary:
    """Correct a beneficiary's name, phone, group or note."""
    changes = data.model_dump(exclude_unset=True)
    if "phone" in changes:
        person.phone_masked = mask_phone(changes.pop("phone") or "")  # masked at write (halfsky_common.personal)
    for key, value in changes.items():
        if value is not None:
            setattr(person, key, value)
    person.version += 1
    record(
        session,
        AuditEntry,
        actor=actor,
        action="beneficiary.update",
        entity_type="beneficiary",
        entity_id=person.id,
        org_path=person.org_path,
        fields=sorted(data.model_dump(exclude_unset=True)),
    )
    return person


def list_statement(*, project: Project, target_group: str | None, outcome: str | None, q: str | None) -> Select[Any]:
    """A project's beneficiaries, narrowed in SQL."""
    stmt = select(Beneficiary).where(Beneficiary.project_id == project.id)
    if target_group:
        stmt = stmt.where(Beneficiary.target_group == target_group)
    if outcome:
        stmt = stmt.where(
            exists().where(col(Outcome.beneficiary_id) == col(Beneficiary.id), col(Outcome.kind) == outcome)
        )
    if q:
        stmt = stmt.where(col(Beneficiary.name).contains(q, autoescape=True))
    return stmt


async def add_outcome(
    session: AsyncSession,
    *,
    actor: Principal,
    project: Project,
    person: Beneficiary,
    data: OutcomeCreate,
    activity_id: uuid.UUID | None = None,
    loan_id: uuid.UUID | None = None,
) -> Outcome:
    """Record an outcome of a beneficiary (it counts toward the matching measure on its date)."""
    check_in_dates(project, data.achieved_on, "achieved_on")
    if data.achieved_on < person.registered_on:
        raise Problem(
            422,
            "The outcome is dated before the person was registered.",
            errors=[field_error("achieved_on", "before registration")],
        )
    outcome = Outcome(
        beneficiary_id=person.id,
        project_id=project.id,
        org_path=person.org_path,
        kind=data.kind,
        achieved_on=data.achieved_on,
        amount_fen=data.amount_fen,
        label=data.label,
        note=data.note,
        activity_id=activity_id,
        loan_id=loan_id,
        created_by=actor.id,
    )
    session.add(outcome)
    await session.flush()
    record(
        session,
        AuditEntry,
        actor=actor,
        action="outcome.create",
        entity_type="beneficiary_outcome",
        entity_id=outcome.id,
        org_path=person.org_path,
        project_id=str(project.id),
        kind=data.kind,
        achieved_on=data.achieved_on.isoformat(),
        amount_fen=data.amount_fen,
    )
    return outcome


async def outcomes_of(session: AsyncSession, *, person: Beneficiary) -> list[Outcome]:
    """A beneficiary's outcomes by date."""
    stmt = select(Outcome).where(Outcome.beneficiary_id == person.id).order_by(col(Outcome.achieved_on))
    return list((await session.execute(stmt)).scalars().all())


async def remove_outcome(session: AsyncSession, *, actor: Principal, project: Project, outcome_id: uuid.UUID) -> None:
    """Withdraw a wrongly recorded outcome (audited); loan outcomes follow their loan and cannot be removed here."""
    outcome = await session.get(Outcome, outcome_id, with_for_update=True)
    if outcome is None or outcome.project_id != project.id:
        raise Problem(404, "No such outcome.")
    if outcome.loan_id is not None:
        raise Problem(409, "This outcome records a granted micro-loan; it cannot be removed.")
    await session.delete(outcome)
    record(
        session,
        AuditEntry,
        actor=actor,
        action="outcome.delete",
        entity_type="beneficiary_outcome",
        entity_id=outcome.id,
        org_path=outcome.org_path,
        project_id=str(project.id),
        kind=outcome.kind,
        achieved_on=outcome.achieved_on.isoformat(),
    )
