"""The denormalised analytics table (what DHIS2 does for large regions): one row per data value carrying the
ancestor at every level and whether it is approved, kept in step in the same transaction as every write.

A query then matches a requested unit by equality on its level's column and groups by the level asked for,
instead of string prefixes. It must give the same figures as the raw path; a test holds both to it.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import Column, ColumnElement, Date, ForeignKey, Index, Text, and_, or_, select, text, tuple_, union
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, col

from halfsky_common.orgpaths import depth
from halfsky_indicators.analytics import rollup
from halfsky_indicators.analytics.queries import (
    Request,
    Totals,
    ancestor_sql,
    approved_sql,
    periods_table,
    run,
    statements,
)
from halfsky_indicators.base import AMOUNT, Base
from halfsky_indicators.datasets.models import DataSetElement
from halfsky_indicators.entry.models import DataSetReport, DataValue, ReportStatus

LEVELS = (1, 2, 3, 4, 5)


class AnalyticsValue(Base, table=True):
    """A data value with its ancestors per level (l1 province … l5 village) and its approval."""

    __tablename__ = "analytics_value"
    __table_args__ = tuple(Index(f"ix_analytics_value_l{n}", "element_id", f"l{n}", "period_start") for n in LEVELS)

    data_value_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("data_value.id", ondelete="CASCADE"), primary_key=True, nullable=False)
    )
    element_id: uuid.UUID
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    l1: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    l2: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    l3: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    l4: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    l5: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    period_start: date = Field(sa_type=Date, nullable=False)  # type: ignore[call-overload]
    period_end: date = Field(sa_type=Date, nullable=False)  # type: ignore[call-overload]
    value: Decimal = Field(sa_type=AMOUNT, nullable=False)  # type: ignore[call-overload]
    approved: bool = False


def level_column(level: int) -> Any:
    return getattr(AnalyticsValue, f"l{level}")


def _rollup_keys_of_values(where: ColumnElement[bool]) -> Any:
    """The rollup keys (element, unit, period) of the data values matching `where`, as a select."""
    return select(
        col(DataValue.element_id),
        rollup.unit_of(DataValue.org_path).label("unit"),
        col(DataValue.period_start),
        col(DataValue.period_end),
    ).where(where)


async def refresh(session: AsyncSession, where: ColumnElement[bool], *, locked: bool = False) -> int:
    """Copy the data values matching `where` into the table (insert or update); deleted values cascade away.

    Their rollup rows are locked first (in key order, see rollup.lock), unless the caller holds them already.
    """
    if not locked:
        await rollup.lock(session, _rollup_keys_of_values(where))
    source = select(
        col(DataValue.id),
        col(DataValue.element_id),
        col(DataValue.org_path),
        *[ancestor_sql(DataValue.org_path, n) for n in LEVELS],
        col(DataValue.period_start),
        col(DataValue.period_end),
        col(DataValue.value),
        approved_sql(),
    ).where(where)
    names = ["data_value_id", "element_id", "org_path", *[f"l{n}" for n in LEVELS]]
    names += ["period_start", "period_end", "value", "approved"]
    stmt = insert(AnalyticsValue).from_select(names, source)
    stmt = stmt.on_conflict_do_update(
        index_elements=["data_value_id"],
        set_={n: stmt.excluded[n] for n in names if n != "data_value_id"},
    )
    result = await session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


async def refresh_moved(session: AsyncSession, from_path: str, to_path: str) -> None:
    """A unit moved and its values were re-pathed: their analytics rows follow (ancestors per level, rollup).

    The rollup rows of the old and the new place are locked together first, in key order, as every write does.
    """
    a = AnalyticsValue
    old = select(col(a.element_id), rollup.unit_of(a.org_path).label("unit"), col(a.period_start), col(a.period_end))
    moved = col(DataValue.org_path).startswith(to_path)
    await rollup.lock(session, union(old.where(col(a.org_path).startswith(from_path)), _rollup_keys_of_values(moved)))
    await refresh(session, moved, locked=True)


async def refresh_keys(session: AsyncSession, keys: Sequence[tuple[uuid.UUID, str, str]]) -> None:
    """Refresh the rows of some (element, org path, period) keys; the caller (write_values) has locked their
    rollup rows already, all at once, before any value changed."""
    for i in range(0, len(keys), 1000):
        chunk = list(keys[i : i + 1000])
        await refresh(
            session,
            tuple_(col(DataValue.element_id), col(DataValue.org_path), col(DataValue.period)).in_(chunk),
            locked=True,
        )


async def refresh_report(
    session: AsyncSession, *, element_ids: Sequence[uuid.UUID], org_path: str, period: str
) -> None:
    """A report changed status: its values' approval may have changed."""
    if element_ids:
        await refresh(
            session,
            and_(
                col(DataValue.element_id).in_(element_ids),
                col(DataValue.org_path) == org_path,
                col(DataValue.period) == period,
            ),
        )


