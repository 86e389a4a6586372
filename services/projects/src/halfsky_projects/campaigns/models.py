"""Campaign projects (创建): phases over month ranges and responsibility letters signed with member units."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, DateTime, String, Text, UniqueConstraint
from sqlmodel import Field

from halfsky_common.audit import utcnow
from halfsky_projects.base import Base


class PhaseKind(StrEnum):
    """The phases of a campaign, in order."""

    mobilise = "mobilise"  # 动员
    implement = "implement"  # 实施
    self_check = "self_check"  # 自查整改
    acceptance = "acceptance"  # 验收


PHASE_ORDER = list(PhaseKind)


class CampaignPhase(Base, table=True):
    """One phase of a campaign, from its first month to its last."""

    __tablename__ = "campaign_phase"
    __table_args__ = (UniqueConstraint("project_id", "phase", name="uq_campaign_phase"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False, index=True)
    phase: str = Field(sa_column=Column(String(20), nullable=False))
    start_month: date = Field(sa_column=Column(Date, nullable=False))
    end_month: date = Field(sa_column=Column(Date, nullable=False))
    tasks: str = Field(default="", sa_column=Column(Text, nullable=False))
    completed_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    version: int = 1


class ResponsibilityLetter(Base, table=True):
    """A target-responsibility letter (目标责任书) signed with a member unit."""

    __tablename__ = "responsibility_letter"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False, index=True)
    member_unit: str = Field(sa_column=Column(String(200), nullable=False))
    member_org_path: str = Field(default="", sa_column=Column(Text, nullable=False))
    duties: str = Field(sa_column=Column(Text, nullable=False))
    targets: str = Field(default="", sa_column=Column(Text, nullable=False))
    signatory: str = Field(default="", sa_column=Column(String(100), nullable=False))
    signed_on: date = Field(sa_column=Column(Date, nullable=False))
    attachment_id: uuid.UUID | None = Field(default=None, foreign_key="attachment.id")
    created_by: str = Field(default="", sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
