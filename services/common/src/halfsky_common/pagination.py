"""Keyset (cursor) pagination: stable under inserts, no count(*) on every page."""

import base64
import json
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel, Field
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from halfsky_common.problems import Problem, field_error

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    """One page of a list; pass `next_cursor` back as `cursor` for the next one."""

    items: list[T]
    next_cursor: str | None = None
    has_more: bool = False
    total: int | None = Field(default=None, description="Only when asked for with total=true.")


class SortKey:
    """A column to order by; the last key must be unique (the id) for a stable order."""

    def __init__(self, column: Any, *, descending: bool = False, attr: str | None = None) -> None:
        self.column = column
        self.descending = descending
        self.attr = attr or column.key

    def order(self) -> Any:
        return self.column.desc() if self.descending else self.column.asc()

    def after(self, value: Any) -> ColumnElement[bool]:
        return self.column < value if self.descending else self.column > value  # type: ignore[no-any-return]


def _encode(values: list[Any]) -> str:
    def tag(v: Any) -> list[Any]:
        if isinstance(v, datetime):
            return ["dt", v.isoformat()]
        if isinstance(v, date):
            return ["d", v.isoformat()]
        if isinstance(v, UUID):
            return ["u", str(v)]
        if hasattr(v, "value"):  # enums
            return ["v", v.value]
        return ["v", v]

    raw = json.dumps([tag(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, n: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        tagged = json.loads(raw)
        assert isinstance(tagged, list) and len(tagged) == n
        out: list[Any] = []
        for kind, v in tagged:
            if kind == "dt":
                out.append(datetime.fromisoformat(v))
            elif kind == "d":
                out.append(date.fromisoformat(v))
            elif kind == "u":
                out.append(UUID(v))
            else:
                out.append(v)
        return out
    except Exception:
        raise Problem(
            422, "The cursor is not valid.", errors=[field_error("cursor", "not a cursor from this list")]
        ) from None


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise Problem(422, f"limit must be between 1 and {MAX_LIMIT}.", errors=[field_error("limit", "out of range")])
    return limit


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    *,
    keys: list[SortKey],
    cursor: str | None,
    limit: int,
    with_total: bool = False,
) -> tuple[list[Any], str | None, bool, int | None]:
    """Run `stmt` (already filtered, including the region filter) one page at a time.

    Returns the rows (scalars), the next cursor, whether more follow, and the total when asked for.
    """
    check_limit(limit)
    total: int | None = None
    if with_total:
        total = (await session.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))).scalar_one()
    page_stmt = stmt
    if cursor:
        values = _decode(cursor, len(keys))
        clauses = []
        for i, key in enumerate(keys):
            equal = [keys[j].column == values[j] for j in range(i)]
            clauses.append(and_(*equal, key.after(values[i])))
        page_stmt = page_stmt.where(or_(*clauses))
    page_stmt = page_stmt.order_by(*[k.order() for k in keys]).limit(limit + 1)
    rows = list((await session.execute(page_stmt)).scalars().all())
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _encode([getattr(rows[-1], k.attr) for k in keys]) if has_more and rows else None
    return rows, next_cursor, has_more, total
