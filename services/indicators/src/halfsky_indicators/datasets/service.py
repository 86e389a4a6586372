"""Data sets: their elements (all of the set's period type, all entered by hand) and the units that report them."""

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.audit import utcnow
from halfsky_common.periods import REPORTING_TYPES, PeriodType
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.analytics import table as analytics_table
from halfsky_indicators.base import row_dict
from halfsky_indicators.datasets.models import DataSet, DataSetElement, DataSetOrgUnit
from halfsky_indicators.datasets.schemas import DataSetCreate, DataSetPublic, DataSetUpdate
from halfsky_indicators.elements.models import DataElement, Source
from halfsky_indicators.elements.service import by_codes
from halfsky_indicators.orgtree.service import resolve_each


async def get_by_code(session: AsyncSession, code: str, *, for_update: bool = False) -> DataSet:
    """The data set, or 404."""
    stmt = select(DataSet).where(col(DataSet.code) == code)
    row = (await session.execute(stmt.with_for_update() if for_update else stmt)).scalar_one_or_none()
    if row is None:
        raise Problem(404, f"No data set {code}.")
    return row


async def elements_of(session: AsyncSession, data_set_id: uuid.UUID) -> list[DataElement]:
    """The set's elements in form order."""
    stmt = (
        select(DataElement)
        .join(DataSetElement, col(DataSetElement.element_id) == DataElement.id)
        .where(col(DataSetElement.data_set_id) == data_set_id)
        .order_by(col(DataSetElement.sort_order), col(DataElement.code))
    )
    return list((await session.execute(stmt)).scalars().all())


async def public(session: AsyncSession, data_set: DataSet) -> DataSetPublic:
    elements = await elements_of(session, data_set.id)
    return DataSetPublic.model_validate({**row_dict(data_set), "elements": [e.code for e in elements]})


async def _resolve_elements(session: AsyncSession, codes: Sequence[str], period_type: PeriodType) -> list[DataElement]:
    found = await by_codes(session, codes)
    errors = []
    for i, code in enumerate(codes):
        element = found.get(code)
        if element is None:
            errors.append(field_error(f"elements.{i}", f"no data element {code}"))
        elif element.period_type != period_type:
            errors.append(field_error(f"elements.{i}", f"{code} is reported per {element.period_type}"))
        elif element.source != Source.manual:
            errors.append(field_error(f"elements.{i}", f"{code} is pulled from {element.source}, not entered"))
    if len(set(codes)) != len(codes):
        errors.append(field_error("elements", "an element is listed twice"))
    if errors:
        raise Problem(422, "Some elements cannot be on this form.", errors=errors)
    return [found[c] for c in codes]


async def _set_elements(session: AsyncSession, data_set: DataSet, elements: list[DataElement]) -> None:
    await session.execute(delete(DataSetElement).where(col(DataSetElement.data_set_id) == data_set.id))
    for order, element in enumerate(elements):
        session.add(DataSetElement(data_set_id=data_set.id, element_id=element.id, sort_order=order))
    await session.flush()


async def create_data_set(session: AsyncSession, *, body: DataSetCreate, owner: str) -> DataSet:
    """Add a data set with its elements, owned by the level at `owner`; 409 when the code is taken."""
    if body.period_type not in REPORTING_TYPES:
        raise Problem(422, "Not a reporting period type.", errors=[field_error("period_type", "month…year")])
    exists = (await session.execute(select(col(DataSet.id)).where(col(DataSet.code) == body.code))).first()
    if exists:
        raise Problem(409, f"A data set {body.code} exists.", errors=[field_error("code", "already used")])
    elements = await _resolve_elements(session, body.elements, body.period_type)
    data_set = DataSet(**body.model_dump(exclude={"elements"}), owner_org_path=owner)
    session.add(data_set)
    await session.flush()
    await _set_elements(session, data_set, elements)
    return data_set


async def update_data_set(session: AsyncSession, *, data_set: DataSet, body: DataSetUpdate) -> list[str]:
    """Apply the given fields; the elements list is replaced as a whole."""
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    codes = changes.pop("elements", None)
    for name, value in changes.items():
        setattr(data_set, name, value)
    if codes is not None:
        before = [e.id for e in await elements_of(session, data_set.id)]
        after = await _resolve_elements(session, codes, data_set.period_type)
        await _set_elements(session, data_set, after)
        await analytics_table.refresh_elements(session, sorted({*before, *(e.id for e in after)}))
    data_set.version += 1
    data_set.updated_at = utcnow()
    return [*changes, *(["elements"] if codes is not None else [])]


async def assigned_paths(session: AsyncSession, *, data_set: DataSet, under: str) -> list[str]:
    """Units expected to report the set, within a subtree."""
    stmt = (
        select(col(DataSetOrgUnit.org_path))
        .where(col(DataSetOrgUnit.data_set_id) == data_set.id, col(DataSetOrgUnit.org_path).startswith(under))
        .order_by(col(DataSetOrgUnit.org_path))
    )
    return list((await session.execute(stmt)).scalars().all())


async def assign_org_units(session: AsyncSession, *, data_set: DataSet, org_units: list[str], under: str) -> list[str]:
    """Replace the units expected to report the set within the caller's subtree (others stay as they are)."""
    paths = []
    errors = []
    for i, path in enumerate(await resolve_each(session, org_units, lambda i: f"org_units.{i}")):
        if not path.startswith(under):
            errors.append(field_error(f"org_units.{i}", f"{path} lies outside your region"))
        paths.append(path)
    if errors:
        raise Problem(403, "Some units lie outside your region.", errors=errors)
    await session.execute(
        delete(DataSetOrgUnit).where(
            col(DataSetOrgUnit.data_set_id) == data_set.id, col(DataSetOrgUnit.org_path).startswith(under)
        )
    )
    unique = sorted(set(paths))
    if unique:
        await session.execute(
            insert(DataSetOrgUnit).values([{"data_set_id": data_set.id, "org_path": p} for p in unique])
        )
    data_set.version += 1
    data_set.updated_at = utcnow()
    return unique
