"""Rows for Core inserts of SQLModel tables: the values the ORM would write, without its unit of work.

A hot write path (case intake) inserts its rows with a few `INSERT` statements on the session's connection instead
of building ORM objects and flushing them: constructing a table model and flushing it costs about a millisecond of
CPU per object and a round trip per table and flush. `new_row(Model, **given)` fills in the model's Python-side
defaults (`default`, `default_factory`) as its constructor would; like the constructor of a table model, it does
not validate (validate the request model instead).
"""

import re
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from typing import Any, cast

from pydantic_core import PydanticUndefined
from sqlalchemy import BindParameter, Table, TextClause, bindparam, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

_Default = tuple[str, Any, Callable[[], Any] | None]
MAX_BINDS = 30_000  # PostgreSQL's protocol allows 32,767 parameters in one statement


def table_of(model: type[SQLModel]) -> Table:
    """The table behind a `table=True` model."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


@cache
def _defaults(model: type[SQLModel]) -> tuple[_Default, ...]:
    """(column, default, factory) of every column the application writes: not computed columns, not serial keys."""
    columns = table_of(model).columns
    found = []
    for name, info in model.model_fields.items():
        column = columns.get(name)
        if column is None or column.computed is not None:
            continue
        factory = cast(Callable[[], Any] | None, info.default_factory)
        if column.primary_key and factory is None and info.default is None:
            continue  # the database numbers it
        found.append((name, info.default, factory))
    return tuple(found)


def new_row(model: type[SQLModel], **given: Any) -> dict[str, Any]:
    """The column values of `model(**given)` as the ORM would insert them."""
    row: dict[str, Any] = {}
    for name, default, factory in _defaults(model):
        if name in given:
            row[name] = given[name]
        elif factory is not None:
            row[name] = factory()
        elif default is PydanticUndefined:
            raise TypeError(f"{model.__name__}.{name} is required")
        else:
            row[name] = default
    unknown = given.keys() - row.keys()
    if unknown:
        raise TypeError(f"{model.__name__} has no column(s) {sorted(unknown)} the application writes")
    return row


async def insert_together(conn: AsyncConnection, batches: Sequence[tuple[Table, Sequence[dict[str, Any]]]]) -> None:
    """Insert every batch of rows in one statement, so one round trip writes them all.

    Each table's rows become a multi-row `INSERT` in a data-modifying CTE of the last one (empty batches are
    left out). PostgreSQL runs them in one snapshot and checks foreign keys at the end of the statement, when every
    row is in, so a parent and its children may go together; row triggers fire as for separate inserts. All rows of
    a batch must have the same columns (as `new_row` makes them); give parents before children. Beyond `MAX_BINDS`
    values, each batch gets a statement of its own.
    """
    present = [(table, rows) for table, rows in batches if rows]
    if not present:
        return
    if sum(len(rows) * len(rows[0]) for _, rows in present) > MAX_BINDS:
        for table, rows in present:  # too many values for one statement: one executemany per table, in order
            await conn.execute(insert(table), list(rows))
        return
    shape = tuple((table, tuple(rows[0]), len(rows)) for table, rows in present)
    params = {
        f"t{t}_{r}_{name}": value
        for t, (_, rows) in enumerate(present)
        for r, row in enumerate(rows)
        for name, value in row.items()
    }
    await conn.execute(_together(shape), params)


@lru_cache(maxsize=512)
def _together(shape: tuple[tuple[Table, tuple[str, ...], int], ...]) -> TextClause:
    """The statement for batches of this shape (table, columns, rows), built once.

    Written as text with typed bind parameters: SQLAlchemy does not cache the compiled form of a multi-row
    `insert().values([...])`, and compiling it again for every intake cost more than the rest of the request.
    """
    inserts: list[str] = []
    binds: list[BindParameter[Any]] = []
    for t, (table, names, count) in enumerate(shape):
        rows = []
        for r in range(count):
            keys = [f"t{t}_{r}_{name}" for name in names]
            rows.append("(" + ", ".join(f":{key}" for key in keys) + ")")
            binds += [bindparam(key, type_=table.c[name].type) for key, name in zip(keys, names, strict=True)]
        columns = ", ".join(_identifier(name) for name in names)
        inserts.append(f"INSERT INTO {_identifier(table.name)} ({columns}) VALUES {', '.join(rows)}")  # noqa: S608 (checked names, bound values)
    *first, last = inserts
    ctes = ", ".join(f"w{i} AS ({sql})" for i, sql in enumerate(first))
    return text(f"WITH {ctes} {last}" if first else last).bindparams(*binds)


def _identifier(name: str) -> str:
    """Table and column names go into SQL text: plain lower-case identifiers only."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return name
