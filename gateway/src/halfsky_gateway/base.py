"""The gateway's own SQLModel registry, so its tables never mix with another service's metadata."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from halfsky_common.audit import AuditEntryBase, audit_indexes, utcnow
from halfsky_common.ratelimit import RateCounterBase


class Base(SQLModel, registry=registry()):
    """Base of every gateway table."""


def uuid_pk() -> uuid.UUID:
    return Field(default_factory=uuid.uuid4, primary_key=True)  # type: ignore[no-any-return]


def timestamp_field() -> datetime:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)  # type: ignore[no-any-return, call-overload]


class AuditEntry(AuditEntryBase, Base, table=True):
    """Who changed users, org units and clients, and who logged in."""

    __tablename__ = "audit_log"
    __table_args__ = audit_indexes("audit_log")


class RateCounter(RateCounterBase, Base, table=True):
    """Sign-in attempts per client address and per username, shared by every gateway replica."""

    __tablename__ = "rate_counter"
