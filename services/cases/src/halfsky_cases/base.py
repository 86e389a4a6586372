"""The cases service's own SQLModel registry and its audit table."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from halfsky_common.audit import AuditEntryBase, audit_indexes
from halfsky_common.ratelimit import RateCounterBase


class Base(SQLModel, registry=registry()):
    """Base of every cases table."""


class AuditEntry(AuditEntryBase, Base, table=True):
    """Append-only record of every write."""

    __tablename__ = "audit_log"
    __table_args__ = audit_indexes("audit_log")


class RateCounter(RateCounterBase, Base, table=True):
    """Intake attempts per partner client, shared by every replica."""

    __tablename__ = "rate_counter"
