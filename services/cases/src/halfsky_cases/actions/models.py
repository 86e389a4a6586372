"""One action taken on a case: who, when, what."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field

from halfsky_cases.base import Base
from halfsky_common.audit import utcnow


class CaseAction(Base, table=True):
    __tablename__ = "case_action"
    __table_args__ = (
        Index("ix_case_action_case", "case_id", "occurred_at"),
        Index("ix_case_action_kind_at", "kind", "occurred_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    case_id: uuid.UUID = Field(sa_column=Column(ForeignKey("rights_case.id", ondelete="CASCADE"), nullable=False))
    kind: str = Field(max_length=30)
    occurred_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    actor_id: str = Field(max_length=80)
    actor_name: str = Field(default="", max_length=200)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    parties: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(String(100)), nullable=False))
    result: str | None = Field(default=None, max_length=20)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
