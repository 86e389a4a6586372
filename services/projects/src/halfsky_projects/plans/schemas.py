"""Request and response models of targets, typed-in actuals and progress."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from halfsky_projects.fields import Count, ShortText, Text
from halfsky_projects.measures import Measure

PeriodCode = Annotated[str, Field(pattern=r"^\d{4}(H[12]|Q[1-4]|0[1-9]|1[0-2])?$", examples=["2026Q1"])]


class TargetCreate(BaseModel):
    measure: Measure
    period: PeriodCode
    value: Count
    parent_id: uuid.UUID | None = Field(default=None, description="Makes this an 'of which' (其中) part of a target.")
    label: ShortText = Field(default="", description="Programme of an 'of which' target (e.g. 万人千元就业工程).")
    note: Text = ""


class TargetUpdate(BaseModel):
    value: Count | None = None
    note: Text | None = None


class TargetPublic(BaseModel):
    id: uuid.UUID
    measure: str
    period: str
    period_start: date
    period_end: date
    parent_id: uuid.UUID | None
    label: str
    value: int
    note: str
    version: int


class PlanWarning(BaseModel):
    """A plan that does not add up: the period targets of a year differ from the year's target."""

    code: str
    measure: str
    year: int
    granularity: str
    year_target: int
    periods_sum: int
    difference: int
    periods: dict[str, int]
    message: str


class Plan(BaseModel):
    targets: list[TargetPublic]
    warnings: list[PlanWarning]


class TargetSaved(BaseModel):
    target: TargetPublic
    warnings: list[PlanWarning]


class ReportedActualCreate(BaseModel):
    measure: Measure
    counted_on: date
    value: Count
    label: ShortText = ""
    note: Text = ""


class ReportedActualPublic(BaseModel):
    id: uuid.UUID
    measure: str
    counted_on: date
    value: int
    label: str
    note: str
    org_path: str
    created_at: datetime
    ignored: bool = Field(description="True when records exist for the measure, so this typed total is not counted.")


class ProgressRow(BaseModel):
    target_id: uuid.UUID
    measure: str
    period: str
    label: str
    parent_id: uuid.UUID | None
    target: int
    actual: int
    source: str = Field(description="records or reported")
    completion_pct: float | None
    expected_by_now: int
    period_state: str = Field(description="future, current or past")
    behind_schedule: bool
    over_fulfilled: bool = Field(description="超任务: actual above target")
    surplus: int


class Progress(BaseModel):
    as_of: date
    behind_schedule: bool
    rows: list[ProgressRow]
    warnings: list[PlanWarning]
