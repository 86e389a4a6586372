"""Every projects table, imported in one place for Alembic."""

from halfsky_projects.activities.models import Activity, Attendance
from halfsky_projects.attachments.models import Attachment, AttachmentBlob
from halfsky_projects.base import AuditEntry, Base
from halfsky_projects.beneficiaries.models import Beneficiary, Outcome
from halfsky_projects.campaigns.models import CampaignPhase, ResponsibilityLetter
from halfsky_projects.evaluations.models import CriteriaSet, Evaluation
from halfsky_projects.idempotency import IdempotencyRecord
from halfsky_projects.loans.models import LoanStep, MicroLoan
from halfsky_projects.money.models import BudgetLine, Expenditure
from halfsky_projects.plans.models import ReportedActual, Target
from halfsky_projects.projects.models import Project, ProjectCounter, ProjectEvent, ProjectReview
from halfsky_projects.supervision.models import Rectification, SupervisionVisit

__all__ = [
    "Activity",
    "Attachment",
    "AttachmentBlob",
    "Attendance",
    "AuditEntry",
    "Base",
    "Beneficiary",
    "BudgetLine",
    "CampaignPhase",
    "CriteriaSet",
    "Evaluation",
    "Expenditure",
    "IdempotencyRecord",
    "LoanStep",
    "MicroLoan",
    "Outcome",
    "Project",
    "ProjectCounter",
    "ProjectEvent",
    "ProjectReview",
    "Rectification",
    "ReportedActual",
    "ResponsibilityLetter",
    "SupervisionVisit",
    "Target",
]
