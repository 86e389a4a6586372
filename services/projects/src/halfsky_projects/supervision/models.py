"""Supervision visits (督导) by higher units and the rectifications they require of the project."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, DateTime, String, Text
from sqlmodel import Field

from halfsky_common.audit import utcnow
from halfsky_projects.base import Base


class RectificationStatus(StrEnum):
    """Where a required rectification stands."""

    open = "open"  # 待整改
    answered = "answered"  # 已答复
    accepted = "accepted"  # 已验收


class SupervisionVisit(Base, table=True):
    """A visit by a higher unit with its written opinions (督导意见书)."""

    __tablename__ = "supervision_visit"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False, index=True)
    supervisor_org_path: str = Field(sa_column=Column(Text, nullable=False))
    visited_on: date = Field(sa_column=Column(Date, nullable=False))
    supervisors: str = Field(default="", sa_column=Column(String(300), nullable=False))
    opinions: str = Field(sa_column=Column(Text, nullable=False))
    created_by: str = Field(default="", sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class Rectification(Base, table=True):
    """Something the visit requires the project to put right, and the project's answer."""

    __tablename__ = "rectification"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    visit_id: uuid.UUID = Field(foreign_key="supervision_visit.id", nullable=False, index=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False, index=True)
    requirement: str = Field(sa_column=Column(Text, nullable=False))
    due_on: date = Field(sa_column=Column(Date, nullable=False))
    status: str = Field(default=RectificationStatus.open, sa_column=Column(String(20), nullable=False))
    response: str = Field(default="", sa_column=Column(Text, nullable=False))
    responded_by: str = Field(default="", sa_column=Column(String(200), nullable=False))
    responded_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    review_comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    reviewed_by: str = Field(default="", sa_column=Column(String(200), nullable=False))
    reviewed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    version: int = 1
