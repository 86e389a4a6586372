"""HTTP layer of plans (indicator catalogues)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select

from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_indicators.access import Anyone, CatalogueEditor, audit
from halfsky_indicators.idempotency import run_idempotent
from halfsky_indicators.plans import service
from halfsky_indicators.plans.models import Plan
from halfsky_indicators.plans.schemas import PlanCreate, PlanPublic, PlanUpdate

router = APIRouter(prefix="/plans", tags=["plans"])


@router.get("", response_model=Page[PlanPublic], summary="Plans (programmes, local plans, campaigns), by code")
async def list_plans(
    session: Session, user: Anyone, cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> Page[PlanPublic]:
    rows, next_cursor, has_more, _ = await paginate(
        session, select(Plan), keys=[SortKey(Plan.code), SortKey(Plan.id)], cursor=cursor, limit=limit
    )
    return Page(items=[service.public(r) for r in rows], next_cursor=next_cursor, has_more=has_more)


@router.post("", response_model=PlanPublic, status_code=201)
async def create_plan(body: PlanCreate, session: Session, user: CatalogueEditor, request: Request) -> JSONResponse:
    async def create() -> PlanPublic:
        plan = await service.create_plan(session, user=user, body=body)
        audit(session, user, "plan.create", "plan", plan.id, org_path=plan.org_path, code=plan.code)
        return service.public(plan)

    return await run_idempotent(request, session, user, create)


@router.get("/{code}", response_model=PlanPublic)
async def get_plan(code: str, session: Session, user: Anyone, response: Response) -> PlanPublic:
    plan = await service.get_by_code(session, code)
    set_etag(response, plan.version)
    return service.public(plan)


@router.patch("/{code}", response_model=PlanPublic, summary="Change a plan (If-Match)")
async def update_plan(
    code: str, body: PlanUpdate, session: Session, user: CatalogueEditor, request: Request, response: Response
) -> PlanPublic:
    plan = await service.get_by_code(session, code, for_update=True)
    service.ensure_may_edit(user, plan.org_path)
    check_if_match(request, plan.version)
    changes = service.update_plan(plan=plan, body=body)
    audit(session, user, "plan.update", "plan", plan.id, org_path=plan.org_path, changes=changes)
    await session.commit()
    set_etag(response, plan.version)
    return service.public(plan)
