"""Every cases table, imported in one place for Alembic."""

from halfsky_cases.base import AuditEntry, Base
from halfsky_cases.cases.models import Case, CaseEvent, CaseLink, CaseNumberCounter, CaseParty, RiskAssessment
from halfsky_cases.idempotency.models import IdempotencyRecord
from halfsky_cases.parties.models import Person
from halfsky_cases.protection.models import AccessLog

__all__ = [
    "AccessLog",
    "AuditEntry",
    "Base",
    "Case",
    "CaseEvent",
    "CaseLink",
    "CaseNumberCounter",
    "CaseParty",
    "IdempotencyRecord",
    "Person",
    "RiskAssessment",
]
