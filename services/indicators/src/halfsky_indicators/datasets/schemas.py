"""Request and response models of data sets."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from halfsky_common.periods import PeriodType
from halfsky_indicators.base import OWNER
from halfsky_indicators.expressions import CODE


class DataSetCreate(BaseModel):
    code: str = Field(pattern=f"^{CODE}$")
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(default="", max_length=200)
    period_type: PeriodType
    due_days: int = Field(default=15, ge=0, le=366)
    elements: list[str] = Field(min_length=1, max_length=500, description="Element codes, in form order")
    description: str = ""


class DataSetUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    due_days: int | None = Field(default=None, ge=0, le=366)
    elements: list[str] | None = Field(default=None, min_length=1, max_length=500)
    description: str | None = None


class DataSetPublic(BaseModel):
    id: uuid.UUID
    code: str
    name_zh: str
    name_en: str
    period_type: PeriodType
    due_days: int
    elements: list[str]
    description: str
    owner_org_path: str = Field(description=OWNER)
    version: int
    created_at: datetime
    updated_at: datetime


class OrgUnitAssignment(BaseModel):
    org_units: list[str] = Field(max_length=50_000, description="Division codes or org paths expected to report")


class OrgUnitAssignmentPublic(BaseModel):
    data_set: str
    org_paths: list[str]
