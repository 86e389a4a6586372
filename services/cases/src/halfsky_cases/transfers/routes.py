"""HTTP layer of transfers: request, the receiving unit's inbox, accept or reject (If-Match)."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select
from sqlmodel import col

from halfsky_cases.cases.access import can_handle, can_read
from halfsky_cases.cases.models import Case
from halfsky_cases.cases.service import get_case
from halfsky_cases.transfers import service
from halfsky_cases.transfers.models import Transfer
from halfsky_cases.transfers.schemas import TransferDecision, TransferIn, TransferPublic
from halfsky_common.auth import Principal
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.problems import Problem

router = APIRouter(tags=["transfers"])
Handler = Annotated[Principal, Depends(can_handle)]


@router.get("/transfers", response_model=list[TransferPublic], summary="Incoming (to my unit) or outgoing transfers")
async def list_transfers(
    session: Session,
    user: Handler,
    direction: Literal["incoming", "outgoing"] = "incoming",
    status: Literal["pending", "accepted", "rejected"] | None = "pending",
) -> list[TransferPublic]:
    stmt = service.with_case(select(Transfer, Case))
    if direction == "incoming":
        stmt = stmt.where(col(Transfer.to_org_path).startswith(user.org_path))
    else:
        stmt = stmt.where(col(Transfer.from_org_path).startswith(user.org_path))
    if status:
        stmt = stmt.where(col(Transfer.status) == status)
    rows = await session.execute(stmt.order_by(col(Transfer.requested_at).desc()).limit(200))
    return [service.to_public(t, c) for t, c in rows.all()]


@router.post("/transfers/{transfer_id}/decision", response_model=TransferPublic, summary="Accept or reject (If-Match)")
async def decide(
    transfer_id: uuid.UUID,
    body: TransferDecision,
    request: Request,
    response: Response,
    session: Session,
    user: Handler,
) -> TransferPublic:
    transfer, case = await service.get_transfer(session=session, transfer_id=transfer_id, lock=True)
    if not user.sees(transfer.to_org_path) and not user.sees(transfer.from_org_path):
        raise Problem(404, "No such transfer.")
    if not service.may_answer(user, transfer):
        raise Problem(403, "Only the receiving unit answers a transfer.")
    check_if_match(request, transfer.version)
    await service.decide(session=session, transfer=transfer, case=case, accept=body.accept, note=body.note, actor=user)
    await session.commit()
    set_etag(response, transfer.version)
    return service.to_public(transfer, case)


@router.post("/{case_id}/transfers", status_code=201, response_model=TransferPublic, summary="转办 / 交办 / 上报")
async def request_transfer(
    case_id: uuid.UUID, body: TransferIn, response: Response, session: Session, user: Handler
) -> TransferPublic:
    case = await get_case(session=session, principal=user, case_id=case_id)
    transfer = await service.request_transfer(
        session=session, case=case, to_org_path=body.to_org_path, reason=body.reason, actor=user
    )
    await session.commit()
    set_etag(response, transfer.version)
    return service.to_public(transfer, case)


@router.get("/{case_id}/transfers", response_model=list[TransferPublic], summary="Transfers of one case")
async def case_transfers(
    case_id: uuid.UUID, session: Session, user: Annotated[Principal, Depends(can_read)]
) -> list[TransferPublic]:
    case = await get_case(session=session, principal=user, case_id=case_id)
    rows = await session.execute(
        select(Transfer).where(col(Transfer.case_id) == case.id).order_by(col(Transfer.requested_at))
    )
    return [service.to_public(t, case) for t in rows.scalars().all()]
