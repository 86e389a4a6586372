"""Bulk import and export in long format (element, org, period, value[, comment]), as CSV or XLSX.

An import is checked row by row and written only when every row is good: the answer lists each rejected row
with its field and reason, and nothing is half-imported.
"""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.auth import Principal
from halfsky_common.offloop import Work
from halfsky_common.orgpaths import code_of
from halfsky_common.problems import Problem, field_error
from halfsky_common.spreadsheet import safe_cell
from halfsky_common.tabular import Stop, TableLimits, read_table
from halfsky_indicators.elements.models import DataElement, Source
from halfsky_indicators.entry.models import DataValue
from halfsky_indicators.entry.values import NewValue, check_value, locked_keys
from halfsky_indicators.numbers import plain
from halfsky_indicators.orgtree.service import resolve_all
from halfsky_indicators.periods import reporting

COLUMNS = ("element", "org", "period", "value", "comment")
ALIASES = {
    "数据元素": "element",
    "指标项": "element",
    "单位代码": "org",
    "组织": "org",
    "期间": "period",
    "报告期": "period",
    "数值": "value",
    "值": "value",
    "备注": "comment",
}


@dataclass(frozen=True)
class Rejected:
    row: int  # the line in the file, the header being line 1
    field: str
    message: str


Line = tuple[int, dict[str, str]]  # a row's line in the file and its cells by column name


def _header(cells: Sequence[Any]) -> list[str]:
    names = [ALIASES.get(str(c or "").strip(), str(c or "").strip().lower()) for c in cells]
    missing = [c for c in COLUMNS[:4] if c not in names]
    if missing:
        raise Problem(
            422,
            f"The header must name the columns {', '.join(COLUMNS[:4])} (comment is optional); "
            f"missing: {', '.join(missing)}.",
        )
    return names


def read_rows(source: BinaryIO, filename: str, limits: TableLimits, stop: Stop) -> list[Line]:
    """The rows of an uploaded CSV (UTF-8, with or without BOM, or GB18030 as saved by Chinese Excel) or XLSX
    (its first sheet), by column name; refused at the first row past a limit. Runs in a worker thread."""
    rows = read_table(source, filename=filename, limits=limits, stop=stop)
    first = next(rows, None)
    if first is None:
        raise Problem(422, "The file is empty.", errors=[field_error("file", "empty")], code="empty_file")
    names = _header(first[1])
    return [(line, dict(zip(names, cells, strict=False))) for line, cells in rows]


async def check_rows(
    session: AsyncSession, *, rows: Sequence[Line], user: Principal, work: Work
) -> tuple[list[NewValue], list[Rejected]]:
    """Every row checked (in the worker thread, between the two database look-ups); the values to write and every
    rejected row."""
    codes = await work.run(lambda: {r.get("element", "") for _, r in rows})
    elements = {
        e.code: e
        for e in (await session.execute(select(DataElement).where(col(DataElement.code).in_(codes)))).scalars()
    }
    places = await resolve_all(session, [row.get("org", "") for _, row in rows])
    good, rejected = await work.run(_check_all, rows, elements, user, places, work.stop)
    locks = await locked_keys(session, [v.key for _, v in good])
    for n, v in good:
        if v.key in locks:
            rejected.append(Rejected(n, "period", f"locked: the unit's report is {locks[v.key]}"))
    rejected.sort(key=lambda r: r.row)
    return [v for _, v in good], rejected


def _check_all(
    rows: Sequence[Line],
    elements: dict[str, DataElement],
    user: Principal,
    places: dict[str, str | Problem],
    stop: Stop,
) -> tuple[list[tuple[int, NewValue]], list[Rejected]]:
    good: list[tuple[int, NewValue]] = []
    rejected: list[Rejected] = []
    seen: dict[tuple[Any, ...], int] = {}
    for n, row in rows:
        stop.check()
        if not any(row.values()):
            continue
        problem = _check_row(n, row, elements, user, places)
        if isinstance(problem, Rejected):
            rejected.append(problem)
            continue
        if problem.key in seen:
            rejected.append(Rejected(n, "element", f"the same value as line {seen[problem.key]}"))
            continue
        seen[problem.key] = n
        good.append((n, problem))
    return good, rejected


def _check_row(
    n: int, row: dict[str, str], elements: dict[str, DataElement], user: Principal, places: dict[str, str | Problem]
) -> NewValue | Rejected:
    element = elements.get(row.get("element", ""))
    if element is None:
        return Rejected(n, "element", f"no data element {row.get('element', '')!r}")
    if element.source != Source.manual:
        return Rejected(n, "element", f"{element.code} is pulled from {element.source}, not imported")
    org_path = places[row.get("org", "")]
    if isinstance(org_path, Problem):
        return Rejected(n, "org", org_path.detail)
    if not user.sees(org_path):
        return Rejected(n, "org", f"{org_path} lies outside your region")
    try:
        period = reporting(row.get("period", ""), element.period_type)
    except Problem as exc:
        field = (exc.errors or [{"field": "org"}])[0]["field"]
        return Rejected(n, field, exc.detail)
    try:
        value = check_value(element, row.get("value", ""))
    except ValueError as exc:
        return Rejected(n, "value", str(exc))
    return NewValue(element, org_path, period, value, row.get("comment", "") or "")


async def export_rows(
    session: AsyncSession,
    *,
    org_path: str,
    period_start: Any,
    period_end: Any,
    element_codes: Sequence[str],
    source: str | None,
) -> AsyncIterator[list[str]]:
    """Values in a subtree and period, in the import's format, streamed from the database."""
    stmt = (
        select(
            col(DataElement.code),
            col(DataValue.org_path),
            col(DataValue.period),
            col(DataValue.value),
            col(DataValue.comment),
        )
        .join(DataElement, col(DataElement.id) == DataValue.element_id)
        .where(col(DataValue.org_path).startswith(org_path))
        .order_by(col(DataElement.code), col(DataValue.org_path), col(DataValue.period_start))
    )
    if period_start is not None:
        stmt = stmt.where(col(DataValue.period_start) >= period_start, col(DataValue.period_end) <= period_end)
    if element_codes:
        stmt = stmt.where(col(DataElement.code).in_(element_codes))
    if source:
        stmt = stmt.where(col(DataValue.source) == source)
    result = await session.stream(stmt.execution_options(yield_per=1000))
    async for code, path, period, value, comment in result:
        yield [code, code_of(path), period, str(plain(Decimal(value))), safe_cell(comment)]
