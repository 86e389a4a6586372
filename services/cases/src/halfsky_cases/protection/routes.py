"""The access log for auditors: who saw which victim's data in full, when."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select
from sqlmodel import col

from halfsky_cases.protection.models import AccessLog
from halfsky_cases.protection.schemas import AccessLogPublic
from halfsky_common.auth import Principal, require_roles, visible_to
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate

router = APIRouter(tags=["access log"])


@router.get("/access-log", response_model=Page[AccessLogPublic], summary="Reveals and downloads in the region")
async def access_log(
    session: Session,
    user: Annotated[Principal, Depends(require_roles("auditor"))],
    case_id: uuid.UUID | None = None,
    actor_id: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[AccessLogPublic]:
    stmt = select(AccessLog).where(visible_to(user, col(AccessLog.org_path)))
    if case_id:
        stmt = stmt.where(col(AccessLog.case_id) == case_id)
    if actor_id:
        stmt = stmt.where(col(AccessLog.actor_id) == actor_id)
    rows, next_cursor, has_more, _ = await paginate(
        session,
        stmt,
        keys=[SortKey(col(AccessLog.at), descending=True), SortKey(col(AccessLog.id), descending=True)],
        cursor=cursor,
        limit=limit,
    )
    return Page(
        items=[AccessLogPublic.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=next_cursor,
        has_more=has_more,
    )
