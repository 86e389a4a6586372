"""Request and response models of data elements."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from halfsky_common.periods import PeriodType
from halfsky_indicators.base import OWNER
from halfsky_indicators.elements.models import Aggregation, Source, ValueType
from halfsky_indicators.expressions import CODE

ReportingPeriod = PeriodType


class ElementBase(BaseModel):
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(default="", max_length=200)
    value_type: ValueType
    period_type: PeriodType
    aggregation: Aggregation = Aggregation.sum
    unit_label: str = Field(default="", max_length=20)
    source: Source = Source.manual
    source_measure: str | None = Field(default=None, max_length=60, description="The feed's measure for derived ones")
    description: str = ""


class ElementCreate(ElementBase):
    code: str = Field(pattern=f"^{CODE}$", description="Used in expressions as #{code}")


class ElementUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    aggregation: Aggregation | None = None
    unit_label: str | None = Field(default=None, max_length=20)
    description: str | None = None


class ElementPublic(ElementBase):
    id: uuid.UUID
    code: str
    owner_org_path: str = Field(description=OWNER)
    version: int
    created_at: datetime
    updated_at: datetime
