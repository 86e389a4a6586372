"""HTTP layer of cases: intake, list, detail, edits, workflow, assignment, risk, duplicates, timeline."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import col

from halfsky_cases.cases import service, views
from halfsky_cases.cases.access import INTAKE_ROLES, can_handle, can_read, may_reveal
from halfsky_cases.cases.enums import Category, Channel, RiskLevel, Status
from halfsky_cases.cases.intake import intake_case
from halfsky_cases.cases.listing import CaseFilters, case_query, sort_keys
from halfsky_cases.cases.models import Case, RiskAssessment
from halfsky_cases.cases.ratelimit import LimitedIntake
from halfsky_cases.cases.schemas import (
    AssignmentIn,
    CaseCreate,
    CaseDetail,
    CaseListItem,
    CaseUpdate,
    DuplicateDecision,
    EventPublic,
    RiskAssessmentIn,
    RiskAssessmentPublic,
    TransitionIn,
)
from halfsky_cases.cases.timeline import timeline_for
from halfsky_cases.cases.workflow import TransitionInput
from halfsky_cases.deps import AppSettings, Cipher, OrgCode
from halfsky_cases.idempotency.models import IdempotencyRecord
from halfsky_cases.protection.access_log import log_reveal, reveal_reason
from halfsky_common import idempotency
from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal, require_roles
from halfsky_common.concurrency import check_if_match, etag, set_etag
from halfsky_common.db import Session
from halfsky_common.pagination import Page, paginate
from halfsky_common.problems import Problem

router = APIRouter(tags=["cases"])

Reader = Annotated[Principal, Depends(can_read)]
Handler = Annotated[Principal, Depends(can_handle)]
StaffIntake = Annotated[Principal, Depends(require_roles(*INTAKE_ROLES))]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


class CaseReceipt(BaseModel):
    """What a mobile or partner intake gets back: enough to quote the case, nothing about other cases."""

    id: uuid.UUID
    number: str
    status: Status
    received_at: datetime
    risk_level: RiskLevel
    urgent: bool


async def _create(
    *,
    request: Request,
    session: Session,
    cipher: Cipher,
    settings: AppSettings,
    user: Principal,
    org_code: str,
    body: CaseCreate,
    key: str | None,
    receipt: bool,
) -> JSONResponse:
    async def create() -> idempotency.Created:
        case = await intake_case(
            session=session, cipher=cipher, settings=settings, data=body, actor=user, org_code=org_code
        )
        if receipt:
            payload = CaseReceipt.model_validate(case).model_dump(mode="json")
        else:
            shown, _ = await views.detail(session=session, case=Case(**case), principal=user, cipher=cipher)
            payload = shown.model_dump(mode="json")
        return payload, {"Location": f"/cases/{case['id']}", "ETag": etag(case["version"])}

    return await idempotency.run_idempotent(
        request, session, IdempotencyRecord, caller_id=user.id, key=key, create=create
    )


@router.post("", status_code=201, response_model=CaseDetail, summary="Register a case (登记) at the caller's unit")
async def create_case(
    request: Request,
    session: Session,
    cipher: Cipher,
    settings: AppSettings,
    user: StaffIntake,
    org_code: OrgCode,
    body: CaseCreate,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await _create(
        request=request,
        session=session,
        cipher=cipher,
        settings=settings,
        user=user,
        org_code=org_code,
        body=body,
        key=idempotency_key,
        receipt=False,
    )


@router.post(
    "/intake",
    status_code=201,
    response_model=CaseReceipt,
    summary="Mobile and partner intake (Idempotency-Key required)",
)
async def intake(
    request: Request,
    session: Session,
    cipher: Cipher,
    settings: AppSettings,
    user: LimitedIntake,
    org_code: OrgCode,
    body: CaseCreate,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    if not idempotency_key:
        raise Problem(428, "Send an Idempotency-Key header, so a retried request never makes a second case.")
    return await _create(
        request=request,
        session=session,
        cipher=cipher,
        settings=settings,
        user=user,
        org_code=org_code,
        body=body,
        key=idempotency_key,
        receipt=True,
    )


def filters_from_query(
    status: Annotated[list[Status] | None, Query()] = None,
    category: Category | None = None,
    risk_level: RiskLevel | None = None,
    channel: Channel | None = None,
    org_path: str | None = None,
    handler_id: str | None = None,
    victim_id: uuid.UUID | None = None,
    urgent: bool | None = None,
    overdue: bool | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Substring of number, names or text")] = None,
) -> CaseFilters:
    """List filters from the query string."""
    return CaseFilters(
        status=[s.value for s in status or []],
        category=category.value if category else None,
        risk_level=risk_level.value if risk_level else None,
        channel=channel.value if channel else None,
        org_path=org_path,
        handler_id=handler_id,
        victim_id=victim_id,
        urgent=urgent,
        overdue=overdue,
        received_from=received_from,
        received_to=received_to,
        q=q,
    )


Filters = Annotated[CaseFilters, Depends(filters_from_query)]


@router.get("", response_model=Page[CaseListItem], summary="Cases in the caller's region: urgent first, masked")
async def list_cases(
    session: Session,
    cipher: Cipher,
    user: Reader,
    filters: Filters,
    sort: str = "-received_at",
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    total: bool = False,
) -> Page[CaseListItem]:
    stmt = case_query(user, filters, now=utcnow())
    rows, next_cursor, has_more, count = await paginate(
        session, stmt, keys=sort_keys(sort), cursor=cursor, limit=limit, with_total=total
    )
    items = await views.list_items(session=session, cases=rows, cipher=cipher)
    return Page(items=items, next_cursor=next_cursor, has_more=has_more, total=count)


@router.get("/{case_id}", response_model=CaseDetail, summary="One case; reveal=true shows full values (logged)")
async def get_case(
    case_id: uuid.UUID,
    response: Response,
    session: Session,
    cipher: Cipher,
    user: Reader,
    settings: AppSettings,
    reveal: bool = False,
    reason: Annotated[str, Query(max_length=200, description="Why (required with reveal=true; logged)")] = "",
) -> CaseDetail:
    if reveal and not may_reveal(user):
        raise Problem(403, "Your role may not see full ID numbers, phones or addresses.")
    if reveal:  # before the lookup: the answer is the same whether or not the case exists
        reason = reveal_reason(reason, minimum=settings.reveal_reason_min_chars)
    case = await service.get_case(session=session, principal=user, case_id=case_id)
    shown, revealed = await views.detail(session=session, case=case, principal=user, cipher=cipher, reveal=reveal)
    if reveal:
        log_reveal(session, actor=user, case=case, revealed=revealed, reason=reason)
        await session.commit()
    set_etag(response, case.version)
    return shown


async def _locked(request: Request, session: Session, user: Principal, case_id: uuid.UUID) -> Any:
    case = await service.get_case(session=session, principal=user, case_id=case_id, lock=True)
    check_if_match(request, case.version)
    return case


async def _respond(session: Session, case: Any, user: Principal, cipher: Cipher, response: Response) -> CaseDetail:
    await session.commit()
    shown, _ = await views.detail(session=session, case=case, principal=user, cipher=cipher)
    set_etag(response, case.version)
    return shown


@router.patch("/{case_id}", response_model=CaseDetail, summary="Edit summary, description, categories (If-Match)")
async def update_case(
    case_id: uuid.UUID,
    body: CaseUpdate,
    request: Request,
    response: Response,
    session: Session,
    cipher: Cipher,
    user: Handler,
) -> CaseDetail:
    case = await _locked(request, session, user, case_id)
    await service.update_case(session=session, case=case, data=body, actor=user)
    return await _respond(session, case, user, cipher, response)


@router.post("/{case_id}/transitions", response_model=CaseDetail, summary="One workflow step (If-Match)")
async def transition(
    case_id: uuid.UUID,
    body: TransitionIn,
    request: Request,
    response: Response,
    session: Session,
    cipher: Cipher,
    settings: AppSettings,
    user: Handler,
) -> CaseDetail:
    case = await _locked(request, session, user, case_id)
    given = TransitionInput(
        reason=body.reason,
        outcome=body.outcome,
        resolution_type=body.resolution_type,
        satisfaction=body.satisfaction,
        notes=body.notes,
    )
    await service.transition_case(
        session=session, case=case, target=body.to, given=given, actor=user, resolve_days=settings.resolve_days
    )
    return await _respond(session, case, user, cipher, response)


@router.put("/{case_id}/assignment", response_model=CaseDetail, summary="Assign a case worker (If-Match)")
async def assign(
    case_id: uuid.UUID,
    body: AssignmentIn,
    request: Request,
    response: Response,
    session: Session,
    cipher: Cipher,
    user: Handler,
) -> CaseDetail:
    case = await _locked(request, session, user, case_id)
    await service.assign_case(
        session=session, case=case, handler_id=body.handler_id, handler_name=body.handler_name, actor=user
    )
    return await _respond(session, case, user, cipher, response)


@router.post(
    "/{case_id}/risk-assessments",
    status_code=201,
    response_model=RiskAssessmentPublic,
    summary="Re-assess the risk (If-Match); the level and urgent flag follow",
)
async def reassess(
    case_id: uuid.UUID,
    body: RiskAssessmentIn,
    request: Request,
    response: Response,
    session: Session,
    user: Handler,
) -> RiskAssessmentPublic:
    case = await _locked(request, session, user, case_id)
    assessment = await service.reassess_risk(session=session, case=case, answers=body, actor=user)
    await session.commit()
    set_etag(response, case.version)
    return RiskAssessmentPublic.model_validate(assessment, from_attributes=True)


@router.get("/{case_id}/risk-assessments", response_model=list[RiskAssessmentPublic], summary="Risk history")
async def risk_history(case_id: uuid.UUID, session: Session, user: Reader) -> list[RiskAssessmentPublic]:
    await service.get_case(session=session, principal=user, case_id=case_id)
    rows = await session.execute(
        select(RiskAssessment).where(col(RiskAssessment.case_id) == case_id).order_by(col(RiskAssessment.assessed_at))
    )
    return [RiskAssessmentPublic.model_validate(r, from_attributes=True) for r in rows.scalars().all()]


@router.put("/{case_id}/duplicates/{other_id}", status_code=204, summary="Judge a possible duplicate (never merges)")
async def judge_duplicate(
    case_id: uuid.UUID, other_id: uuid.UUID, body: DuplicateDecision, session: Session, user: Handler
) -> Response:
    case = await service.get_case(session=session, principal=user, case_id=case_id)
    await service.decide_duplicate(session=session, case=case, other_id=other_id, status=body.status, actor=user)
    await session.commit()
    return Response(status_code=204)


@router.get("/{case_id}/timeline", response_model=list[EventPublic], summary="Everything that happened, oldest first")
async def timeline(case_id: uuid.UUID, session: Session, user: Reader) -> list[EventPublic]:
    await service.get_case(session=session, principal=user, case_id=case_id)
    return await timeline_for(session=session, case_id=case_id, principal=user)
