"""HTTP layer of assessments (qualitative and checklist indicators)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col

from halfsky_common.audit import utcnow
from halfsky_common.auth import visible_to
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_common.periods import parse_field
from halfsky_indicators.access import DataEditor, DataReader, audit, ensure_in_region
from halfsky_indicators.assessments import service
from halfsky_indicators.assessments.models import Assessment
from halfsky_indicators.assessments.schemas import AssessmentIn, AssessmentPublic
from halfsky_indicators.base import row_dict
from halfsky_indicators.indicators.models import Indicator
from halfsky_indicators.indicators.service import get_by_code as indicator_by_code
from halfsky_indicators.orgtree.service import resolve

router = APIRouter(prefix="/assessments", tags=["assessments"])


def public(a: Assessment, code: str) -> AssessmentPublic:
    return AssessmentPublic.model_validate({**row_dict(a), "indicator": code})


@router.put(
    "/{indicator}/{org}/{period}",
    response_model=AssessmentPublic,
    summary="Assess a unit for a period (If-Match once it exists)",
)
async def assess(
    indicator: str,
    org: str,
    period: str,
    body: AssessmentIn,
    session: Session,
    user: DataEditor,
    request: Request,
    response: Response,
) -> AssessmentPublic:
    ind = await indicator_by_code(session, indicator)
    org_path, p = await resolve(session, org), parse_field(period)
    ensure_in_region(user, org_path)
    answers, results, passed = service.judge(ind, body)
    key = {"indicator_id": ind.id, "org_path": org_path, "period": p.code}
    created = await session.execute(
        insert(Assessment)
        .values(
            **key,
            id=uuid.uuid4(),
            period_start=p.start,
            period_end=p.last,
            passed=passed,
            answers=answers,
            results=results,
            statement="",
            entered_by=user.name,
            entered_at=utcnow(),
            version=1,
        )
        .on_conflict_do_nothing(constraint="uq_assessment_key")
        .returning(col(Assessment.id))
    )
    is_new = created.first() is not None
    row = (
        await session.execute(
            select(Assessment).where(*[getattr(Assessment, k) == v for k, v in key.items()]).with_for_update()
        )
    ).scalar_one()
    if not is_new:
        check_if_match(request, row.version)
        row.version += 1
    row.status, row.answers, row.results, row.passed = body.status, answers, results, passed
    row.statement, row.entered_by, row.entered_at = body.statement, user.name, utcnow()
    audit(session, user, "assessment.save", "assessment", row.id, org_path=org_path, indicator=ind.code, passed=passed)
    await session.commit()
    set_etag(response, row.version)
    return public(row, ind.code)


@router.get("", response_model=Page[AssessmentPublic], summary="Assessments in your region")
async def list_assessments(
    session: Session,
    user: DataReader,
    indicator: str | None = None,
    org: str | None = None,
    period: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[AssessmentPublic]:
    stmt = select(Assessment).where(visible_to(user, Assessment.org_path))
    if indicator:
        stmt = stmt.where(col(Assessment.indicator_id) == (await indicator_by_code(session, indicator)).id)
    if org:
        stmt = stmt.where(col(Assessment.org_path).startswith(await resolve(session, org)))
    if period:
        p = parse_field(period)
        stmt = stmt.where(col(Assessment.period_start) >= p.start, col(Assessment.period_end) <= p.last)
    rows, next_cursor, has_more, _ = await paginate(
        session,
        stmt,
        keys=[SortKey(Assessment.org_path), SortKey(Assessment.period_start), SortKey(Assessment.id)],
        cursor=cursor,
        limit=limit,
    )
    codes = {i.id: i.code for i in (await session.execute(select(Indicator))).scalars()} if rows else {}
    return Page(items=[public(r, codes[r.indicator_id]) for r in rows], next_cursor=next_cursor, has_more=has_more)
