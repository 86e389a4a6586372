"""HTTP layer of the indicator catalogue: definitions and targets (mounted last: `/{code}` takes the rest)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlmodel import col

from halfsky_common.auth import Principal, require_roles
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_indicators.access import EDIT_CATALOGUE, Anyone, CatalogueEditor, audit, ensure_may_change
from halfsky_indicators.idempotency import run_idempotent
from halfsky_indicators.indicators import service
from halfsky_indicators.indicators.models import Domain, Indicator, Kind
from halfsky_indicators.indicators.schemas import (
    IndicatorCreate,
    IndicatorPublic,
    IndicatorUpdate,
    TargetIn,
    TargetPublic,
    TargetUpdate,
)
from halfsky_indicators.plans import service as plans
from halfsky_indicators.plans.service import ensure_may_edit

router = APIRouter(tags=["indicators"])
TargetEditor = Annotated[Principal, Depends(require_roles(*EDIT_CATALOGUE, "leader"))]


@router.get("", response_model=Page[IndicatorPublic], summary="The indicator catalogue, by code")
async def list_indicators(
    session: Session,
    user: Anyone,
    plan: str | None = None,
    domain: Domain | None = None,
    kind: Kind | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[IndicatorPublic]:
    stmt = select(Indicator)
    if plan:
        stmt = stmt.where(col(Indicator.plan_id) == (await plans.get_by_code(session, plan)).id)
    if domain:
        stmt = stmt.where(col(Indicator.domain) == domain)
    if kind:
        stmt = stmt.where(col(Indicator.kind) == kind)
    rows, next_cursor, has_more, _ = await paginate(
        session, stmt, keys=[SortKey(Indicator.code), SortKey(Indicator.id)], cursor=cursor, limit=limit
    )
    return Page(items=await service.public_many(session, rows), next_cursor=next_cursor, has_more=has_more)


@router.post("", response_model=IndicatorPublic, status_code=201)
async def create_indicator(
    body: IndicatorCreate, session: Session, user: CatalogueEditor, request: Request
) -> JSONResponse:
    async def create() -> IndicatorPublic:
        plan = await plans.get_by_code(session, body.plan)
        indicator = await service.create_indicator(session, user=user, body=body, plan=plan)
        audit(session, user, "indicator.create", "indicator", indicator.id, org_path=plan.org_path, code=indicator.code)
        return (await service.public_many(session, [indicator]))[0]

    return await run_idempotent(request, session, user, create)


@router.get("/{code}", response_model=IndicatorPublic)
async def get_indicator(code: str, session: Session, user: Anyone, response: Response) -> IndicatorPublic:
    indicator = await service.get_by_code(session, code)
    set_etag(response, indicator.version)
    return (await service.public_many(session, [indicator]))[0]


@router.patch("/{code}", response_model=IndicatorPublic, summary="Change a definition (If-Match)")
async def update_indicator(
    code: str, body: IndicatorUpdate, session: Session, user: CatalogueEditor, request: Request, response: Response
) -> IndicatorPublic:
    indicator = await service.get_by_code(session, code, for_update=True)
    plan = await plans.get(session, indicator.plan_id)
    ensure_may_edit(user, plan.org_path)
    check_if_match(request, indicator.version)
    changes = await service.update_indicator(session, indicator=indicator, body=body)
    audit(session, user, "indicator.update", "indicator", indicator.id, org_path=plan.org_path, changes=changes)
    await session.commit()
    set_etag(response, indicator.version)
    return (await service.public_many(session, [indicator]))[0]


@router.get("/{code}/targets", response_model=list[TargetPublic])
async def list_targets(code: str, session: Session, user: Anyone) -> list[TargetPublic]:
    indicator = await service.get_by_code(session, code)
    targets = (await service.targets_of(session, [indicator.id]))[indicator.id]
    return [TargetPublic.model_validate(t, from_attributes=True) for t in targets]


@router.post("/{code}/targets", response_model=TargetPublic, status_code=201, summary="Set a year's target")
async def add_target(code: str, body: TargetIn, session: Session, user: TargetEditor, request: Request) -> JSONResponse:
    async def create() -> TargetPublic:
        indicator = await service.get_by_code(session, code)
        plan = await plans.get(session, indicator.plan_id)
        target = await service.add_target(session, user=user, indicator=indicator, plan=plan, body=body)
        audit(session, user, "target.create", "indicator", indicator.id, org_path=target.org_path, year=target.year)
        return TargetPublic.model_validate(target, from_attributes=True)

    return await run_idempotent(request, session, user, create)


@router.patch("/{code}/targets/{target_id}", response_model=TargetPublic, summary="Change a target (If-Match)")
async def update_target(
    code: str,
    target_id: uuid.UUID,
    body: TargetUpdate,
    session: Session,
    user: TargetEditor,
    request: Request,
    response: Response,
) -> TargetPublic:
    indicator = await service.get_by_code(session, code)
    target = await service.get_target(session, indicator, target_id)
    await service.target_org(session, user, await plans.get(session, indicator.plan_id), target.org_path or "/", "org")
    ensure_may_change(user, target.owner_org_path, f"The {target.year} target of {code} for {target.org_path}")
    check_if_match(request, target.version)
    changes = service.update_target(target=target, body=body)
    audit(session, user, "target.update", "indicator", indicator.id, org_path=target.org_path, changes=changes)
    await session.commit()
    set_etag(response, target.version)
    return TargetPublic.model_validate(target, from_attributes=True)


@router.delete("/{code}/targets/{target_id}", status_code=204, summary="Remove a target (If-Match)")
async def delete_target(
    code: str, target_id: uuid.UUID, session: Session, user: TargetEditor, request: Request
) -> Response:
    indicator = await service.get_by_code(session, code)
    target = await service.get_target(session, indicator, target_id)
    await service.target_org(session, user, await plans.get(session, indicator.plan_id), target.org_path or "/", "org")
    ensure_may_change(user, target.owner_org_path, f"The {target.year} target of {code} for {target.org_path}")
    check_if_match(request, target.version)
    await session.delete(target)
    audit(session, user, "target.delete", "indicator", indicator.id, org_path=target.org_path, year=target.year)
    await session.commit()
    return Response(status_code=204)
