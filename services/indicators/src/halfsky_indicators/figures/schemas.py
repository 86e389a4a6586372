"""Request and response models of reported figures."""

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class FigureCreate(BaseModel):
    indicator: str
    org: str = Field(description="Division code or org path")
    period: str
    numerator: Decimal
    denominator: Decimal | None = None
    stated_value: Decimal | None = Field(
        default=None, description="The rate as the source states it; send it as a string to keep its decimals"
    )
    source: str = Field(default="", max_length=200, description="e.g. the document number 宝市卫社发[2011]301号")
    note: str = ""


class FigureUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    numerator: Decimal | None = None
    denominator: Decimal | None = None
    stated_value: Decimal | None = None
    source: str | None = Field(default=None, max_length=200)
    note: str | None = None


class FigurePublic(BaseModel):
    id: uuid.UUID
    indicator: str
    org_path: str
    period: str
    numerator: Decimal
    denominator: Decimal | None
    stated_value: Decimal | None
    computed_value: Decimal | None = Field(description="numerator / denominator × factor, to the stated decimals")
    mismatch: bool | None = Field(description="The stated rate differs from the computed one; null if uncheckable")
    explanation: str
    source: str
    note: str
    entered_by: str
    entered_at: datetime
    version: int
