"""Rows for Core inserts of SQLModel tables: the values the ORM would write, without its unit of work.

A hot write path (case intake) inserts its rows with a few `INSERT` statements on the session's connection instead
of building ORM objects and flushing them: constructing a table model and flushing it costs about a millisecond of
CPU per object and a round trip per table and flush. `new_row(Model, **given)` fills in the model's Python-side
defaults (`default`, `default_factory`) as its constructor would; like the constructor of a table model, it does
not validate (validate the request model instead).
"""

from collections.abc import Callable
from functools import cache
from typing import Any, cast

from pydantic_core import PydanticUndefined
from sqlalchemy import Table
from sqlmodel import SQLModel

_Default = tuple[str, Any, Callable[[], Any] | None]


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
