"""HTTP layer of money: budget lines, expenditures, execution."""

import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_projects.access import Manager, ManagerOrLeader, Reader
from halfsky_projects.idempotency import run_idempotent
from halfsky_projects.money import service
from halfsky_projects.money.schemas import (
    Budget,
    BudgetLineCreate,
    BudgetLinePublic,
    BudgetLineUpdate,
    ExpenditureCreate,
    ExpenditurePublic,
)
from halfsky_projects.projects.models import ProjectStatus as S
from halfsky_projects.projects.service import editable_project, get_project

router = APIRouter(tags=["money"])

BUDGETING = frozenset({S.draft, S.returned, S.approved, S.in_progress})
SPENDING = frozenset({S.in_progress, S.closing})


async def _line_public(session: Session, project_id: uuid.UUID, line_id: uuid.UUID, user: Reader) -> BudgetLinePublic:
    project = await get_project(session, user=user, project_id=project_id)
    summary = await service.budget(session, project=project)
    return next(line for line in summary.lines if line.id == line_id)


@router.get("/{project_id}/budget", response_model=Budget, summary="Budget by source and item, spending, execution")
async def get_budget(project_id: uuid.UUID, session: Session, user: Reader) -> Budget:
    project = await get_project(session, user=user, project_id=project_id)
    return await service.budget(session, project=project)


@router.post(
    "/{project_id}/budget/lines",
    status_code=201,
    response_model=BudgetLinePublic,
    summary="Add a budget line (Idempotency-Key)",
)
async def add_line(
    project_id: uuid.UUID, body: BudgetLineCreate, request: Request, session: Session, user: Manager
) -> JSONResponse:
    async def create() -> BudgetLinePublic:
        project = await editable_project(
            session, user=user, project_id=project_id, statuses=BUDGETING, what="The budget"
        )
        line = await service.add_line(session, actor=user, project=project, data=body)
        return await _line_public(session, project_id, line.id, user)

    return await run_idempotent(request, session, user, create)


@router.patch(
    "/{project_id}/budget/lines/{line_id}", response_model=BudgetLinePublic, summary="Change a budget line (If-Match)"
)
async def update_line(
    project_id: uuid.UUID,
    line_id: uuid.UUID,
    body: BudgetLineUpdate,
    request: Request,
    response: Response,
    session: Session,
    user: Manager,
) -> BudgetLinePublic:
    project = await editable_project(session, user=user, project_id=project_id, statuses=BUDGETING, what="The budget")
    line = await service.get_line(session, project=project, line_id=line_id, lock=True)
    check_if_match(request, line.version)
    await service.update_line(session, actor=user, project=project, line=line, data=body)
    await session.commit()
    set_etag(response, line.version)
    return await _line_public(session, project_id, line.id, user)


@router.get("/{project_id}/expenditures", response_model=list[ExpenditurePublic], summary="A project's payments")
async def list_expenditures(
    project_id: uuid.UUID, session: Session, user: Reader, budget_line_id: uuid.UUID | None = None
) -> list[ExpenditurePublic]:
    project = await get_project(session, user=user, project_id=project_id)
    rows = await service.expenditures(session, project=project, line_id=budget_line_id)
    return [ExpenditurePublic.model_validate(r, from_attributes=True) for r in rows]


@router.post(
    "/{project_id}/expenditures",
    status_code=201,
    response_model=ExpenditurePublic,
    summary="Record a payment with its voucher (Idempotency-Key); beyond its line only with a leader's reason",
)
async def spend(
    project_id: uuid.UUID, body: ExpenditureCreate, request: Request, session: Session, user: ManagerOrLeader
) -> JSONResponse:
    async def create() -> ExpenditurePublic:
        project = await editable_project(
            session, user=user, project_id=project_id, statuses=SPENDING, what="Expenditures"
        )
        expense = await service.spend(session, actor=user, project=project, data=body)
        return ExpenditurePublic.model_validate(expense, from_attributes=True)

    return await run_idempotent(request, session, user, create)
