"""HTTP layer of case actions."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from halfsky_cases.actions import service
from halfsky_cases.actions.schemas import ActionIn, ActionPublic
from halfsky_cases.cases.access import can_handle, can_read
from halfsky_cases.cases.service import get_case
from halfsky_common.auth import Principal
from halfsky_common.db import Session

router = APIRouter(tags=["actions"])


@router.post("/{case_id}/actions", status_code=201, response_model=ActionPublic, summary="Record an action")
async def add_action(
    case_id: uuid.UUID, body: ActionIn, session: Session, user: Annotated[Principal, Depends(can_handle)]
) -> ActionPublic:
    case = await get_case(session=session, principal=user, case_id=case_id)
    action = await service.add_action(session=session, case=case, data=body, actor=user)
    await session.commit()
    return ActionPublic.model_validate(action, from_attributes=True)


@router.get("/{case_id}/actions", response_model=list[ActionPublic], summary="Actions, oldest first")
async def list_actions(
    case_id: uuid.UUID, session: Session, user: Annotated[Principal, Depends(can_read)]
) -> list[ActionPublic]:
    case = await get_case(session=session, principal=user, case_id=case_id)
    return [
        ActionPublic.model_validate(a, from_attributes=True)
        for a in await service.actions_of(session=session, case=case)
    ]
