"""HTTP layer of cases."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import select

from halfsky_cases.cases.models import Case
from halfsky_cases.cases.schemas import CasePublic
from halfsky_common.auth import CurrentUser, visible_to
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate

router = APIRouter(tags=["cases"])


@router.get("", response_model=Page[CasePublic], summary="Cases in the caller's region, newest first")
async def list_cases(
    session: Session,
    user: CurrentUser,
    status: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[CasePublic]:
    stmt = select(Case).where(visible_to(user, Case.org_path))
    if status:
        stmt = stmt.where(Case.status == status)
    rows, next_cursor, has_more, _ = await paginate(
        session,
        stmt,
        keys=[SortKey(Case.received_at, descending=True), SortKey(Case.id, descending=True)],
        cursor=cursor,
        limit=limit,
    )
    return Page(
        items=[CasePublic.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=next_cursor,
        has_more=has_more,
    )
