"""The indicators service's own SQLModel registry, its audit table and the column helpers every table uses."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, Numeric, String, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from halfsky_common.audit import AuditEntryBase, audit_indexes, utcnow

AMOUNT = Numeric(24, 6)  # counts, money in fen and rates alike: exact, never float


class Base(SQLModel, registry=registry()):
    """Base of every indicators table."""


class AuditEntry(AuditEntryBase, Base, table=True):
    """Append-only record of every write."""

    __tablename__ = "audit_log"
    __table_args__ = audit_indexes("audit_log")


def uuid_pk() -> uuid.UUID:
    return Field(default_factory=uuid.uuid4, primary_key=True)  # type: ignore[no-any-return]


def timestamp_field() -> datetime:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)  # type: ignore[no-any-return, call-overload]


def optional_timestamp() -> datetime | None:
    return Field(default=None, sa_type=DateTime(timezone=True), nullable=True)  # type: ignore[no-any-return, call-overload]


def amount_field(*, nullable: bool = False, default: Any = ...) -> Decimal:
    """An exact number column."""
    if nullable:
        return Field(default=None, sa_type=AMOUNT, nullable=True)  # type: ignore[no-any-return, call-overload]
    return Field(default=default, sa_type=AMOUNT, nullable=False)  # type: ignore[no-any-return, call-overload]


def row_dict(row: SQLModel) -> dict[str, Any]:
    """A table row's columns as a dict (without pydantic's serialiser: loaded enums arrive as plain strings)."""
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}  # type: ignore[attr-defined]


class Versioned(SQLModel):
    """Columns of every editable row: its version (the ETag) and when it was made and last changed."""

    version: int = 1
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


OWNER = "The org path of the level that made it, which alone (with the levels above it) may change it; `/` national"


class Owned(SQLModel):
    """A shared definition's owner: the org path of the level that made it, which (with the levels above it) alone
    may change it (`access.ensure_may_change`); `/` is national, the programme catalogue as seeded. The name ends in
    `_org_path`, so a move in the tree carries it along."""

    owner_org_path: str = Field(sa_type=Text, nullable=False)  # type: ignore[call-overload]


class Bilingual(SQLModel):
    """A name in Chinese and, optionally, in English."""

    name_zh: str = Field(sa_type=String(200), nullable=False)  # type: ignore[call-overload]
    name_en: str = Field(default="", sa_type=String(200), nullable=False)  # type: ignore[call-overload]


class Placed(SQLModel):
    """Where and when a figure belongs: a unit's path and a period with its first and last day."""

    org_path: str = Field(sa_type=Text, nullable=False)  # type: ignore[call-overload]
    period: str = Field(max_length=20)
    period_start: date = Field(sa_type=Date, nullable=False)  # type: ignore[call-overload]
    period_end: date = Field(sa_type=Date, nullable=False)  # type: ignore[call-overload]
