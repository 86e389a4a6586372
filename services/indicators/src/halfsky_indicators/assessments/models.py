"""Assessments of qualitative and checklist indicators: met or not, item by item, per unit and period."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from halfsky_indicators.base import Base, Placed, timestamp_field, uuid_pk


class QualitativeStatus(StrEnum):
    met = "met"  # 达到
    partly = "partly"  # 部分达到
    not_met = "not_met"  # 未达到


class Assessment(Placed, Base, table=True):
    """A unit's assessment for a period: a status (qualitative) or each item's answer (checklist)."""

    __tablename__ = "assessment"
    __table_args__ = (
        UniqueConstraint("indicator_id", "org_path", "period", name="uq_assessment_key"),
        Index("ix_assessment_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
    )

    id: uuid.UUID = uuid_pk()
    indicator_id: uuid.UUID = Field(sa_column=Column(ForeignKey("indicator.id", ondelete="CASCADE"), nullable=False))
    status: QualitativeStatus | None = Field(default=None, sa_type=String(16))  # type: ignore[call-overload]
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)  # type: ignore[call-overload]
    results: dict[str, bool] = Field(default_factory=dict, sa_type=JSONB)  # type: ignore[call-overload]
    passed: bool
    statement: str = Field(default="", sa_column=Column(Text, nullable=False))
    entered_by: str = Field(default="", max_length=200)
    entered_at: datetime = timestamp_field()
    version: int = 1
