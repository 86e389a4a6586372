"""A federation project. The foundation holds only what the list needs; the project issue fills it in."""

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, Index, String, Text
from sqlmodel import Field

from halfsky_common.audit import utcnow
from halfsky_projects.base import Base


class Project(Base, table=True):
    __tablename__ = "project"
    __table_args__ = (Index("ix_project_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="draft", sa_column=Column(String(20), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = 1