async def refresh_elements(session: AsyncSession, element_ids: Sequence[uuid.UUID]) -> None:
    """A data set's elements changed: approval of their values may have changed everywhere."""
    if element_ids:
        await refresh(session, col(DataValue.element_id).in_(element_ids))


def _approved_keys() -> Any:
    """(element, unit, period) of every value an approved report holds, once each: approvals as one set to join."""
    return (
        select(col(DataSetElement.element_id), col(DataSetReport.org_path), col(DataSetReport.period))
        .join(DataSetElement, col(DataSetElement.data_set_id) == col(DataSetReport.data_set_id))
        .where(col(DataSetReport.status) == ReportStatus.approved)
        .distinct()
        .subquery("approved")
    )


async def rebuild(session: AsyncSession) -> int:
    """Refill the whole table from the data values, in one set-based pass.

    The county rollup is refilled from it at the end (its trigger is off meanwhile).

    Row-by-row upserts with a per-row approval lookup took about 45 µs a value (45 minutes for 60 million); instead
    the table is emptied, its indexes dropped, filled with the approvals joined in bulk, and its indexes built
    again. The table is locked until the transaction ends: analytics reads on the table wait for a rebuild.
    """
    await session.execute(text("SET LOCAL work_mem = '256MB'"))
    await session.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    await rollup.skip_trigger(session)
    await session.execute(text(f"TRUNCATE {AnalyticsValue.__tablename__}"))
    conn = await session.connection()
    indexes = sorted(AnalyticsValue.__table__.indexes, key=lambda i: str(i.name))  # type: ignore[attr-defined]
    for index in indexes:
        await conn.run_sync(index.drop)
    approved = _approved_keys()
    matches = and_(
        approved.c.element_id == col(DataValue.element_id),
        approved.c.org_path == col(DataValue.org_path),
        approved.c.period == col(DataValue.period),
    )
    source = select(
        col(DataValue.id),
        col(DataValue.element_id),
        col(DataValue.org_path),
        *[ancestor_sql(DataValue.org_path, n) for n in LEVELS],
        col(DataValue.period_start),
        col(DataValue.period_end),
        col(DataValue.value),
        or_(col(DataValue.source) != "manual", approved.c.element_id.is_not(None)),
    ).outerjoin(approved, matches)
    names = ["data_value_id", "element_id", "org_path", *[f"l{n}" for n in LEVELS]]
    names += ["period_start", "period_end", "value", "approved"]
    result = await session.execute(insert(AnalyticsValue).from_select(names, source))
    for index in indexes:
        await conn.run_sync(index.create)
    await rollup.rebuild(session)
    return int(getattr(result, "rowcount", 0) or 0)


def keyed_table(req: Request, at_depth: int, element_ids: Sequence[uuid.UUID]) -> Any:
    """Like the raw keyed select, for the requested units of one depth, matched on that level's column."""
    a = AnalyticsValue
    match = level_column(at_depth)
    p = periods_table(req.periods)
    org_key = level_column(req.level) if req.level else match
    stmt = (
        select(
            match.label("prefix"),
            org_key.label("org_key"),
            p.c.code.label("period"),
            col(a.element_id).label("element_id"),
            col(a.org_path).label("unit"),
            col(a.period_start).label("start"),
            col(a.period_end).label("end"),
            col(a.value).label("value"),
        )
        .select_from(a)
        .join(p, and_(col(a.period_start) >= p.c.p_start, col(a.period_end) <= p.c.p_end))
        .where(col(a.element_id).in_(element_ids), match.in_([o for o in req.orgs if depth(o) == at_depth]))
    )
    if req.level:
        stmt = stmt.where(org_key.is_not(None))
    return stmt.where(col(a.approved).is_(True)) if req.approved_only else stmt


async def totals(session: AsyncSession, req: Request) -> Totals:
    """Aggregate from the county rollup when it can answer, else from the per-value table."""
    if rollup.answers(req):
        return await run(session, statements(req, partial(rollup.keyed_rollup, req)))
    return await totals_per_value(session, req)


async def totals_per_value(session: AsyncSession, req: Request) -> Totals:
    """Aggregate from the per-value table, one pass per depth of requested unit."""
    by_depth: dict[int, list[str]] = defaultdict(list)
    for o in req.orgs:
        by_depth[depth(o)].append(o)
    stmts = []
    for d in sorted(by_depth):
        stmts += statements(req, partial(keyed_table, req, d))
    return await run(session, stmts)
