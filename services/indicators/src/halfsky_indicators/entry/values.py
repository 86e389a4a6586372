"""Writing data values, whatever their origin (form, import, pull): checks, locks and one bulk upsert."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import ColumnElement, and_, delete, literal, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal
from halfsky_common.periods import Period
from halfsky_indicators.analytics import rollup as analytics_rollup
from halfsky_indicators.analytics import table as analytics_table
from halfsky_indicators.datasets.models import DataSetElement
from halfsky_indicators.elements.models import DataElement, ValueType
from halfsky_indicators.entry.models import DataSetReport, DataValue, ReportStatus

Key = tuple[uuid.UUID, str, str]  # element id, org path, period code
LOCKING = (ReportStatus.submitted, ReportStatus.approved)
MAX_ABS = Decimal("1e17")
CHUNK = 1000


@dataclass(frozen=True)
class NewValue:
    """A value to store (or, with value None, to clear)."""

    element: DataElement
    org_path: str
    period: Period
    value: Decimal | None
    comment: str = ""

    @property
    def key(self) -> Key:
        return (self.element.id, self.org_path, self.period.code)


def check_value(element: DataElement, raw: object) -> Decimal:
    """The value as an exact number fit for the element's type, or ValueError saying what is wrong."""
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a number") from None
    if not value.is_finite() or abs(value) >= MAX_ABS:
        raise ValueError("the number is out of range")
    if element.value_type in (ValueType.integer, ValueType.money_fen):
        if value != value.to_integral_value():
            unit = "fen" if element.value_type == ValueType.money_fen else "a whole number"
            raise ValueError(f"{element.code} takes {unit}, not {value}")
        if value < 0:
            raise ValueError(f"{element.code} cannot be negative")
    if element.value_type == ValueType.percentage and value < 0:
        raise ValueError("a percentage cannot be negative")
    return value


async def locked_keys(session: AsyncSession, keys: Iterable[Key]) -> dict[Key, ReportStatus]:
    """Keys whose unit and period have a submitted or approved report of a data set holding the element."""
    wanted = list(set(keys))
    out: dict[Key, ReportStatus] = {}
    for i in range(0, len(wanted), CHUNK):
        chunk = wanted[i : i + CHUNK]
        stmt = (
            select(
                col(DataSetElement.element_id),
                col(DataSetReport.org_path),
                col(DataSetReport.period),
                col(DataSetReport.status),
            )
            .join(DataSetReport, col(DataSetReport.data_set_id) == DataSetElement.data_set_id)
            .where(
                col(DataSetReport.status).in_(LOCKING),
                tuple_(col(DataSetElement.element_id), col(DataSetReport.org_path), col(DataSetReport.period)).in_(
                    chunk
                ),
            )
        )
        for element_id, org_path, period, status in (await session.execute(stmt)).all():
            key = (element_id, org_path, period)
            if out.get(key) != ReportStatus.approved:
                out[key] = ReportStatus(status)
    return out


async def write_values(
    session: AsyncSession,
    *,
    values: Sequence[NewValue],
    user: Principal,
    source: str = "manual",
    pulled_at: datetime | None = None,
) -> tuple[int, int, int]:
    """Upsert (or clear) values in bulk; returns how many were created, updated and cleared. Checks are the caller's."""
    now = utcnow()
    created = updated = cleared = 0
    to_store = [v for v in values if v.value is not None]
    to_clear = [v.key for v in values if v.value is None]
    # every rollup row these values change, locked in one order first (clearing cascades in no particular order)
    await analytics_rollup.lock_keys(
        session,
        [(v.element.id, analytics_rollup.unit_of_path(v.org_path), v.period.start, v.period.last) for v in values],
    )
    for i in range(0, len(to_store), CHUNK):
        rows = [
            {
                "id": uuid.uuid4(),
                "element_id": v.element.id,
                "org_path": v.org_path,
                "period": v.period.code,
                "period_start": v.period.start,
                "period_end": v.period.last,
                "value": v.value,
                "comment": v.comment,
                "source": source,
                "entered_by_id": user.id,
                "entered_by_name": user.name,
                "entered_at": now,
                "pulled_at": pulled_at,
                "version": 1,
            }
            for v in to_store[i : i + CHUNK]
        ]
        insert_stmt = insert(DataValue).values(rows)
        stmt = insert_stmt.on_conflict_do_update(
            constraint="uq_data_value_key",
            set_={
                "value": insert_stmt.excluded.value,
                "comment": insert_stmt.excluded.comment,
                "source": insert_stmt.excluded.source,
                "entered_by_id": insert_stmt.excluded.entered_by_id,
                "entered_by_name": insert_stmt.excluded.entered_by_name,
                "entered_at": insert_stmt.excluded.entered_at,
                "pulled_at": insert_stmt.excluded.pulled_at,
                "version": col(DataValue.version) + 1,
            },
        ).returning(col(DataValue.version) == literal(1))
        for (was_created,) in (await session.execute(stmt)).all():
            created += int(was_created)
            updated += int(not was_created)
    await analytics_table.refresh_keys(session, [v.key for v in to_store])
    for i in range(0, len(to_clear), CHUNK):
        result = await session.execute(
            delete(DataValue)
            .where(
                tuple_(col(DataValue.element_id), col(DataValue.org_path), col(DataValue.period)).in_(
                    to_clear[i : i + CHUNK]
                )
            )
            .returning(col(DataValue.id))
        )
        cleared += len(result.all())
    return created, updated, cleared


async def values_for(
    session: AsyncSession, *, element_ids: Sequence[uuid.UUID], org_path: str, period: str
) -> dict[uuid.UUID, DataValue]:
    """One unit's stored values of some elements for a period."""
    if not element_ids:
        return {}
    stmt = select(DataValue).where(
        col(DataValue.element_id).in_(element_ids),
        col(DataValue.org_path) == org_path,
        col(DataValue.period) == period,
    )
    return {v.element_id: v for v in (await session.execute(stmt)).scalars()}


def in_period(period: Period) -> ColumnElement[bool]:
    """SQL: values whose period lies inside `period`."""
    return and_(col(DataValue.period_start) >= period.start, col(DataValue.period_end) <= period.last)
