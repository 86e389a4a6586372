"""Every projects table, imported in one place for Alembic."""

from halfsky_projects.base import AuditEntry, Base
from halfsky_projects.projects.models import Project

__all__ = ["AuditEntry", "Base", "Project"]
