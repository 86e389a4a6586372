"""The county rollup: per element × county × reporting period, the sum and count of the values below it (all of
them, and the approved ones), kept in step with `analytics_value` by a row trigger in the same transaction.

A province- or city-wide question at county level or above reads about 124 counties × its periods here instead of
every village value (26,842 villages × 60 months for one element in Guangdong). Values reported above county level
(a city's own figure) are their own unit. Only sum and average aggregate this way; `last` needs each unit's latest
period and keeps to the per-value table. The trigger applies deltas (`value_sum + new − old`), which row locks
serialise, so concurrent entries in one county and month are both counted; `rebuild` refills it in bulk.
"""

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Date,
    Text,
    Uuid,
    and_,
    column,
    func,
    literal,
    select,
    text,
    tuple_,
    values,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, col

from halfsky_common.orgpaths import at_most, depth
from halfsky_indicators.analytics.queries import Request, ancestor_sql, keyed_rows
from halfsky_indicators.base import AMOUNT, Base
from halfsky_indicators.elements.models import Aggregation

ROLLUP_DEPTH = 3  # counties: the unit of the rollup
SKIP_SETTING = "halfsky.skip_rollup"  # set locally by the bulk rebuild, which refills the rollup itself


class AnalyticsRollup(Base, table=True):
    """Sums of the analytics values below a county (or of a unit above county level) for one element and period."""

    __tablename__ = "analytics_rollup"

    element_id: uuid.UUID = Field(primary_key=True)
    unit: str = Field(sa_column=Column(Text, primary_key=True))
    period_start: date = Field(sa_type=Date, primary_key=True)  # type: ignore[call-overload]
    period_end: date = Field(sa_type=Date, primary_key=True)  # type: ignore[call-overload]
    value_sum: Decimal = Field(sa_type=AMOUNT, nullable=False)  # type: ignore[call-overload]
    value_count: int
    approved_sum: Decimal = Field(sa_type=AMOUNT, nullable=False)  # type: ignore[call-overload]
    approved_count: int


UNIT_SQL = "coalesce({row}.l3, {row}.org_path)"  # the county above a value, or the value's own unit above counties


def unit_of(path: Any) -> ColumnElement[str]:
    """SQL: the rollup unit of a value's path (as `UNIT_SQL` on the analytics table's own columns)."""
    return func.coalesce(ancestor_sql(path, ROLLUP_DEPTH), path)


def unit_of_path(path: str) -> str:
    """The rollup unit of a path, in Python."""
    return at_most(path, ROLLUP_DEPTH)


Key = tuple[uuid.UUID, str, date, date]  # element, unit, period start, period end


async def lock_keys(session: AsyncSession, keys: Sequence[Key]) -> None:
    """`lock` for keys given in Python: sorted as PostgreSQL sorts them (units bytewise), in chunks."""
    cols = [column("element_id", Uuid), column("unit", Text), column("period_start", Date), column("period_end", Date)]
    ordered = sorted(set(keys))
    for i in range(0, len(ordered), 5000):
        await lock(session, select(values(*cols, name="rollup_key").data(ordered[i : i + 5000])))


async def lock(session: AsyncSession, keys: Any) -> None:
    """Create (as zeros) and lock the rollup rows of some keys, in key order, before the values below them change.

    The trigger then only updates rows this transaction already holds, so concurrent writers take the rows they
    share in one order and cannot deadlock, whatever order their statements touch the values in. `keys` is a
    select of element_id, unit, period_start, period_end.
    """
    k = keys.subquery("k")
    r = AnalyticsRollup
    cols = [k.c.element_id, k.c.unit, k.c.period_start, k.c.period_end]
    order = [k.c.element_id, k.c.unit.collate("C"), k.c.period_start, k.c.period_end]
    zeros = select(*cols, literal(0), literal(0), literal(0), literal(0)).group_by(*cols).order_by(*order)
    names = ["element_id", "unit", "period_start", "period_end"]
    sums = ["value_sum", "value_count", "approved_sum", "approved_count"]
    await session.execute(insert(r).from_select(names + sums, zeros).on_conflict_do_nothing())
    row_key = (col(r.element_id), col(r.unit), col(r.period_start), col(r.period_end))
    in_order = (row_key[0], row_key[1].collate("C"), *row_key[2:])
    locked = select(literal(1)).where(tuple_(*row_key).in_(select(*cols))).order_by(*in_order).with_for_update()
    await session.execute(locked)


