"""Request and response models of plans."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from halfsky_indicators.plans.models import PlanKind


class PlanCreate(BaseModel):
    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(default="", max_length=200)
    kind: PlanKind
    start_year: int = Field(ge=1949, le=2200)
    end_year: int = Field(ge=1949, le=2200)
    org: str = Field(default="/", description="Jurisdiction: `/` (national), a division code or an org path")
    description: str = ""

    @model_validator(mode="after")
    def _years_in_order(self) -> "PlanCreate":
        if self.end_year < self.start_year:
            raise ValueError("end_year comes before start_year")
        return self


class PlanUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    start_year: int | None = Field(default=None, ge=1949, le=2200)
    end_year: int | None = Field(default=None, ge=1949, le=2200)
    description: str | None = None


class PlanPublic(BaseModel):
    id: uuid.UUID
    code: str
    name_zh: str
    name_en: str
    kind: PlanKind
    start_year: int
    end_year: int
    period: str = Field(description="The plan period as a period code, e.g. 2021-2030")
    org_path: str
    description: str
    version: int
    created_at: datetime
    updated_at: datetime
