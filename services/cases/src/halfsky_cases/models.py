"""Every cases table, imported in one place for Alembic."""

from halfsky_cases.base import AuditEntry, Base
from halfsky_cases.cases.models import Case

__all__ = ["AuditEntry", "Base", "Case"]
