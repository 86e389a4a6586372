"""Response models of analytics."""

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field

from halfsky_indicators.analytics.attainment import Attainment


class Engine(StrEnum):
    """Where the figures come from; all give identical results (tests hold them to it)."""

    auto = "auto"  # raw for a county or below, the analytics tables above
    raw = "raw"  # path-prefix and period-range joins over the data values
    table = "table"  # the county rollup where it can answer (sums, averages at county level or above), else values
    values = "values"  # the denormalised per-value analytics table only (ancestor per level on each row)


class AnalyticsRow(BaseModel):
    indicator: str
    name_zh: str
    kind: str
    unit: str
    unit_label: str
    org_path: str
    org_code: str
    org_name: str | None = None
    period: str
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    value: Decimal | None = Field(default=None, description="Rounded to the indicator's decimals")
    reason: str | None = Field(default=None, description="Why there is no value (no data, denominator is zero)")
    target: Decimal | None = None
    target_year: int | None = None
    comparator: str
    attainment: Attainment
    margin: Decimal | None = Field(default=None, description="value − target, positive when better than target")
    last_year_value: Decimal | None = None
    change: Decimal | None = Field(default=None, description="On the same period last year, in the unit (pp for %)")
    change_relative_pct: Decimal | None = Field(default=None, description="That change as % of last year's value")


class AnalyticsTable(BaseModel):
    engine: Engine
    level: int | None
    rows: list[AnalyticsRow]


class EarlyWarning(BaseModel):
    period: str
    level: int | None
    rows: list[AnalyticsRow]
