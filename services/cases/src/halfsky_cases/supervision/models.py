"""A supervision order on a case and the handling unit's reply."""

import uuid
from datetime import date, datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Text
from sqlmodel import Field

from halfsky_cases.base import Base
from halfsky_common.audit import utcnow


class Supervision(Base, table=True):
    __tablename__ = "supervision"
    __table_args__ = (
        Index(
            "ix_supervision_org",
            "supervisor_org_path",
            "status",
            postgresql_ops={"supervisor_org_path": "text_pattern_ops"},
        ),
        Index("ix_supervision_due", "status", "due_on"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    case_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("rights_case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    supervisor_org_path: str = Field(sa_column=Column(Text, nullable=False))
    instruction: str = Field(sa_column=Column(Text, nullable=False))
    due_on: date
    status: str = Field(default="open", max_length=20)  # open | replied | closed
    created_by_id: str = Field(max_length=80)
    created_by_name: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    reply: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    replied_by_name: str = Field(default="", max_length=200)
    replied_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    version: int = 1
