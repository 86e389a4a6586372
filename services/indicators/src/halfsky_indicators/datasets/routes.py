"""HTTP layer of data sets."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select

from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_indicators.access import Anyone, CatalogueEditor, DataReader, audit, ensure_may_change
from halfsky_indicators.datasets import service
from halfsky_indicators.datasets.models import DataSet
from halfsky_indicators.datasets.schemas import (
    DataSetCreate,
    DataSetPublic,
    DataSetUpdate,
    OrgUnitAssignment,
    OrgUnitAssignmentPublic,
)
from halfsky_indicators.idempotency import run_idempotent

router = APIRouter(prefix="/data-sets", tags=["data sets"])


@router.get("", response_model=Page[DataSetPublic], summary="Data sets, by code")
async def list_data_sets(
    session: Session, user: Anyone, cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> Page[DataSetPublic]:
    rows, next_cursor, has_more, _ = await paginate(
        session, select(DataSet), keys=[SortKey(DataSet.code), SortKey(DataSet.id)], cursor=cursor, limit=limit
    )
    return Page(items=[await service.public(session, r) for r in rows], next_cursor=next_cursor, has_more=has_more)


@router.post("", response_model=DataSetPublic, status_code=201)
async def create_data_set(
    body: DataSetCreate, session: Session, user: CatalogueEditor, request: Request
) -> JSONResponse:
    async def create() -> DataSetPublic:
        data_set = await service.create_data_set(session, body=body, owner=user.org_path)
        audit(session, user, "data_set.create", "data_set", data_set.id, code=data_set.code, elements=body.elements)
        return await service.public(session, data_set)

    return await run_idempotent(request, session, user, create)


@router.get("/{code}", response_model=DataSetPublic)
async def get_data_set(code: str, session: Session, user: Anyone, response: Response) -> DataSetPublic:
    data_set = await service.get_by_code(session, code)
    set_etag(response, data_set.version)
    return await service.public(session, data_set)


@router.patch("/{code}", response_model=DataSetPublic, summary="Change names, due days or the elements (If-Match)")
async def update_data_set(
    code: str, body: DataSetUpdate, session: Session, user: CatalogueEditor, request: Request, response: Response
) -> DataSetPublic:
    data_set = await service.get_by_code(session, code, for_update=True)
    ensure_may_change(user, data_set.owner_org_path, f"Data set {code}")
    check_if_match(request, data_set.version)
    changes = await service.update_data_set(session, data_set=data_set, body=body)
    audit(session, user, "data_set.update", "data_set", data_set.id, changes=changes)
    await session.commit()
    set_etag(response, data_set.version)
    return await service.public(session, data_set)


@router.get("/{code}/org-units", response_model=OrgUnitAssignmentPublic, summary="Units expected to report it")
async def list_assignments(code: str, session: Session, user: DataReader) -> OrgUnitAssignmentPublic:
    data_set = await service.get_by_code(session, code)
    paths = await service.assigned_paths(session, data_set=data_set, under=user.org_path)
    return OrgUnitAssignmentPublic(data_set=code, org_paths=paths)


@router.put(
    "/{code}/org-units",
    response_model=OrgUnitAssignmentPublic,
    summary="Replace the units expected to report it, within your region (If-Match)",
)
async def assign_org_units(
    code: str,
    body: OrgUnitAssignment,
    session: Session,
    user: CatalogueEditor,
    request: Request,
    response: Response,
) -> OrgUnitAssignmentPublic:
    data_set = await service.get_by_code(session, code, for_update=True)
    check_if_match(request, data_set.version)
    paths = await service.assign_org_units(session, data_set=data_set, org_units=body.org_units, under=user.org_path)
    audit(session, user, "data_set.assign", "data_set", data_set.id, org_path=user.org_path, count=len(paths))
    await session.commit()
    set_etag(response, data_set.version)
    return OrgUnitAssignmentPublic(data_set=code, org_paths=paths)
