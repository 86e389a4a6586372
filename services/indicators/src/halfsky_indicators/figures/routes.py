"""HTTP layer of reported figures and their stated-rate check."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlmodel import col

from halfsky_common.auth import visible_to
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_common.periods import parse_field
from halfsky_common.problems import Problem
from halfsky_indicators.access import DataEditor, DataReader, audit, ensure_in_region
from halfsky_indicators.figures import service
from halfsky_indicators.figures.models import ReportedFigure
from halfsky_indicators.figures.schemas import FigureCreate, FigurePublic, FigureUpdate
from halfsky_indicators.idempotency import run_idempotent
from halfsky_indicators.indicators.models import Indicator
from halfsky_indicators.indicators.service import get_by_code as indicator_by_code
from halfsky_indicators.orgtree.service import resolve

router = APIRouter(prefix="/reported-figures", tags=["reported figures"])


@router.post("", response_model=FigurePublic, status_code=201, summary="Record a figure with its stated rate")
async def create_figure(body: FigureCreate, session: Session, user: DataEditor, request: Request) -> JSONResponse:
    async def create() -> FigurePublic:
        indicator = await indicator_by_code(session, body.indicator)
        org_path = await resolve(session, body.org)
        ensure_in_region(user, org_path)
        period = parse_field(body.period)
        figure = await service.add_figure(
            session, indicator=indicator, org_path=org_path, period=period, body=body, entered_by=user.name
        )
        audit(session, user, "figure.create", "reported_figure", figure.id, org_path=org_path, mismatch=figure.mismatch)
        return service.public(figure, indicator.code)

    return await run_idempotent(request, session, user, create)


@router.get("", response_model=Page[FigurePublic], summary="Reported figures in your region")
async def list_figures(
    session: Session,
    user: DataReader,
    indicator: str | None = None,
    mismatch: bool | None = None,
    org: str | None = None,
    period: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[FigurePublic]:
    stmt = select(ReportedFigure).where(visible_to(user, ReportedFigure.org_path))
    if indicator:
        stmt = stmt.where(col(ReportedFigure.indicator_id) == (await indicator_by_code(session, indicator)).id)
    if mismatch is not None:
        stmt = stmt.where(col(ReportedFigure.mismatch).is_(mismatch))
    if org:
        stmt = stmt.where(col(ReportedFigure.org_path).startswith(await resolve(session, org)))
    if period:
        p = parse_field(period)
        stmt = stmt.where(col(ReportedFigure.period_start) >= p.start, col(ReportedFigure.period_end) <= p.last)
    rows, next_cursor, has_more, _ = await paginate(
        session,
        stmt,
        keys=[SortKey(ReportedFigure.period_start), SortKey(ReportedFigure.org_path), SortKey(ReportedFigure.id)],
        cursor=cursor,
        limit=limit,
    )
    codes = {i.id: i.code for i in (await session.execute(select(Indicator))).scalars()} if rows else {}
    return Page(
        items=[service.public(r, codes[r.indicator_id]) for r in rows], next_cursor=next_cursor, has_more=has_more
    )


@router.patch("/{figure_id}", response_model=FigurePublic, summary="Correct a figure (If-Match); it is checked again")
async def update_figure(
    figure_id: uuid.UUID, body: FigureUpdate, session: Session, user: DataEditor, request: Request, response: Response
) -> FigurePublic:
    figure = await session.get(ReportedFigure, figure_id, with_for_update=True)
    if figure is None or not user.sees(figure.org_path):
        raise Problem(404, "No such figure.")
    check_if_match(request, figure.version)
    changes = body.model_dump(exclude_unset=True)
    for name, value in changes.items():
        setattr(figure, name, value)
    if "stated_value" in changes and body.stated_value is not None:
        figure.stated_decimals = service.decimals_of(body.stated_value)
    indicator = await session.get(Indicator, figure.indicator_id)
    assert indicator is not None
    service.check(figure, indicator)
    service.touch(figure)
    audit(session, user, "figure.update", "reported_figure", figure.id, org_path=figure.org_path, changes=list(changes))
    await session.commit()
    set_etag(response, figure.version)
    return service.public(figure, indicator.code)
