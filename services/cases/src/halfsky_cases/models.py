"""Every cases table, imported in one place for Alembic."""

from halfsky_cases.actions.models import CaseAction
from halfsky_cases.attachments.models import Attachment
from halfsky_cases.base import AuditEntry, Base, RateCounter
from halfsky_cases.cases.models import Case, CaseEvent, CaseLink, CaseNumberCounter, CaseParty, RiskAssessment
from halfsky_cases.idempotency.models import IdempotencyRecord
from halfsky_cases.legal.models import LegalMeasure
from halfsky_cases.parties.models import Person
from halfsky_cases.protection.models import AccessLog
from halfsky_cases.referrals.models import Partner, Referral, ServicePoint
from halfsky_cases.supervision.models import Supervision
from halfsky_cases.transfers.models import Transfer

__all__ = [
    "AccessLog",
    "Attachment",
    "AuditEntry",
    "Base",
    "Case",
    "CaseAction",
    "CaseEvent",
    "CaseLink",
    "CaseNumberCounter",
    "CaseParty",
    "IdempotencyRecord",
    "LegalMeasure",
    "Partner",
    "Person",
    "RateCounter",
    "Referral",
    "RiskAssessment",
    "ServicePoint",
    "Supervision",
    "Transfer",
]
