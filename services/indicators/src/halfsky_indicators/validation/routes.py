"""HTTP layer of validation rules and the validation report."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select

from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.periods import parse_field
from halfsky_indicators.access import Anyone, CatalogueEditor, DataReader, audit, ensure_in_region, ensure_may_change
from halfsky_indicators.datasets.service import get_by_code as data_set_by_code
from halfsky_indicators.idempotency import run_idempotent
from halfsky_indicators.orgtree.service import resolve
from halfsky_indicators.validation import service
from halfsky_indicators.validation.models import ValidationRule
from halfsky_indicators.validation.schemas import RuleCreate, RulePublic, RuleUpdate, ValidationReport

router = APIRouter(tags=["validation"])


@router.get("/validation-rules", response_model=list[RulePublic])
async def list_rules(session: Session, user: Anyone) -> list[RulePublic]:
    rules = (await session.execute(select(ValidationRule).order_by(ValidationRule.code))).scalars().all()
    return await service.public(session, rules)


@router.post("/validation-rules", response_model=RulePublic, status_code=201)
async def create_rule(body: RuleCreate, session: Session, user: CatalogueEditor, request: Request) -> JSONResponse:
    async def create() -> RulePublic:
        rule = await service.create_rule(session, body=body, owner=user.org_path)
        audit(session, user, "validation_rule.create", "validation_rule", rule.id, code=rule.code)
        return (await service.public(session, [rule]))[0]

    return await run_idempotent(request, session, user, create)


@router.get("/validation-rules/{code}", response_model=RulePublic)
async def get_rule(code: str, session: Session, user: Anyone, response: Response) -> RulePublic:
    rule = await service.get_by_code(session, code)
    set_etag(response, rule.version)
    return (await service.public(session, [rule]))[0]


@router.patch("/validation-rules/{code}", response_model=RulePublic, summary="Change a rule (If-Match)")
async def update_rule(
    code: str, body: RuleUpdate, session: Session, user: CatalogueEditor, request: Request, response: Response
) -> RulePublic:
    rule = await service.get_by_code(session, code, for_update=True)
    ensure_may_change(user, rule.owner_org_path, f"Validation rule {code}")
    check_if_match(request, rule.version)
    changes = await service.update_rule(session, rule=rule, body=body)
    audit(session, user, "validation_rule.update", "validation_rule", rule.id, changes=changes)
    await session.commit()
    set_etag(response, rule.version)
    return (await service.public(session, [rule]))[0]


@router.get("/validation", response_model=ValidationReport, summary="Run the rules over a region and period")
async def validation_report(
    session: Session,
    user: DataReader,
    period: str,
    org: str | None = None,
    data_set: str | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> ValidationReport:
    org_path = await resolve(session, org) if org else user.org_path
    ensure_in_region(user, org_path)
    ds = await data_set_by_code(session, data_set) if data_set else None
    return await service.report(session, org_path=org_path, period=parse_field(period), data_set=ds, limit=limit)
