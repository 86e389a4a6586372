"""Every indicators table, imported in one place for Alembic."""

from halfsky_indicators.base import AuditEntry, Base
from halfsky_indicators.indicators.models import Indicator

__all__ = ["AuditEntry", "Base", "Indicator"]
