"""Rows for Core inserts: the values the ORM would write for a table model, defaults included."""

import uuid
from typing import Any

import pytest
from sqlalchemy import BigInteger, Column, Computed, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from halfsky_common.rows import new_row


class Base(SQLModel, registry=registry()):
    """A registry of its own: these tables exist only here."""


class Thing(Base, table=True):
    __tablename__ = "thing"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str
    tags: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False))
    size: int = 3
    note: str | None = None
    upper_name: str | None = Field(default=None, sa_column=Column(Text, Computed("upper(name)")))


class Counted(Base, table=True):
    __tablename__ = "counted"

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)  # type: ignore[call-overload]
    label: str = ""


def test_new_row_fills_defaults_like_the_constructor_and_leaves_out_what_the_database_makes() -> None:
    row = new_row(Thing, name="a")
    assert set(row) == {"id", "name", "tags", "size", "note"}  # no computed column
    assert isinstance(row["id"], uuid.UUID) and row["tags"] == [] and row["size"] == 3 and row["note"] is None
    assert new_row(Thing, name="a")["id"] != row["id"]  # factories run per row
    assert new_row(Thing, name="b", size=5)["size"] == 5
    assert new_row(Counted) == {"label": ""}  # a serial key is the database's


@pytest.mark.parametrize(("given", "message"), [({}, "required"), ({"name": "a", "upper_name": "A"}, "no column")])
def test_new_row_refuses_missing_and_unknown_columns(given: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        new_row(Thing, **given)
