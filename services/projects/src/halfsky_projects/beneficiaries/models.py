"""People registered against a project and the outcomes they reached."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Date, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field

from halfsky_common.audit import utcnow
from halfsky_projects.base import Base


class OutcomeKind(StrEnum):
    """What a beneficiary achieved through the project."""

    trained = "trained"  # 参加培训
    certified = "certified"  # 取得证书
    employed = "employed"  # 实现就业
    business_started = "business_started"  # 自主创业
    loan = "loan"  # 获得贷款
    screened = "screened"  # 接受筛查


class Beneficiary(Base, table=True):
    """A person registered against a project (受益人), identity masked."""

    __tablename__ = "beneficiary"
    __table_args__ = (
        UniqueConstraint("project_id", "id_hash", name="uq_beneficiary_project_identity"),
        Index("ix_beneficiary_project", "project_id", "registered_on"),
        Index("ix_beneficiary_org", "org_path", "registered_on", postgresql_ops={"org_path": "text_pattern_ops"}),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    name: str = Field(sa_column=Column(String(100), nullable=False))
    gender: str = Field(default="female", sa_column=Column(String(10), nullable=False))
    birth_year: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    # The document the identity number is of (halfsky_common.personal.DocumentType); rows from before it existed
    # were resident IDs, the only kind accepted then.
    id_type: str = Field(
        default="resident_id", sa_column=Column(String(30), nullable=False, server_default="resident_id")
    )
    id_number_masked: str = Field(default="", sa_column=Column(String(20), nullable=False))
    id_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    phone_masked: str = Field(default="", sa_column=Column(String(20), nullable=False))
    target_group: str = Field(default="", sa_column=Column(String(100), nullable=False))
    registered_on: date = Field(sa_column=Column(Date, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_by: str = Field(default="", sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = 1


class Outcome(Base, table=True):
    """One outcome a beneficiary reached, on a date, optionally under a programme label."""

    __tablename__ = "beneficiary_outcome"
    __table_args__ = (
        Index("ix_outcome_project", "project_id", "kind", "achieved_on"),
        Index("ix_outcome_org", "org_path", "achieved_on", postgresql_ops={"org_path": "text_pattern_ops"}),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    beneficiary_id: uuid.UUID = Field(foreign_key="beneficiary.id", nullable=False, index=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(String(30), nullable=False))
    achieved_on: date = Field(sa_column=Column(Date, nullable=False))
    amount_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    label: str = Field(default="", sa_column=Column(String(200), nullable=False))
    activity_id: uuid.UUID | None = Field(default=None, foreign_key="activity.id")
    loan_id: uuid.UUID | None = Field(default=None, foreign_key="micro_loan.id")
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_by: str = Field(default="", sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
