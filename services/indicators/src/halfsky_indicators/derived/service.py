"""Derived data elements: values pulled from the cases and projects feeds, stored with their source and time.

A feed leaves out zero rows. So a unit that had a value for the period and is missing from a new pull has
none any more (its value is cleared); for stock elements (aggregation "last") a unit that has ever reported the
element gets an explicit 0, so its stock does not fall back on an older period's.
"""

import uuid
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import cast

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal
from halfsky_common.periods import Period, PeriodType, containing, previous
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.derived.client import Feed, FeedClient, FeedError, FeedSource
from halfsky_indicators.derived.models import DerivedPull
from halfsky_indicators.elements.models import Aggregation, DataElement
from halfsky_indicators.entry.models import DataValue
from halfsky_indicators.entry.values import NewValue, locked_keys, write_values
from halfsky_indicators.orgpaths import parse
from halfsky_indicators.orgtree.service import current_paths

SYSTEM = Principal(id="system:pull", name="定时汇取", roles=frozenset(), org="", org_path="/", kind="service")


@dataclass
class Outcome:
    written: int = 0
    cleared: int = 0
    skipped_locked: int = 0
    unknown: tuple[str, ...] = ()


async def derived_elements(session: AsyncSession, source: str) -> list[DataElement]:
    stmt = select(DataElement).where(col(DataElement.source) == source).order_by(col(DataElement.code))
    return list((await session.execute(stmt)).scalars())


async def _existing(session: AsyncSession, element_ids: Sequence[uuid.UUID], period: str) -> set[tuple[uuid.UUID, str]]:
    rows = await session.execute(
        select(col(DataValue.element_id), col(DataValue.org_path)).where(
            col(DataValue.element_id).in_(element_ids), col(DataValue.period) == period
        )
    )
    return {(e, o) for e, o in rows.all()}


async def _ever_reported(
    session: AsyncSession, element_ids: Sequence[uuid.UUID], before: date
) -> set[tuple[uuid.UUID, str]]:
    if not element_ids:
        return set()
    rows = await session.execute(
        select(col(DataValue.element_id), col(DataValue.org_path))
        .where(col(DataValue.element_id).in_(element_ids), col(DataValue.period_end) < before)
        .distinct()
    )
    return {(e, o) for e, o in rows.all()}


async def store(
    session: AsyncSession, *, feed: Feed, elements: Sequence[DataElement], period: Period, actor: Principal
) -> Outcome:
    """Turn a feed into values of the elements reported per this period's type; locked values stay."""
    by_measure: dict[str, list[DataElement]] = defaultdict(list)
    for e in elements:
        if e.period_type == period.type and e.source_measure:
            by_measure[e.source_measure].append(e)
    totals: dict[tuple[uuid.UUID, str], Decimal] = defaultdict(Decimal)
    unknown = {row.measure for row in feed.rows if row.measure not in by_measure}
    rows = [row for row in feed.rows if row.measure in by_measure]
    # The feed's paths are the other service's, which may have applied a move before or after this one did: the
    # unit's code decides where its figures belong here.
    codes = {row.org_path: parse(row.org_path, "rows.org_path")[0] for row in rows}
    places = await current_paths(session, codes.values())
    for row in rows:
        for e in by_measure[row.measure]:
            totals[(e.id, places[codes[row.org_path]])] += row.value
    ids = [e.id for es in by_measure.values() for e in es]
    lookup = {e.id: e for es in by_measure.values() for e in es}
    stocks = [i for i in ids if lookup[i].aggregation == Aggregation.last]
    absent = (await _existing(session, ids, period.code) | await _ever_reported(session, stocks, period.start)) - set(
        totals
    )
    new = [NewValue(lookup[e], o, period, v) for (e, o), v in totals.items()]
    new += [
        NewValue(lookup[e], o, period, Decimal(0) if lookup[e].aggregation == Aggregation.last else None)
        for e, o in sorted(absent)
    ]
    locks = await locked_keys(session, [v.key for v in new])
    kept = [v for v in new if v.key not in locks]
    created, updated, cleared = await write_values(
        session, values=kept, user=actor, source=feed.source, pulled_at=utcnow()
    )
    return Outcome(created + updated, cleared, len(new) - len(kept), tuple(sorted(unknown)))


async def pull(
    session: AsyncSession, *, client: FeedClient, source: FeedSource, period: Period, actor: Principal
) -> DerivedPull:
    """Fetch a feed and store it, one pull of a source and period at a time; a failed fetch is recorded too."""
    elements = await derived_elements(session, source)
    if not any(e.period_type == period.type for e in elements):
        raise Problem(
            422,
            f"No {source} element is reported per {period.type}.",
            errors=[field_error("period", "no derived element of this period type")],
        )
    lock = zlib.crc32(f"pull:{source}:{period.code}".encode())
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)").bindparams(k=lock))
    record = DerivedPull(source=source, period=period.code, triggered_by=actor.name)
    try:
        feed = await client.feed(source, period.code)
    except FeedError as exc:
        record.status, record.error, record.finished_at = "failed", str(exc), utcnow()
        session.add(record)
        return record
    try:
        outcome = await store(session, feed=feed, elements=elements, period=period, actor=actor)
    except Problem as exc:
        record.status, record.error, record.finished_at = "failed", f"the feed holds a bad row: {exc.detail}", utcnow()
        session.add(record)
        return record
    record.generated_at = feed.generated_at
    record.rows_received = len(feed.rows)
    record.values_written, record.values_cleared = outcome.written, outcome.cleared
    record.skipped_locked, record.unknown_measures = outcome.skipped_locked, list(outcome.unknown)
    record.finished_at = utcnow()
    session.add(record)
    return record


async def due_pulls(session: AsyncSession, *, today: date) -> list[tuple[FeedSource, Period]]:
    """What a scheduled run pulls: for each source and period type in use, the current and the previous period."""
    rows = await session.execute(
        select(col(DataElement.source), col(DataElement.period_type))
        .where(col(DataElement.source).in_(["cases", "projects"]))
        .group_by(col(DataElement.source), col(DataElement.period_type))
        .order_by(col(DataElement.source), col(DataElement.period_type))
    )
    out: list[tuple[FeedSource, Period]] = []
    for source, period_type in rows.all():
        current = containing(today, PeriodType(period_type))
        feed = cast(FeedSource, str(source))
        out += [(feed, previous(current)), (feed, current)]
    return out
