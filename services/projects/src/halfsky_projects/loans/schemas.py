"""Request and response models of micro-loans."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from halfsky_projects.beneficiaries.schemas import BeneficiaryCreate
from halfsky_projects.fields import Count, Name, PositiveFen, Reason, ShortText, Text


class LoanCreate(BaseModel):
    borrower: BeneficiaryCreate = Field(description="Registered as a beneficiary (or matched by identity number).")
    applied_on: date
    amount_fen: PositiveFen
    business: Name = Field(description="e.g. 生猪养殖, 果蔬种植")
    purpose: Text = ""
    jobs_created: Count = Field(default=0, description="Jobs the business is expected to create (带动就业).")


class StepRequest(BaseModel):
    approve: bool
    opinion: Reason = ""


class GrantRequest(BaseModel):
    granted_on: date
    amount_fen: PositiveFen
    lender: ShortText = ""
    jobs_created: Count | None = None
    label: ShortText = ""


class StepPublic(BaseModel):
    step: str
    approve: bool
    opinion: str
    actor_name: str
    actor_org_path: str
    at: datetime


class LoanPublic(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    beneficiary_id: uuid.UUID
    borrower_name: str
    org_path: str
    applied_on: date
    amount_fen: int
    business: str
    purpose: str
    jobs_created: int
    status: str
    granted_on: date | None
    granted_amount_fen: int
    lender: str
    version: int
    steps: list[StepPublic] = Field(default_factory=list)


LoanStepName = Annotated[str, Field(pattern="^(certify|submit|opinion)$")]
