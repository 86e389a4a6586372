"""Request and response models of data entry and reports."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from halfsky_indicators.entry.models import ReportStatus


class ValueIn(BaseModel):
    element: str = Field(description="Element code")
    value: Decimal | None = Field(description="null clears the value")
    comment: str = Field(default="", max_length=2000)


class FormSave(BaseModel):
    values: list[ValueIn] = Field(max_length=1000)


class FormValue(BaseModel):
    element: str
    name_zh: str
    name_en: str
    value_type: str
    unit_label: str
    value: Decimal | None = None
    comment: str = ""
    entered_by: str = ""
    entered_at: datetime | None = None


class ReportPublic(BaseModel):
    id: uuid.UUID | None = None
    data_set: str
    org_path: str
    period: str
    period_start: date
    period_end: date
    status: ReportStatus
    comment: str = ""
    return_reason: str = ""
    submitted_at: datetime | None = None
    submitted_by: str = ""
    approved_at: datetime | None = None
    approved_by: str = ""
    returned_at: datetime | None = None
    returned_by: str = ""
    due: date | None = None
    version: int = 0


class FormPublic(ReportPublic):
    locked: bool
    values: list[FormValue]


class Violation(BaseModel):
    rule: str
    name_zh: str
    severity: str
    message: str
    org_path: str
    period: str


class StepBody(BaseModel):
    comment: str = Field(default="", max_length=4000, description="On submit: needed when warnings are raised")
    reason: str = Field(default="", max_length=4000, description="On return and reopen: why")


class ActionResult(BaseModel):
    report: ReportPublic
    warnings: list[Violation] = []


class DataValuePublic(BaseModel):
    id: uuid.UUID
    element: str
    org_path: str
    period: str
    value: Decimal
    comment: str
    source: str
    entered_by_name: str
    entered_at: datetime
    pulled_at: datetime | None
    version: int
