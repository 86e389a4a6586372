"""Request and response models of validation rules and their results."""

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from halfsky_indicators.base import OWNER
from halfsky_indicators.entry.schemas import Violation
from halfsky_indicators.expressions import CODE
from halfsky_indicators.validation.models import RuleKind, Severity


class RuleFields(BaseModel):
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(default="", max_length=200)
    kind: RuleKind
    severity: Severity = Severity.error
    expression: str | None = Field(default=None, max_length=2000, description="For kind expression")
    element: str | None = Field(default=None, description="Element code, for kinds range and jump")
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    threshold_pct: Decimal | None = Field(default=None, gt=0, description="For kind jump: the change in % that warns")
    data_set: str | None = Field(default=None, description="Only on this data set's submissions")
    description: str = ""


class RuleCreate(RuleFields):
    code: str = Field(pattern=f"^{CODE}$")


class RuleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    severity: Severity | None = None
    expression: str | None = Field(default=None, max_length=2000)
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    threshold_pct: Decimal | None = Field(default=None, gt=0)
    description: str | None = None


class RulePublic(RuleFields):
    id: uuid.UUID
    code: str
    owner_org_path: str = Field(description=OWNER)
    version: int
    created_at: datetime
    updated_at: datetime


class ValidationReport(BaseModel):
    org_path: str
    period: str
    checked: int = Field(description="Unit × period combinations checked")
    violations: list[Violation]
    truncated: bool = False
