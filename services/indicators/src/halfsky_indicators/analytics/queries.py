"""The aggregation itself, in SQL: values summed over each requested subtree (a path-prefix join) and over the
periods a requested period contains (a date-range join), per element, by its aggregation type.

- sum: the plain sum.
- average: per contained reporting period, the sum over the subtree; then the mean of those sums.
- last: per org unit, its value of the latest contained period that has one; then the sum over units.

Grouping by level uses the ancestor at that depth of each value's path, so a value reported above that level
(a county's own figure when grouping by township) belongs to no group.
"""

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import Date, String, Text, and_, case, column, exists, func, literal, or_, select, values
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement, FromClause
from sqlmodel import col

from halfsky_common.orgpaths import CODE_LENGTHS
from halfsky_common.periods import Period
from halfsky_indicators.datasets.models import DataSetElement
from halfsky_indicators.elements.models import Aggregation
from halfsky_indicators.entry.models import DataSetReport, DataValue, ReportStatus

Totals = dict[tuple[str, str, uuid.UUID], Decimal]  # (org key, period code, element id) → aggregated value


@dataclass(frozen=True)
class Request:
    """What to aggregate: elements by aggregation type, over which subtrees and periods."""

    elements: Mapping[Aggregation, Sequence[uuid.UUID]]
    orgs: Sequence[str]
    periods: Sequence[Period]
    level: int | None = None
    approved_only: bool = False


def periods_table(periods: Sequence[Period]) -> FromClause:
    rows = [(p.code, p.start, p.last) for p in periods]
    return values(column("code", String), column("p_start", Date), column("p_end", Date), name="req_period").data(rows)


def orgs_table(orgs: Sequence[str]) -> FromClause:
    return values(column("prefix", Text), name="req_org").data([(o,) for o in orgs])


def ancestor_sql(path: Any, level: int) -> ColumnElement[str]:
    """SQL: the path of the ancestor at a depth (`/44/4401/440106/` for depth 3), NULL above it.

    Paths follow the division codes (2, 4, 6, 9, 12 digits), so an ancestor's path is a prefix of fixed length.
    """
    length = PREFIX_LENGTH[level]
    return case((func.length(path) >= length, func.left(path, length)), else_=None)


PREFIX_LENGTH = {n: 1 + sum(size + 1 for size in CODE_LENGTHS[:n]) for n in range(1, len(CODE_LENGTHS) + 1)}


def approved_sql() -> ColumnElement[bool]:
    """SQL: a value counts as approved when pulled from a service, or when a report holding it is approved."""
    report_approved = exists(
        select(literal(1))
        .select_from(DataSetReport)
        .join(DataSetElement, col(DataSetElement.data_set_id) == DataSetReport.data_set_id)
        .where(
            col(DataSetElement.element_id) == DataValue.element_id,
            col(DataSetReport.org_path) == DataValue.org_path,
            col(DataSetReport.period) == DataValue.period,
            col(DataSetReport.status) == ReportStatus.approved,
        )
    )
    return or_(col(DataValue.source) != "manual", report_approved)


Keyed = Callable[[Sequence[uuid.UUID]], Any]  # element ids → the keyed select


def keyed_rows(source: Any, *, path: Any, start: Any, end: Any, item: Any, value: Any, req: Request) -> Any:
    """Rows of a table joined to the requested subtrees and periods, labelled with their group keys.

    Works for any table that places figures by org path and period (data values, assessments).
    """
    o, p = orgs_table(req.orgs), periods_table(req.periods)
    org_key = ancestor_sql(path, req.level) if req.level else o.c.prefix
    stmt = (
        select(
            o.c.prefix.label("prefix"),
            org_key.label("org_key"),
            p.c.code.label("period"),
            item.label("element_id"),
            path.label("unit"),
            start.label("start"),
            end.label("end"),
            value.label("value"),
        )
        .select_from(source)
        .join(o, path.startswith(o.c.prefix))
        .join(p, and_(start >= p.c.p_start, end <= p.c.p_end))
        .where(or_(*[path.startswith(prefix) for prefix in req.orgs]))  # constant prefixes use the index
    )
    return stmt.where(org_key.is_not(None)) if req.level else stmt


def keyed_raw(req: Request, element_ids: Sequence[uuid.UUID]) -> Any:
    """The data values of some elements, keyed for aggregation."""
    stmt = keyed_rows(
        DataValue,
        path=col(DataValue.org_path),
        start=col(DataValue.period_start),
        end=col(DataValue.period_end),
        item=col(DataValue.element_id),
        value=col(DataValue.value),
        req=req,
    ).where(col(DataValue.element_id).in_(element_ids))
    return stmt.where(approved_sql()) if req.approved_only else stmt


KEYS = ("prefix", "org_key", "period", "element_id")


def sum_sql(keyed: Keyed, element_ids: Sequence[uuid.UUID]) -> Any:
    inner = keyed(element_ids).subquery()
    keys = [inner.c[k] for k in KEYS]
    return select(*keys, func.sum(inner.c.value)).group_by(*keys)


def average_sql(keyed: Keyed, element_ids: Sequence[uuid.UUID]) -> Any:
    inner = keyed(element_ids).subquery()
    keys = [inner.c[k] for k in KEYS]
    sums = select(*keys, func.sum(inner.c.value).label("s")).group_by(*keys, inner.c.start).subquery()
    outer = [sums.c[k] for k in KEYS]
    return select(*outer, func.avg(sums.c.s)).group_by(*outer)


def latest_per_unit(inner: Any) -> Any:
    """Of keyed rows, each unit's row of the latest period, per group key."""
    keys = [inner.c[k] for k in KEYS]
    return (
        select(*keys, inner.c.value)
        .ext(distinct_on(*keys, inner.c.unit))
        .order_by(*keys, inner.c.unit, inner.c.end.desc())
        .subquery()
    )


def last_sql(keyed: Keyed, element_ids: Sequence[uuid.UUID]) -> Any:
    latest = latest_per_unit(keyed(element_ids).subquery())
    outer = [latest.c[k] for k in KEYS]
    return select(*outer, func.sum(latest.c.value)).group_by(*outer)


BUILDERS = {Aggregation.sum: sum_sql, Aggregation.average: average_sql, Aggregation.last: last_sql}


def statements(req: Request, keyed: Keyed) -> list[Any]:
    """One aggregation statement per aggregation type in use."""
    return [BUILDERS[Aggregation(a)](keyed, ids) for a, ids in req.elements.items() if ids]


async def run(session: AsyncSession, stmts: Sequence[Any]) -> Totals:
    """Execute aggregation statements; rows from overlapping requested subtrees collapse onto their key."""
    totals: Totals = {}
    for stmt in stmts:
        for _prefix, org_key, period, element_id, total in (await session.execute(stmt)).all():
            totals[(org_key, period, element_id)] = Decimal(total)
    return totals


async def totals_raw(session: AsyncSession, req: Request) -> Totals:
    """Aggregate straight from the data values (right for small regions)."""
    return await run(session, statements(req, partial(keyed_raw, req)))
