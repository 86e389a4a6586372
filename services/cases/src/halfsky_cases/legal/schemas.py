"""Request and response models of legal measures."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class MeasureKind(StrEnum):
    warning_letter = "warning_letter"  # 告诫书
    protection_order = "protection_order"  # 人身安全保护令
    legal_aid = "legal_aid"  # 法律援助


class MeasureIn(BaseModel):
    kind: MeasureKind
    authority: str = Field(default="", max_length=200)
    document_number: str = Field(default="", max_length=80)
    applied_on: date | None = None
    decided_on: date | None = Field(default=None, description="For a warning letter: the day it was issued.")
    notes: str = Field(default="", max_length=4000)


class MeasureTransitionIn(BaseModel):
    to: str = Field(pattern="^(granted|refused|lawyer_assigned|concluded|revoked)$")
    decided_on: date | None = None
    valid_until: date | None = None
    document_number: str | None = Field(default=None, max_length=80)
    lawyer_name: str | None = Field(default=None, max_length=100)
    lawyer_firm: str | None = Field(default=None, max_length=200)
    notes: str = Field(default="", max_length=4000)


class MeasurePublic(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    kind: MeasureKind
    status: str
    authority: str
    document_number: str
    applied_on: date | None
    decided_on: date | None
    valid_until: date | None
    lawyer_name: str
    lawyer_firm: str
    concluded_on: date | None
    notes: str
    created_by_name: str
    created_at: datetime
    version: int


class ExpiringOrder(MeasurePublic):
    case_number: str
    case_summary: str
    handler_name: str
    days_left: int
