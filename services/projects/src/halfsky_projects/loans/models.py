"""Guaranteed micro-loans (小额担保贷款) and the approval steps each went through."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Index, Integer, String, Text
from sqlmodel import Field

from halfsky_common.audit import utcnow
from halfsky_projects.base import Base


class LoanStatus(StrEnum):
    """Where a loan application stands."""

    applied = "applied"  # 申请
    certified = "certified"  # 村妇联出证明
    submitted = "submitted"  # 乡镇妇联报材料
    endorsed = "endorsed"  # 县妇联同意
    granted = "granted"  # 放款
    declined = "declined"  # 未通过


class MicroLoan(Base, table=True):
    """A loan application of a rural woman, from the village certificate to the grant."""

    __tablename__ = "micro_loan"
    __table_args__ = (
        Index("ix_micro_loan_project", "project_id", "status"),
        Index("ix_micro_loan_org", "org_path", "granted_on", postgresql_ops={"org_path": "text_pattern_ops"}),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False)
    beneficiary_id: uuid.UUID = Field(foreign_key="beneficiary.id", nullable=False)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    applied_on: date = Field(sa_column=Column(Date, nullable=False))
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    business: str = Field(sa_column=Column(String(200), nullable=False))
    purpose: str = Field(default="", sa_column=Column(Text, nullable=False))
    jobs_created: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    status: str = Field(default=LoanStatus.applied, sa_column=Column(String(20), nullable=False))
    granted_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    granted_amount_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    lender: str = Field(default="", sa_column=Column(String(200), nullable=False))
    created_by: str = Field(default="", sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = 1


class LoanStep(Base, table=True):
    """One step of the chain: who (at which level) certified, submitted or gave an opinion, and what they said."""

    __tablename__ = "micro_loan_step"

    id: int | None = Field(default=None, primary_key=True)
    loan_id: uuid.UUID = Field(foreign_key="micro_loan.id", nullable=False, index=True)
    step: str = Field(sa_column=Column(String(20), nullable=False))
    approve: bool = Field(sa_column=Column(Boolean, nullable=False))
    opinion: str = Field(default="", sa_column=Column(Text, nullable=False))
    actor_id: str = Field(sa_column=Column(String(64), nullable=False))
    actor_name: str = Field(default="", sa_column=Column(String(200), nullable=False))
    actor_org_path: str = Field(sa_column=Column(Text, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
