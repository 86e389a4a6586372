"""Request and response models of assessments."""

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field, StrictBool

from halfsky_indicators.assessments.models import QualitativeStatus


class AssessmentIn(BaseModel):
    status: QualitativeStatus | None = Field(default=None, description="For qualitative indicators")
    answers: dict[str, StrictBool | Decimal] = Field(
        default_factory=dict,
        description="Checklist: item code → true/false, or the measured number for items with a threshold",
    )
    statement: str = Field(default="", max_length=4000)


class AssessmentPublic(BaseModel):
    id: uuid.UUID
    indicator: str
    org_path: str
    period: str
    status: QualitativeStatus | None
    answers: dict[str, bool | Decimal]
    results: dict[str, bool]
    passed: bool
    statement: str
    entered_by: str
    entered_at: datetime
    version: int
