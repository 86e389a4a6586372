"""Data elements: create, change, look up by code."""

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.audit import utcnow
from halfsky_common.periods import REPORTING_TYPES
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.elements.models import DataElement, Source, ValueType
from halfsky_indicators.elements.schemas import ElementCreate, ElementUpdate


async def get_by_code(session: AsyncSession, code: str, *, for_update: bool = False) -> DataElement:
    """The element, or 404; locked for the transaction when about to be changed."""
    stmt = select(DataElement).where(col(DataElement.code) == code)
    row = (await session.execute(stmt.with_for_update() if for_update else stmt)).scalar_one_or_none()
    if row is None:
        raise Problem(404, f"No data element {code}.")
    return row


async def by_codes(session: AsyncSession, codes: Iterable[str]) -> dict[str, DataElement]:
    """The elements with these codes (missing ones are simply absent)."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = (await session.execute(select(DataElement).where(col(DataElement.code).in_(wanted)))).scalars().all()
    return {r.code: r for r in rows}


async def element_codes(session: AsyncSession, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Codes of elements by id."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await session.execute(
        select(col(DataElement.id), col(DataElement.code)).where(col(DataElement.id).in_(wanted))
    )
    return {i: c for i, c in rows.all()}


def _check(body: ElementCreate) -> None:
    if body.period_type not in REPORTING_TYPES:
        raise Problem(
            422,
            "Values are reported per month, quarter, half-year or year.",
            errors=[field_error("period_type", "not a reporting period type")],
        )
    derived = body.source != Source.manual
    if derived != bool(body.source_measure):
        raise Problem(
            422,
            "An element pulled from another service names the feed's measure; a manual one does not.",
            errors=[field_error("source_measure", "required exactly when source is cases or projects")],
        )
    if derived and body.value_type not in (ValueType.integer, ValueType.money_fen):
        raise Problem(
            422, "Feeds deliver integers.", errors=[field_error("value_type", "integer or money_fen for feeds")]
        )


async def create_element(session: AsyncSession, *, body: ElementCreate, owner: str) -> DataElement:
    """Add an element owned by the level at `owner` (the creator's); 409 when the code is taken."""
    _check(body)
    if (await by_codes(session, [body.code])).get(body.code):
        raise Problem(409, f"A data element {body.code} exists.", errors=[field_error("code", "already used")])
    element = DataElement(**body.model_dump(), owner_org_path=owner)
    session.add(element)
    await session.flush()
    return element


def update_element(*, element: DataElement, body: ElementUpdate) -> dict[str, object]:
    """Apply the given fields; the code, value type and period type stay (values and expressions rely on them)."""
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    for name, value in changes.items():
        setattr(element, name, value)
    element.version += 1
    element.updated_at = utcnow()
    return changes
