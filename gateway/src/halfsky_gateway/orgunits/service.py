"""Creating, moving and reading the region tree; descendants' paths are kept right on every move."""

import csv
import io
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO

from sqlalchemy import Select, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from halfsky_common import orgpaths
from halfsky_common.problems import Problem, field_error
from halfsky_common.tabular import Stop, TableLimits, read_table
from halfsky_gateway.orgunits.models import CODE_LENGTH, LEVEL_DEPTH, Level, OrgUnit

LEVEL_BY_LENGTH = {length: level for level, length in CODE_LENGTH.items()}


def level_for_code(code: str) -> Level:
    """Level implied by an administrative division code's length."""
    try:
        return LEVEL_BY_LENGTH[len(code)]
    except KeyError:
        raise Problem(422, "A code has 2, 4, 6, 9 or 12 digits.", errors=[field_error("code", "bad length")]) from None


async def get_unit(session: AsyncSession, unit_id: uuid.UUID) -> OrgUnit:
    """The unit, or 404."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise Problem(404, "No such org unit.")
    return unit


async def get_by_code(session: AsyncSession, code: str) -> OrgUnit | None:
    return (await session.execute(select(OrgUnit).where(col(OrgUnit.code) == code))).scalar_one_or_none()


def _check_placement(level: Level, parent: OrgUnit | None) -> None:
    if parent is None:
        return
    if LEVEL_DEPTH[level] <= LEVEL_DEPTH[Level(parent.level)]:
        raise Problem(
            422,
            f"A {level.value} cannot sit under a {parent.level}.",
            errors=[field_error("parent_id", "parent must be a higher level")],
        )


async def create_unit(
    session: AsyncSession, *, code: str, name: str, level: Level | None, parent_id: uuid.UUID | None
) -> OrgUnit:
    """Add a unit under `parent_id` (or a root when None)."""
    level = level or level_for_code(code)
    if len(code) != CODE_LENGTH[level]:
        raise Problem(
            422,
            f"A {level.value} code has {CODE_LENGTH[level]} digits.",
            errors=[field_error("code", "length does not match level")],
        )
    parent = await get_unit(session, parent_id) if parent_id else None
    _check_placement(level, parent)
    if await get_by_code(session, code):
        raise Problem(409, f"An org unit with code {code} exists.", errors=[field_error("code", "already used")])
    unit = OrgUnit(
        code=code,
        name=name,
        level=level,
        parent_id=parent.id if parent else None,
        path=orgpaths.child(parent.path if parent else None, code),
    )
    session.add(unit)
    await session.flush()
    return unit


async def rename_unit(session: AsyncSession, *, unit: OrgUnit, name: str) -> OrgUnit:
    unit.name = name
    unit.version += 1
    unit.updated_at = datetime.now(UTC)
    await session.flush()
    return unit


async def move_unit(session: AsyncSession, *, unit: OrgUnit, new_parent: OrgUnit) -> int:
    """Put `unit` under `new_parent`; rewrite the path of the unit and all its descendants in one statement.

    Returns how many rows had their path changed.
    """
    if new_parent.path.startswith(unit.path):
        raise Problem(
            409, "A unit cannot move under itself or its own descendant.", errors=[field_error("parent_id", "cycle")]
        )
    _check_placement(Level(unit.level), new_parent)
    old_prefix = unit.path
    new_prefix = orgpaths.child(new_parent.path, unit.code)
    result = await session.execute(
        update(OrgUnit)
        .where(col(OrgUnit.path).startswith(old_prefix))
        .values(
            path=func.concat(new_prefix, func.substr(OrgUnit.path, len(old_prefix) + 1)),
            version=OrgUnit.version + 1,
            updated_at=datetime.now(UTC),
        )
        .execution_options(synchronize_session=False)
    )
    await session.execute(update(OrgUnit).where(col(OrgUnit.id) == unit.id).values(parent_id=new_parent.id))
    await session.refresh(unit)
    return int(result.rowcount)  # type: ignore[attr-defined]


def _with_has_children(stmt: Select[Any]) -> Select[Any]:
    child = aliased(OrgUnit)
    return stmt.add_columns(exists().where(col(child.parent_id) == OrgUnit.id).label("has_children"))


async def children(session: AsyncSession, *, parent_id: uuid.UUID | None) -> list[tuple[OrgUnit, bool]]:
    """Direct children of a unit (roots when None), by code, each with whether it has children."""
    cond = col(OrgUnit.parent_id) == parent_id if parent_id else col(OrgUnit.parent_id).is_(None)
    stmt = _with_has_children(select(OrgUnit).where(cond).order_by(OrgUnit.code))
    return [(row[0], bool(row[1])) for row in (await session.execute(stmt)).all()]


async def subtree(session: AsyncSession, *, unit: OrgUnit, max_depth: int | None = None) -> list[OrgUnit]:
    """The unit and its descendants in path order, optionally only `max_depth` levels down."""
    stmt = select(OrgUnit).where(col(OrgUnit.path).startswith(unit.path)).order_by(OrgUnit.path)
    if max_depth is not None:
        base_depth = unit.path.count("/")
        stmt = stmt.where(
            func.length(OrgUnit.path) - func.length(func.replace(OrgUnit.path, "/", "")) <= base_depth + max_depth
        )
    return list((await session.execute(stmt)).scalars().all())


async def search(session: AsyncSession, *, q: str, under: str, limit: int) -> list[OrgUnit]:
    """Units under the path `under` whose name or code contains `q`."""
    pattern = f"%{q}%"
    stmt = (
        select(OrgUnit)
        .where(col(OrgUnit.path).startswith(under))
        .where((col(OrgUnit.name).like(pattern)) | (col(OrgUnit.code).startswith(q)))
        .order_by(OrgUnit.path)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars().all())


TREE_COLUMNS = ("code", "name", "parent_code")


def tree_rows(rows: Iterator[tuple[int, list[str]]]) -> list[tuple[str, str, str]]:
    """(code, name, parent_code) of each row under a header naming those columns; parent_code empty for roots."""
    first = next(rows, None)
    names = [c.strip() for c in first[1]] if first else []
    missing = set(TREE_COLUMNS) - set(names)
    if missing:
        raise Problem(
            422, f"The CSV lacks columns: {', '.join(sorted(missing))}.", errors=[field_error("file", "bad header")]
        )
    at = [names.index(c) for c in TREE_COLUMNS]
    out: list[tuple[str, str, str]] = []
    for _, cells in rows:
        code, name, parent = (cells[i].strip() if i < len(cells) else "" for i in at)
        if code or name or parent:
            out.append((code, name, parent))
    return out


def parse_tree_csv(text: str) -> list[tuple[str, str, str]]:
    """The rows of a CSV file's text (the command line's own file, not an upload)."""
    return tree_rows(enumerate(csv.reader(io.StringIO(text, newline="")), start=1))


def read_tree_upload(source: BinaryIO, filename: str, limits: TableLimits, stop: Stop) -> list[tuple[str, str, str]]:
    """The rows of an uploaded UTF-8 CSV, refused at the first row past a limit; runs in a worker thread."""
    return tree_rows(
        read_table(source, filename=filename, limits=limits, stop=stop, xlsx=False, encodings=("utf-8-sig",))
    )


async def import_tree(
    session: AsyncSession, rows: Iterable[tuple[str, str, str]], *, under: str = "/"
) -> tuple[int, int, list[dict[str, str]]]:
    """Create or rename units from (code, name, parent_code) rows, parents before children.

    Rows whose parent is neither in the file nor in the database, or that fall outside `under`, are reported,
    not guessed.
    """
    ordered = sorted(rows, key=lambda r: len(r[0]))
    known: dict[str, OrgUnit] = {}
    created = updated = 0
    errors: list[dict[str, str]] = []
    existing = {u.code: u for u in (await session.execute(select(OrgUnit))).scalars().all()}
    for code, name, parent_code in ordered:
        if not code.isdigit() or len(code) not in LEVEL_BY_LENGTH or not name:
            errors.append({"code": code, "message": "bad code or empty name"})
            continue
        unit = existing.get(code) or known.get(code)
        if unit is not None and not unit.path.startswith(under):
            errors.append({"code": code, "message": "outside your region"})
            continue
        if unit is not None:
            if unit.name != name:
                unit.name = name
                unit.version += 1
                updated += 1
            continue
        parent = (existing.get(parent_code) or known.get(parent_code)) if parent_code else None
        if parent_code and parent is None:
            errors.append({"code": code, "message": f"parent {parent_code} not found"})
            continue
        level = LEVEL_BY_LENGTH[len(code)]
        if parent is not None and LEVEL_DEPTH[level] <= LEVEL_DEPTH[Level(parent.level)]:
            errors.append({"code": code, "message": "parent is not a higher level"})
            continue
        path = orgpaths.child(parent.path if parent else None, code)
        if not path.startswith(under):
            errors.append({"code": code, "message": "outside your region"})
            continue
        unit = OrgUnit(code=code, name=name, level=level, parent_id=parent.id if parent else None, path=path)
        session.add(unit)
        known[code] = unit
        created += 1
    await session.flush()
    return created, updated, errors
