"""Micro-loan applications moving village → township → county, and the grant that counts as an outcome."""

import uuid
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from halfsky_common.audit import record
from halfsky_common.auth import Principal, ensure_visible, visible_to
from halfsky_common.orgpaths import depth
from halfsky_common.problems import Problem, field_error, illegal_transition
from halfsky_projects.base import AuditEntry
from halfsky_projects.beneficiaries import service as beneficiaries
from halfsky_projects.beneficiaries.models import Beneficiary, OutcomeKind
from halfsky_projects.beneficiaries.schemas import OutcomeCreate
from halfsky_projects.identity import identity_hash
from halfsky_projects.loans.models import LoanStatus, LoanStep, MicroLoan
from halfsky_projects.loans.schemas import GrantRequest, LoanCreate
from halfsky_projects.loans.workflow import GRANT_FROM, GRANT_MAX_LEVEL, STEPS
from halfsky_projects.projects.models import Project, ProjectStatus

VILLAGE_DEPTH = 5


async def apply(
    session: AsyncSession, *, actor: Principal, project: Project, data: LoanCreate, identity_key: str
) -> MicroLoan:
    """Register a loan application; the borrower becomes (or is matched to) a beneficiary of the project."""
    org_path = data.borrower.org_path or ""
    if depth(org_path) != VILLAGE_DEPTH:
        raise Problem(
            422,
            "A loan is applied for in the borrower's village or community.",
            errors=[field_error("borrower.org_path", "a village (12-digit code) path")],
        )
    beneficiaries.check_in_project(project, org_path, "borrower.org_path")
    beneficiaries.check_in_dates(project, data.applied_on, "applied_on")
    person = None
    if data.borrower.id_number:
        id_hash = identity_hash(data.borrower.id_number, key=identity_key, id_type=data.borrower.id_type)
        person = (
            await session.execute(
                select(Beneficiary).where(Beneficiary.project_id == project.id, Beneficiary.id_hash == id_hash)
            )
        ).scalar_one_or_none()
    if person is None:
        person = await beneficiaries.register(
            session, actor=actor, project=project, data=data.borrower, identity_key=identity_key
        )
    loan = MicroLoan(
        project_id=project.id,
        beneficiary_id=person.id,
        org_path=org_path,
        applied_on=data.applied_on,
        amount_fen=data.amount_fen,
        business=data.business,
        purpose=data.purpose,
        jobs_created=data.jobs_created,
        created_by=actor.id,
    )
    session.add(loan)
    await session.flush()
    record(
        session,
        AuditEntry,
        actor=actor,
        action="loan.apply",
        entity_type="micro_loan",
        entity_id=loan.id,
        org_path=org_path,
        project_id=str(project.id),
        amount_fen=data.amount_fen,
    )
    return loan


async def for_step(
    session: AsyncSession, *, user: Principal, project_id: uuid.UUID, loan_id: uuid.UUID
) -> tuple[Project, MicroLoan]:
    """A loan in the caller's region (the village and township see loans of projects led above them), locked."""
    loan = await session.get(MicroLoan, loan_id, with_for_update=True)
    if loan is None or loan.project_id != project_id:
        raise Problem(404, "No such loan.")
    ensure_visible(user, loan.org_path, what="loan")
    project = await session.get(Project, project_id)
    assert project is not None
    if project.status != ProjectStatus.in_progress:
        raise Problem(409, f"Loans cannot be changed while the project is {project.status}.")
    return project, loan


def region_statement(*, user: Principal, status: str | None) -> Select[Any]:
    """Loans of every project whose borrowers live in the caller's region (a village cadre's worklist)."""
    stmt = select(MicroLoan).where(visible_to(user, MicroLoan.org_path))
    if status:
        stmt = stmt.where(MicroLoan.status == status)
    return stmt


async def get(session: AsyncSession, *, project: Project, loan_id: uuid.UUID, lock: bool = False) -> MicroLoan:
    """A loan of this project, or 404."""
    loan = await session.get(MicroLoan, loan_id, with_for_update=lock)
    if loan is None or loan.project_id != project.id:
        raise Problem(404, "No such loan.")
    return loan


def _check_level(actor: Principal, loan: MicroLoan, *, level: int, unit: str, exact: bool = True) -> None:
    if "admin" in actor.roles:
        return
    at = depth(actor.org_path)
    if not loan.org_path.startswith(actor.org_path) or (at != level if exact else at > level):
        raise Problem(403, f"This step is taken by the borrower's {unit}.")


