"""Response models of the statistics endpoints."""

from datetime import datetime

from pydantic import BaseModel, Field


class FeedRow(BaseModel):
    org_path: str
    measure: str
    value: int


class Feed(BaseModel):
    """The machine contract the indicator service pulls (long format, leaf org units, integers)."""

    period: str
    source: str = "projects"
    generated_at: datetime
    rows: list[FeedRow]


class GroupCount(BaseModel):
    key: str
    projects: int
    budget_fen: int = 0
    spent_fen: int = Field(default=0, description="Spent within the period.")


class MeasureValue(BaseModel):
    measure: str
    value: int


class PeriodMeasures(BaseModel):
    period: str
    measures: list[MeasureValue]


class UnitMeasures(BaseModel):
    org_path: str
    measures: list[MeasureValue]


class Stats(BaseModel):
    period: str
    org_path: str
    projects: int
    by_status: list[GroupCount]
    by_category: list[GroupCount]
    by_kind: list[GroupCount]
    by_org: list[GroupCount]
    brands: int
    behind_schedule: int
    budget_fen: int
    spent_fen: int
    spent_to_date_fen: int
    execution_rate_pct: float | None
    measures: list[MeasureValue]
    by_period: list[PeriodMeasures]
    by_unit: list[UnitMeasures] = Field(description="Measures rolled up to the units one level below org_path.")
