"""HTTP layer of supervision (督办)."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import or_, select
from sqlmodel import col

from halfsky_cases.cases.access import can_handle, can_read
from halfsky_cases.cases.models import Case
from halfsky_cases.cases.service import get_case
from halfsky_cases.supervision import service
from halfsky_cases.supervision.models import Supervision
from halfsky_cases.supervision.schemas import ReplyIn, SupervisionIn, SupervisionPublic
from halfsky_common.auth import Principal, require_roles
from halfsky_common.clock import today
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session

router = APIRouter(tags=["supervision"])
Supervisor = Annotated[Principal, Depends(require_roles("leader", "case_worker"))]
Handler = Annotated[Principal, Depends(can_handle)]


@router.get("/supervisions", response_model=list[SupervisionPublic], summary="Supervision in my region; overdue first")
async def list_supervisions(
    session: Session,
    user: Annotated[Principal, Depends(require_roles("leader", "case_worker", "auditor"))],
    status: Literal["open", "replied", "closed"] | None = None,
    overdue: bool = False,
) -> list[SupervisionPublic]:
    on = today()
    stmt = (
        select(Supervision, Case)
        .join(Case, col(Case.id) == col(Supervision.case_id))
        .where(
            or_(
                col(Case.org_path).startswith(user.org_path),
                col(Supervision.supervisor_org_path).startswith(user.org_path),
            )
        )
    )
    if status:
        stmt = stmt.where(col(Supervision.status) == status)
    if overdue:
        stmt = stmt.where(col(Supervision.status) == "open", col(Supervision.due_on) < on)
    rows = await session.execute(stmt.order_by(col(Supervision.due_on), col(Supervision.id)).limit(500))
    return [service.to_public(s, c, on) for s, c in rows.all()]


@router.post("/supervisions/{supervision_id}/reply", response_model=SupervisionPublic, summary="Reply (If-Match)")
async def reply(
    supervision_id: uuid.UUID, body: ReplyIn, request: Request, response: Response, session: Session, user: Handler
) -> SupervisionPublic:
    item, case = await service.get_item(session=session, supervision_id=supervision_id, principal=user)
    await get_case(session=session, principal=user, case_id=case.id)
    check_if_match(request, item.version)
    await service.answer(session=session, item=item, case=case, reply=body.reply, actor=user)
    await session.commit()
    set_etag(response, item.version)
    return service.to_public(item, case, today())


@router.post("/supervisions/{supervision_id}/close", response_model=SupervisionPublic, summary="Close (If-Match)")
async def close(
    supervision_id: uuid.UUID, request: Request, response: Response, session: Session, user: Supervisor
) -> SupervisionPublic:
    item, case = await service.get_item(session=session, supervision_id=supervision_id, principal=user)
    check_if_match(request, item.version)
    await service.close(session=session, item=item, case=case, actor=user)
    await session.commit()
    set_etag(response, item.version)
    return service.to_public(item, case, today())


@router.post(
    "/{case_id}/supervisions", status_code=201, response_model=SupervisionPublic, summary="督办 with a due date"
)
async def order(
    case_id: uuid.UUID, body: SupervisionIn, response: Response, session: Session, user: Supervisor
) -> SupervisionPublic:
    case = await get_case(session=session, principal=user, case_id=case_id)
    item = await service.order(session=session, case=case, instruction=body.instruction, due_on=body.due_on, actor=user)
    await session.commit()
    set_etag(response, item.version)
    return service.to_public(item, case, today())


@router.get("/{case_id}/supervisions", response_model=list[SupervisionPublic], summary="Supervision of one case")
async def case_supervisions(
    case_id: uuid.UUID, session: Session, user: Annotated[Principal, Depends(can_read)]
) -> list[SupervisionPublic]:
    case = await get_case(session=session, principal=user, case_id=case_id)
    rows = await session.execute(
        select(Supervision).where(col(Supervision.case_id) == case.id).order_by(col(Supervision.created_at))
    )
    return [service.to_public(s, case, today()) for s in rows.scalars().all()]
