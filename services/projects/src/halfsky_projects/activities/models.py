"""Activities a project holds (trainings, lectures, campaigns, visits, fairs) and training attendance."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from halfsky_common.audit import utcnow
from halfsky_projects.base import Base


class ActivityKind(StrEnum):
    """Kinds of activity."""

    training = "training"  # 培训
    lecture = "lecture"  # 讲座
    campaign = "campaign"  # 集中宣传
    visit = "visit"  # 走访
    fair = "fair"  # 招聘会
    other = "other"


class Activity(Base, table=True):
    """One activity held under a project."""

    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_project", "project_id", "held_on"),
        Index("ix_activity_org", "org_path", "held_on", postgresql_ops={"org_path": "text_pattern_ops"}),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    title: str = Field(sa_column=Column(String(200), nullable=False))
    held_on: date = Field(sa_column=Column(Date, nullable=False))
    place: str = Field(default="", sa_column=Column(String(200), nullable=False))
    hours: Decimal = Field(default=Decimal(0), sa_column=Column(Numeric(6, 1), nullable=False))
    trainer: str = Field(default="", sa_column=Column(String(200), nullable=False))
    participant_count: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    attendance_kept: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    label: str = Field(default="", sa_column=Column(String(200), nullable=False))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False))
    photo_ids: list[Any] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    created_by: str = Field(default="", sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = 1


class Attendance(Base, table=True):
    """Whether a registered beneficiary attended a training."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("activity_id", "beneficiary_id", name="uq_attendance_person"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    activity_id: uuid.UUID = Field(foreign_key="activity.id", nullable=False, index=True)
    beneficiary_id: uuid.UUID = Field(foreign_key="beneficiary.id", nullable=False)
    present: bool = True
    note: str = Field(default="", sa_column=Column(String(200), nullable=False))
