"""Plan targets per measure and period (with 其中 sub-targets) and typed-in actuals for measures without records."""

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Date, DateTime, Index, String, Text, UniqueConstraint
from sqlmodel import Field

from halfsky_common.audit import utcnow
from halfsky_projects.base import Base


class Target(Base, table=True):
    """A planned figure for one measure in one period; `parent_id` makes it an "of which" part of another."""

    __tablename__ = "plan_target"
    __table_args__ = (
        UniqueConstraint("project_id", "measure", "period", "label", name="uq_plan_target_measure_period_label"),
        Index("ix_plan_target_project", "project_id", "measure"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False)
    parent_id: uuid.UUID | None = Field(default=None, foreign_key="plan_target.id")
    measure: str = Field(sa_column=Column(String(40), nullable=False))
    period: str = Field(sa_column=Column(String(7), nullable=False))
    period_start: date = Field(sa_column=Column(Date, nullable=False))
    period_end: date = Field(sa_column=Column(Date, nullable=False))
    label: str = Field(default="", sa_column=Column(String(200), nullable=False))
    value: int = Field(sa_column=Column(BigInteger, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = 1


class ReportedActual(Base, table=True):
    """A typed-in actual figure (e.g. households reached); ignored for a measure once records exist for it."""

    __tablename__ = "reported_actual"
    __table_args__ = (
        Index("ix_reported_actual_project", "project_id", "measure", "counted_on"),
        Index("ix_reported_actual_org", "org_path", "counted_on", postgresql_ops={"org_path": "text_pattern_ops"}),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    measure: str = Field(sa_column=Column(String(40), nullable=False))
    counted_on: date = Field(sa_column=Column(Date, nullable=False))
    value: int = Field(sa_column=Column(BigInteger, nullable=False))
    label: str = Field(default="", sa_column=Column(String(200), nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_by: str = Field(default="", sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
