"""Every projects table, imported in one place for Alembic."""

from halfsky_projects.base import AuditEntry, Base
from halfsky_projects.idempotency import IdempotencyRecord
from halfsky_projects.plans.models import ReportedActual, Target
from halfsky_projects.projects.models import Project, ProjectCounter, ProjectEvent, ProjectReview

__all__ = [
    "AuditEntry",
    "Base",
    "IdempotencyRecord",
    "Project",
    "ProjectCounter",
    "ProjectEvent",
    "ProjectReview",
    "ReportedActual",
    "Target",
]
