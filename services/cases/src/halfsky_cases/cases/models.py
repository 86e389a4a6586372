"""A rights case (维权案件). The foundation holds only what the list needs; the case issue fills it in."""

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, Index, String, Text
from sqlmodel import Field

from halfsky_cases.base import Base
from halfsky_common.audit import utcnow


class Case(Base, table=True):
    __tablename__ = "rights_case"
    __table_args__ = (Index("ix_rights_case_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    number: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="received", sa_column=Column(String(20), nullable=False))
    received_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = 1
