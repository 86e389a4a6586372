"""HTTP layer of the indicator catalogue."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import select

from halfsky_common.auth import CurrentUser
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_indicators.indicators.models import Indicator
from halfsky_indicators.indicators.schemas import IndicatorPublic

router = APIRouter(tags=["indicators"])


@router.get("", response_model=Page[IndicatorPublic], summary="The indicator catalogue, by code")
async def list_indicators(
    session: Session,
    user: CurrentUser,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[IndicatorPublic]:
    rows, next_cursor, has_more, _ = await paginate(
        session, select(Indicator), keys=[SortKey(Indicator.code), SortKey(Indicator.id)], cursor=cursor, limit=limit
    )
    return Page(
        items=[IndicatorPublic.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=next_cursor,
        has_more=has_more,
    )
