"""One legal measure of a case, with its dates."""

import uuid
from datetime import date, datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Text
from sqlmodel import Field

from halfsky_cases.base import Base
from halfsky_common.audit import utcnow


class LegalMeasure(Base, table=True):
    __tablename__ = "legal_measure"
    __table_args__ = (Index("ix_legal_measure_expiry", "kind", "status", "valid_until"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    case_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("rights_case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    kind: str = Field(max_length=20)  # warning_letter | protection_order | legal_aid
    status: str = Field(max_length=20)
    authority: str = Field(default="", max_length=200, description="Police station, court or legal-aid centre.")
    document_number: str = Field(default="", max_length=80)
    applied_on: date | None = None
    decided_on: date | None = None
    valid_until: date | None = None
    lawyer_name: str = Field(default="", max_length=100)
    lawyer_firm: str = Field(default="", max_length=200)
    concluded_on: date | None = None
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_by_name: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = 1
