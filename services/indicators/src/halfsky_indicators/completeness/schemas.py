"""Response models of completeness."""

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field


class UnitCompleteness(BaseModel):
    org_path: str
    org_code: str
    status: str = Field(description="missing, draft, submitted, approved or returned")
    first_submitted_at: datetime | None
    on_time: bool


class GroupCompleteness(BaseModel):
    org_path: str
    org_code: str
    expected: int
    submitted: int = Field(description="Submitted or approved (returned ones are back with the unit)")
    approved: int
    on_time: int = Field(description="First submitted by the due date")
    completeness_pct: Decimal | None
    on_time_pct: Decimal | None


class Completeness(BaseModel):
    data_set: str
    period: str
    due: date
    total: GroupCompleteness
    groups: list[GroupCompleteness] = Field(description="Per unit at the requested level")
    units: list[UnitCompleteness] = Field(description="Each expected unit (up to 2,000)")
