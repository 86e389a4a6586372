"""HTTP layer of derived data: pull a feed now, and the record of pulls."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import col

from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_common.periods import parse_field
from halfsky_common.problems import Problem
from halfsky_indicators.access import DataEditor, DataReader, audit
from halfsky_indicators.base import row_dict
from halfsky_indicators.derived import service
from halfsky_indicators.derived.client import SOURCES, FeedClient, FeedSource
from halfsky_indicators.derived.models import DerivedPull

router = APIRouter(prefix="/pulls", tags=["derived data"])


class PullRequest(BaseModel):
    source: FeedSource | None = Field(default=None, description="cases or projects; both when left out")
    period: str = Field(description="e.g. 2026Q3 or 202607: the period type of the elements to fill")


class PullPublic(BaseModel):
    id: str
    source: str
    period: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    generated_at: datetime | None
    rows_received: int
    values_written: int
    values_cleared: int
    skipped_locked: int
    unknown_measures: list[str]
    error: str
    triggered_by: str


def public(p: DerivedPull) -> PullPublic:
    return PullPublic.model_validate({**row_dict(p), "id": str(p.id)})


@router.post("", response_model=list[PullPublic], summary="Pull the cases and/or projects feed for a period now")
async def pull_now(body: PullRequest, session: Session, user: DataEditor, request: Request) -> list[PullPublic]:
    client: FeedClient | None = getattr(request.app.state, "feeds", None)
    if client is None or not client.configured:
        raise Problem(503, "No gateway client is configured (INDICATORS_GATEWAY_URL, _CLIENT_ID, _CLIENT_SECRET).")
    period = parse_field(body.period)
    sources: list[FeedSource] = [body.source] if body.source else list(SOURCES)
    done = []
    for source in sources:
        if body.source is None and not any(
            e.period_type == period.type for e in await service.derived_elements(session, source)
        ):
            continue
        result = await service.pull(session, client=client, source=source, period=period, actor=user)
        audit(
            session,
            user,
            "pull.manual",
            "derived_pull",
            result.id,
            source=source,
            period=period.code,
            status=result.status,
        )
        done.append(result)
    await session.commit()
    if not done:
        raise Problem(422, f"No derived element is reported per {period.type}.")
    if all(p.status != "ok" for p in done):
        raise Problem(
            502,
            "; ".join(p.error for p in done),
            pulls=[public(p).model_dump(mode="json") for p in done],
        )
    return [public(p) for p in done]


@router.get("", response_model=Page[PullPublic], summary="Pulls, latest first")
async def list_pulls(
    session: Session,
    user: DataReader,
    source: FeedSource | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[PullPublic]:
    stmt = select(DerivedPull)
    if source:
        stmt = stmt.where(col(DerivedPull.source) == source)
    rows, next_cursor, has_more, _ = await paginate(
        session,
        stmt,
        keys=[SortKey(DerivedPull.started_at, descending=True), SortKey(DerivedPull.id, descending=True)],
        cursor=cursor,
        limit=limit,
    )
    return Page(items=[public(r) for r in rows], next_cursor=next_cursor, has_more=has_more)
