"""HTTP layer of legal measures, and the list of protection orders about to expire."""

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import select
from sqlmodel import col

from halfsky_cases.cases.access import can_handle, can_read, case_filter
from halfsky_cases.cases.models import Case
from halfsky_cases.cases.service import get_case
from halfsky_cases.legal import service
from halfsky_cases.legal.models import LegalMeasure
from halfsky_cases.legal.schemas import ExpiringOrder, MeasureIn, MeasurePublic, MeasureTransitionIn
from halfsky_common.auth import Principal
from halfsky_common.clock import today
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.problems import Problem

router = APIRouter(tags=["legal measures"])
Reader = Annotated[Principal, Depends(can_read)]
Handler = Annotated[Principal, Depends(can_handle)]


@router.get("/legal-measures/expiring", response_model=list[ExpiringOrder], summary="Protection orders ending soon")
async def expiring(
    session: Session, user: Reader, within_days: Annotated[int, Query(ge=0, le=365)] = 30
) -> list[ExpiringOrder]:
    start = today()
    rows = await session.execute(
        select(LegalMeasure, Case)
        .join(Case, col(Case.id) == col(LegalMeasure.case_id))
        .where(
            case_filter(user),
            col(LegalMeasure.kind) == "protection_order",
            col(LegalMeasure.status) == "granted",
            col(LegalMeasure.valid_until).between(start, start + timedelta(days=within_days)),
        )
        .order_by(col(LegalMeasure.valid_until), col(LegalMeasure.id))
    )
    return [
        ExpiringOrder(
            **MeasurePublic.model_validate(m, from_attributes=True).model_dump(),
            case_number=c.number,
            case_summary=c.summary,
            handler_name=c.handler_name,
            days_left=(m.valid_until - start).days if m.valid_until else 0,
        )
        for m, c in rows.all()
    ]


@router.post("/legal-measures/{measure_id}/transitions", response_model=MeasurePublic, summary="Next step (If-Match)")
async def move(
    measure_id: uuid.UUID,
    body: MeasureTransitionIn,
    request: Request,
    response: Response,
    session: Session,
    user: Handler,
) -> MeasurePublic:
    measure = (
        await session.execute(
            select(LegalMeasure)
            .where(col(LegalMeasure.id) == measure_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if measure is None:
        raise Problem(404, "No such legal measure.")
    case = await get_case(session=session, principal=user, case_id=measure.case_id)
    check_if_match(request, measure.version)
    await service.move_measure(session=session, measure=measure, case=case, data=body, actor=user)
    await session.commit()
    set_etag(response, measure.version)
    return MeasurePublic.model_validate(measure, from_attributes=True)


@router.post("/{case_id}/legal-measures", status_code=201, response_model=MeasurePublic, summary="Record a measure")
async def add(
    case_id: uuid.UUID, body: MeasureIn, response: Response, session: Session, user: Handler
) -> MeasurePublic:
    case = await get_case(session=session, principal=user, case_id=case_id)
    measure = await service.add_measure(session=session, case=case, data=body, actor=user)
    await session.commit()
    set_etag(response, measure.version)
    return MeasurePublic.model_validate(measure, from_attributes=True)


@router.get("/{case_id}/legal-measures", response_model=list[MeasurePublic], summary="Legal measures of one case")
async def of_case(case_id: uuid.UUID, session: Session, user: Reader) -> list[MeasurePublic]:
    case = await get_case(session=session, principal=user, case_id=case_id)
    rows = await session.execute(
        select(LegalMeasure).where(col(LegalMeasure.case_id) == case.id).order_by(col(LegalMeasure.created_at))
    )
    return [MeasurePublic.model_validate(m, from_attributes=True) for m in rows.scalars().all()]
