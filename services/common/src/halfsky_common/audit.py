"""The append-only audit trail: who did what to which record, when, under which request (hash-chained)."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Index, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from halfsky_common.auth import Principal
from halfsky_common.requestid import request_id_var


def utcnow() -> datetime:
    return datetime.now(UTC)


class HashChained(SQLModel):
    """The hash-chain columns (see `halfsky_common.auditchain`): the table's insert trigger sets them, never the app."""

    chain_seq: int | None = Field(default=None, sa_type=BigInteger)  # type: ignore[call-overload]
    prev_hash: str | None = Field(default=None, max_length=64)
    row_hash: str | None = Field(default=None, max_length=64)


def chain_index(table_name: str) -> Index:
    """One row per place in the chain: two writers that raced past the lock would fail loudly, not fork it."""
    return Index(f"uq_{table_name}_chain_seq", "chain_seq", unique=True)


class AuditEntryBase(HashChained):
    """Columns of every service's `audit_log` table; subclass it with `table=True` in the service's registry."""

    # sa_type, not sa_column: a Column object would be shared by every service's subclass.
    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)  # type: ignore[call-overload]
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)  # type: ignore[call-overload]
    actor_id: str = Field(max_length=64)
    actor_name: str = Field(default="", max_length=200)
    action: str = Field(max_length=80)
    entity_type: str = Field(max_length=40)
    entity_id: str = Field(max_length=64)
    org_path: str = Field(default="", sa_type=Text)  # type: ignore[call-overload]
    request_id: str = Field(default="", max_length=128)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)  # type: ignore[call-overload]


def audit_indexes(table_name: str) -> tuple[Index, ...]:
    """Indexes the audit views need: by entity and by time."""
    return (
        Index(f"ix_{table_name}_entity", "entity_type", "entity_id"),
        Index(f"ix_{table_name}_at", "at"),
        chain_index(table_name),
    )


def audit_row(
    *, actor: Principal, action: str, entity_type: str, entity_id: Any, org_path: str = "", **detail: Any
) -> dict[str, Any]:
    """The columns of one audit row (the chain columns are left to the table's trigger)."""
    return {
        "at": utcnow(),
        "actor_id": actor.id,
        "actor_name": actor.name,
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "org_path": org_path,
        "request_id": request_id_var.get(),
        "detail": detail,
    }


def record(
    session: AsyncSession,
    model: type[AuditEntryBase],
    *,
    actor: Principal,
    action: str,
    entity_type: str,
    entity_id: Any,
    org_path: str = "",
    **detail: Any,
) -> AuditEntryBase:
    """Add an audit row to the caller's transaction: it commits or rolls back with the change it describes."""
    entry = model(
        **audit_row(
            actor=actor, action=action, entity_type=entity_type, entity_id=entity_id, org_path=org_path, **detail
        )
    )
    session.add(entry)
    return entry
