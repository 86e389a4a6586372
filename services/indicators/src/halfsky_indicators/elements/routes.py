"""HTTP layer of data elements."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlmodel import col

from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_indicators.access import Anyone, CatalogueEditor, audit, ensure_may_change
from halfsky_indicators.elements import service
from halfsky_indicators.elements.models import DataElement, Source
from halfsky_indicators.elements.schemas import ElementCreate, ElementPublic, ElementUpdate
from halfsky_indicators.idempotency import run_idempotent

router = APIRouter(prefix="/data-elements", tags=["data elements"])


@router.get("", response_model=Page[ElementPublic], summary="Data elements, by code")
async def list_elements(
    session: Session,
    user: Anyone,
    source: Source | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ElementPublic]:
    stmt = select(DataElement)
    if source:
        stmt = stmt.where(col(DataElement.source) == source)
    rows, next_cursor, has_more, _ = await paginate(
        session, stmt, keys=[SortKey(DataElement.code), SortKey(DataElement.id)], cursor=cursor, limit=limit
    )
    return Page(
        items=[ElementPublic.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=next_cursor,
        has_more=has_more,
    )


@router.post("", response_model=ElementPublic, status_code=201)
async def create_element(
    body: ElementCreate, session: Session, user: CatalogueEditor, request: Request
) -> JSONResponse:
    async def create() -> ElementPublic:
        element = await service.create_element(session, body=body, owner=user.org_path)
        audit(session, user, "data_element.create", "data_element", element.id, code=element.code)
        return ElementPublic.model_validate(element, from_attributes=True)

    return await run_idempotent(request, session, user, create)


@router.get("/{code}", response_model=ElementPublic)
async def get_element(code: str, session: Session, user: Anyone, response: Response) -> DataElement:
    element = await service.get_by_code(session, code)
    set_etag(response, element.version)
    return element


@router.patch("/{code}", response_model=ElementPublic, summary="Change names, aggregation or unit (send If-Match)")
async def update_element(
    code: str, body: ElementUpdate, session: Session, user: CatalogueEditor, request: Request, response: Response
) -> DataElement:
    element = await service.get_by_code(session, code, for_update=True)
    ensure_may_change(user, element.owner_org_path, f"Data element {code}")
    check_if_match(request, element.version)
    changes = service.update_element(element=element, body=body)
    audit(session, user, "data_element.update", "data_element", element.id, changes=list(changes))
    await session.commit()
    set_etag(response, element.version)
    return element
