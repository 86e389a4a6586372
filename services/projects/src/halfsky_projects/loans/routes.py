"""HTTP layer of micro-loans."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_common.auth import Principal
from halfsky_common.clock import today
from halfsky_common.concurrency import set_etag
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_common.personal import mask_name
from halfsky_projects.access import ManagerOrLeader, Reader, sees_identities
from halfsky_projects.beneficiaries.models import Beneficiary
from halfsky_projects.http import optional_if_match
from halfsky_projects.idempotency import run_idempotent
from halfsky_projects.loans import service
from halfsky_projects.loans.models import LoanStatus, MicroLoan
from halfsky_projects.loans.schemas import GrantRequest, LoanCreate, LoanPublic, LoanStepName, StepPublic, StepRequest
from halfsky_projects.plans.progress import refresh_flag
from halfsky_projects.projects.models import ProjectStatus as S
from halfsky_projects.projects.service import editable_project, get_project

router = APIRouter(tags=["micro-loans"])

DELIVERY = frozenset({S.in_progress})


async def _public(session: AsyncSession, loan: MicroLoan, name: str, user: Principal, *, steps: bool) -> LoanPublic:
    chain = [StepPublic.model_validate(s, from_attributes=True) for s in await service.steps_of(session, loan=loan)]
    return LoanPublic.model_validate(
        {
            **loan.model_dump(),
            "borrower_name": name if sees_identities(user) else mask_name(name),
            "steps": chain if steps else [],
        }
    )


async def _name(session: AsyncSession, loan: MicroLoan) -> str:
    person = await session.get(Beneficiary, loan.beneficiary_id)
    return person.name if person else ""


@router.get("/loans", response_model=Page[LoanPublic], summary="Loans of borrowers in the caller's region (worklist)")
async def region_loans(
    session: Session,
    user: ManagerOrLeader,
    status: LoanStatus | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[LoanPublic]:
    rows, next_cursor, has_more, _ = await paginate(
        session,
        service.region_statement(user=user, status=status),
        keys=[SortKey(MicroLoan.applied_on), SortKey(MicroLoan.id)],
        cursor=cursor,
        limit=limit,
    )
    items = [await _public(session, loan, await _name(session, loan), user, steps=False) for loan in rows]
    return Page(items=items, next_cursor=next_cursor, has_more=has_more)


@router.post(
    "/{project_id}/loans",
    status_code=201,
    response_model=LoanPublic,
    summary="Register a micro-loan application (Idempotency-Key)",
)
async def apply(
    project_id: uuid.UUID, body: LoanCreate, request: Request, session: Session, user: ManagerOrLeader
) -> JSONResponse:
    async def create() -> LoanPublic:
        project = await editable_project(session, user=user, project_id=project_id, statuses=DELIVERY, what="Loans")
        loan = await service.apply(
            session, actor=user, project=project, data=body, identity_key=request.app.state.settings.identity_key
        )
        return await _public(session, loan, body.borrower.name, user, steps=True)

    return await run_idempotent(request, session, user, create)


@router.get("/{project_id}/loans", response_model=list[LoanPublic], summary="A project's micro-loans")
async def list_loans(
    project_id: uuid.UUID, session: Session, user: Reader, status: LoanStatus | None = None
) -> list[LoanPublic]:
    project = await get_project(session, user=user, project_id=project_id)
    return [
        await _public(session, loan, name, user, steps=False)
        for loan, name in await service.list_for(session, project=project, status=status)
    ]


@router.get("/{project_id}/loans/{loan_id}", response_model=LoanPublic, summary="A loan and its approval chain")
async def get_loan(
    project_id: uuid.UUID, loan_id: uuid.UUID, session: Session, user: Reader, response: Response
) -> LoanPublic:
    project = await get_project(session, user=user, project_id=project_id)
    loan = await service.get(session, project=project, loan_id=loan_id)
    set_etag(response, loan.version)
    return await _public(session, loan, await _name(session, loan), user, steps=True)


@router.post(
    "/{project_id}/loans/{loan_id}/steps/{step}",
    response_model=LoanPublic,
    summary="Village certifies, township submits, county gives its opinion",
)
async def take_step(
    project_id: uuid.UUID,
    loan_id: uuid.UUID,
    step: LoanStepName,
    body: StepRequest,
    request: Request,
    response: Response,
    session: Session,
    user: ManagerOrLeader,
) -> LoanPublic:
    _, loan = await service.for_step(session, user=user, project_id=project_id, loan_id=loan_id)
    optional_if_match(request, loan.version)
    await service.take_step(session, actor=user, loan=loan, step=step, approve=body.approve, opinion=body.opinion)
    await session.commit()
    set_etag(response, loan.version)
    return await _public(session, loan, await _name(session, loan), user, steps=True)


@router.post("/{project_id}/loans/{loan_id}/grant", response_model=LoanPublic, summary="Record the disbursement")
async def grant(
    project_id: uuid.UUID,
    loan_id: uuid.UUID,
    body: GrantRequest,
    request: Request,
    response: Response,
    session: Session,
    user: ManagerOrLeader,
) -> LoanPublic:
    project = await editable_project(session, user=user, project_id=project_id, statuses=DELIVERY, what="Loans")
    loan = await service.get(session, project=project, loan_id=loan_id, lock=True)
    optional_if_match(request, loan.version)
    await service.grant(session, actor=user, project=project, loan=loan, data=body)
    await refresh_flag(session, project=project, as_of=today())
    await session.commit()
    set_etag(response, loan.version)
    return await _public(session, loan, await _name(session, loan), user, steps=True)