async def take_step(
    session: AsyncSession, *, actor: Principal, loan: MicroLoan, step: str, approve: bool, opinion: str
) -> MicroLoan:
    """Certify, submit or give the county's opinion; a refusal at any step declines the loan."""
    rule = STEPS[step]
    if "admin" not in actor.roles and not rule.roles & actor.roles:
        raise Problem(403, f"Only {', '.join(sorted(rule.roles))} may {step} a loan.")
    _check_level(actor, loan, level=rule.level, unit=rule.unit)
    if loan.status != rule.source:
        raise illegal_transition(
            f"A loan that is {loan.status} cannot be sent to {step}.", current=loan.status, allowed_from=[rule.source]
        )
    if not approve and not opinion.strip():
        raise Problem(422, "A refusal needs an opinion.", errors=[field_error("opinion", "required")])
    if step == "opinion" and not opinion.strip():
        raise Problem(422, "The county federation writes its opinion.", errors=[field_error("opinion", "required")])
    loan.status = rule.target if approve else LoanStatus.declined
    loan.version += 1
    session.add(
        LoanStep(
            loan_id=loan.id,
            step=step,
            approve=approve,
            opinion=opinion,
            actor_id=actor.id,
            actor_name=actor.name,
            actor_org_path=actor.org_path,
        )
    )
    record(
        session,
        AuditEntry,
        actor=actor,
        action=f"loan.{step}",
        entity_type="micro_loan",
        entity_id=loan.id,
        org_path=loan.org_path,
        approve=approve,
        status=loan.status,
    )
    return loan


async def grant(
    session: AsyncSession, *, actor: Principal, project: Project, loan: MicroLoan, data: GrantRequest
) -> MicroLoan:
    """Record the disbursement of an endorsed loan; the borrower gets a 'loan' outcome for the amount."""
    _check_level(actor, loan, level=GRANT_MAX_LEVEL, unit="county federation or a higher unit", exact=False)
    if loan.status != GRANT_FROM:
        raise illegal_transition(
            f"Only endorsed loans are granted; this one is {loan.status}.",
            current=loan.status,
            allowed_from=[GRANT_FROM],
        )
    if data.granted_on < loan.applied_on:
        raise Problem(422, "Granted before it was applied for.", errors=[field_error("granted_on", "too early")])
    if data.amount_fen > loan.amount_fen:
        raise Problem(422, "More than was applied for.", errors=[field_error("amount_fen", "above the request")])
    person = await beneficiaries.get(session, project=project, beneficiary_id=loan.beneficiary_id)
    await beneficiaries.add_outcome(
        session,
        actor=actor,
        project=project,
        person=person,
        loan_id=loan.id,
        data=OutcomeCreate(
            kind=OutcomeKind.loan,
            achieved_on=data.granted_on,
            amount_fen=data.amount_fen,
            label=data.label,
            note=loan.business,
        ),
    )
    loan.status = LoanStatus.granted
    loan.granted_on = data.granted_on
    loan.granted_amount_fen = data.amount_fen
    loan.lender = data.lender
    if data.jobs_created is not None:
        loan.jobs_created = data.jobs_created
    loan.version += 1
    record(
        session,
        AuditEntry,
        actor=actor,
        action="loan.grant",
        entity_type="micro_loan",
        entity_id=loan.id,
        org_path=loan.org_path,
        amount_fen=data.amount_fen,
        granted_on=data.granted_on.isoformat(),
    )
    return loan


async def steps_of(session: AsyncSession, *, loan: MicroLoan) -> list[LoanStep]:
    """The chain a loan went through."""
    stmt = select(LoanStep).where(LoanStep.loan_id == loan.id).order_by(col(LoanStep.id))
    return list((await session.execute(stmt)).scalars().all())


async def list_for(session: AsyncSession, *, project: Project, status: str | None) -> list[tuple[MicroLoan, str]]:
    """A project's loans with their borrowers' names, newest first."""
    stmt = (
        select(MicroLoan, Beneficiary.name)
        .join(Beneficiary, col(Beneficiary.id) == col(MicroLoan.beneficiary_id))
        .where(MicroLoan.project_id == project.id)
        .order_by(col(MicroLoan.applied_on).desc(), col(MicroLoan.id))
    )
    if status:
        stmt = stmt.where(MicroLoan.status == status)
    return [(loan, name) for loan, name in (await session.execute(stmt)).all()]
