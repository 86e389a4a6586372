"""Request and response models of indicators and targets."""

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from halfsky_indicators.base import OWNER
from halfsky_indicators.expressions import CODE
from halfsky_indicators.indicators.models import Comparator, Direction, Domain, Kind, Unit

INDICATOR_CODE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"


class ChecklistItem(BaseModel):
    """One pass/fail item; with a threshold the assessment gives a number (e.g. venue ≥ 400 m²)."""

    code: str = Field(pattern=f"^{CODE}$")
    label_zh: str = Field(min_length=1, max_length=200)
    label_en: str = Field(default="", max_length=200)
    comparator: Comparator | None = Field(default=None, description="ge, le or eq against the threshold")
    threshold: Decimal | None = None
    unit_label: str = Field(default="", max_length=20)


class TargetIn(BaseModel):
    year: int = Field(ge=1949, le=2200)
    value: Decimal
    org: str = Field(default="/", description="`/` for everywhere, or a division code or org path")
    note: str = Field(default="", max_length=200)


class TargetUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Decimal | None = None
    note: str | None = Field(default=None, max_length=200)


class TargetPublic(BaseModel):
    id: uuid.UUID
    year: int
    org_path: str
    value: Decimal
    note: str
    owner_org_path: str = Field(description=OWNER)
    version: int


class IndicatorFields(BaseModel):
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(default="", max_length=200)
    domain: Domain
    responsible_unit: str = Field(default="", max_length=100, description="Member unit, e.g. 卫生健康委")
    kind: Kind
    numerator: str | None = Field(default=None, max_length=2000, description="e.g. #{folic_takers}")
    denominator: str | None = Field(default=None, max_length=2000, description="e.g. #{folic_due}")
    factor: Decimal | None = Field(default=None, gt=0, description="Defaults from the unit: 100 for %, 1,000 for ‰…")
    unit: Unit
    unit_label: str = Field(default="", max_length=20)
    decimals: int = Field(default=2, ge=0, le=6)
    direction: Direction = Direction.higher_better
    comparator: Comparator = Comparator.ge
    baseline_value: Decimal | None = None
    baseline_year: int | None = Field(default=None, ge=1949, le=2200)
    checklist: list[ChecklistItem] = Field(default_factory=list, max_length=100)
    description: str = ""


class IndicatorCreate(IndicatorFields):
    code: str = Field(pattern=INDICATOR_CODE)
    plan: str = Field(description="The plan's code")
    targets: list[TargetIn] = Field(default_factory=list, max_length=200)


class IndicatorUpdate(BaseModel):
    """Any field but the code, kind and plan; the same checks as on create apply to the result."""

    model_config = ConfigDict(extra="forbid")

    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    domain: Domain | None = None
    responsible_unit: str | None = Field(default=None, max_length=100)
    numerator: str | None = Field(default=None, max_length=2000)
    denominator: str | None = Field(default=None, max_length=2000)
    factor: Decimal | None = Field(default=None, gt=0)
    unit: Unit | None = None
    unit_label: str | None = Field(default=None, max_length=20)
    decimals: int | None = Field(default=None, ge=0, le=6)
    direction: Direction | None = None
    comparator: Comparator | None = None
    baseline_value: Decimal | None = None
    baseline_year: int | None = Field(default=None, ge=1949, le=2200)
    checklist: list[ChecklistItem] | None = None
    description: str | None = None


class IndicatorPublic(IndicatorFields):
    id: uuid.UUID
    code: str
    plan: str
    factor: Decimal
    targets: list[TargetPublic] = []
    version: int
    created_at: datetime
    updated_at: datetime
