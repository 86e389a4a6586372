"""The indicators service's own SQLModel registry and its audit table."""

from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from halfsky_common.audit import AuditEntryBase, audit_indexes


class Base(SQLModel, registry=registry()):
    """Base of every indicators table."""


class AuditEntry(AuditEntryBase, Base, table=True):
    """Append-only record of every write."""

    __tablename__ = "audit_log"
    __table_args__ = audit_indexes("audit_log")