def trigger_sql() -> list[str]:
    """The trigger function and trigger on `analytics_value` (installed by a migration)."""
    old, new = UNIT_SQL.format(row="OLD"), UNIT_SQL.format(row="NEW")
    return [  # built from this module's constants only
        f"""
CREATE OR REPLACE FUNCTION analytics_rollup_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('{SKIP_SETTING}', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.element_id = NEW.element_id AND OLD.org_path = NEW.org_path
     AND OLD.period_start = NEW.period_start AND OLD.period_end = NEW.period_end
     AND OLD.value = NEW.value AND OLD.approved = NEW.approved THEN
    RETURN NULL;  -- refreshed unchanged: nothing to move
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE analytics_rollup SET
      value_sum = value_sum - OLD.value,
      value_count = value_count - 1,
      approved_sum = approved_sum - CASE WHEN OLD.approved THEN OLD.value ELSE 0 END,
      approved_count = approved_count - CASE WHEN OLD.approved THEN 1 ELSE 0 END
    WHERE element_id = OLD.element_id AND unit = {old}
      AND period_start = OLD.period_start AND period_end = OLD.period_end;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO analytics_rollup AS r
      (element_id, unit, period_start, period_end, value_sum, value_count, approved_sum, approved_count)
    VALUES (NEW.element_id, {new}, NEW.period_start, NEW.period_end, NEW.value, 1,
      CASE WHEN NEW.approved THEN NEW.value ELSE 0 END, CASE WHEN NEW.approved THEN 1 ELSE 0 END)
    ON CONFLICT (element_id, unit, period_start, period_end) DO UPDATE SET
      value_sum = r.value_sum + EXCLUDED.value_sum,
      value_count = r.value_count + 1,
      approved_sum = r.approved_sum + EXCLUDED.approved_sum,
      approved_count = r.approved_count + EXCLUDED.approved_count;
  END IF;
  RETURN NULL;
END
$$""",  # noqa: S608
        "CREATE TRIGGER analytics_rollup_apply AFTER INSERT OR UPDATE OR DELETE ON analytics_value "
        "FOR EACH ROW EXECUTE FUNCTION analytics_rollup_apply()",
    ]


def drop_trigger_sql() -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS analytics_rollup_apply ON analytics_value",
        "DROP FUNCTION IF EXISTS analytics_rollup_apply()",
    ]


async def skip_trigger(session: AsyncSession) -> None:
    """For the rest of this transaction, writes to `analytics_value` leave the rollup alone (a bulk rebuild)."""
    await session.execute(text(f"SET LOCAL {SKIP_SETTING} = 'on'"))


def fresh_sql() -> str:
    """The rollup computed afresh from the analytics table (what the trigger keeps it equal to)."""
    unit = UNIT_SQL.format(row="v")
    return f"""
SELECT v.element_id, {unit} AS unit, v.period_start, v.period_end, sum(v.value) AS value_sum,
       count(*) AS value_count, coalesce(sum(v.value) FILTER (WHERE v.approved), 0) AS approved_sum,
       count(*) FILTER (WHERE v.approved) AS approved_count
FROM analytics_value v
GROUP BY v.element_id, {unit}, v.period_start, v.period_end"""  # noqa: S608 (constants only)


def refill_sql() -> str:
    """Fill the (empty) rollup from the analytics table in one pass: the rebuild and the migration."""
    return (
        "INSERT INTO analytics_rollup (element_id, unit, period_start, period_end, value_sum, value_count, "
        "approved_sum, approved_count)" + fresh_sql()
    )


async def rebuild(session: AsyncSession) -> int:
    """Refill the rollup from the analytics table."""
    await session.execute(text(f"TRUNCATE {AnalyticsRollup.__tablename__}"))
    result = await session.execute(text(refill_sql()))
    return int(getattr(result, "rowcount", 0) or 0)


def answers(req: Request) -> bool:
    """Whether the rollup can answer a request: sums and averages, units and grouping at county level or above."""
    aggregations = {Aggregation(a) for a, ids in req.elements.items() if ids}
    return (
        aggregations <= {Aggregation.sum, Aggregation.average}
        and all(depth(o) <= ROLLUP_DEPTH for o in req.orgs)
        and (req.level is None or req.level <= ROLLUP_DEPTH)
    )


def keyed_rollup(req: Request, element_ids: Any) -> Any:
    """Rollup rows keyed like the raw values: each row a partial sum the aggregations sum again."""
    r = AnalyticsRollup
    approved = req.approved_only
    stmt = keyed_rows(
        r,
        path=col(r.unit),
        start=col(r.period_start),
        end=col(r.period_end),
        item=col(r.element_id),
        value=col(r.approved_sum) if approved else col(r.value_sum),
        req=req,
    )
    count = col(r.approved_count) if approved else col(r.value_count)
    return stmt.where(and_(col(r.element_id).in_(element_ids), count > 0))
