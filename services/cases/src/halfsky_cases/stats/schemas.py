"""Response models of statistics."""

from datetime import date, datetime

from pydantic import BaseModel


class FeedRow(BaseModel):
    org_path: str
    measure: str
    value: int


class Feed(BaseModel):
    period: str
    source: str = "cases"
    generated_at: datetime
    rows: list[FeedRow]


class Rate(BaseModel):
    numerator: int
    denominator: int
    rate: float | None  # numerator / denominator, 4 decimals; None when nothing to divide by


class Counted(BaseModel):
    cases: int
    persons: int
    person_times: int


class Satisfaction(BaseModel):
    responses: int
    average: float | None
    distribution: dict[str, int]


class OrgRow(BaseModel):
    org_path: str
    received: int
    resolved: int
    persons: int


class MonthRow(BaseModel):
    month: str
    received: int
    resolved: int


class Stats(BaseModel):
    period: str
    start: date
    end: date
    org_path: str
    received: Counted
    accepted: int
    declined: int
    resolved: int
    resolved_on_time: int
    followed_up: int
    legal_aid: Counted
    protection_orders_granted: int
    resolution_rate: Rate
    mediation_rate: Rate
    mediation_success_rate: Rate
    on_time_rate: Rate
    satisfaction: Satisfaction
    by_category: dict[str, int]
    by_channel: dict[str, int]
    by_status: dict[str, int]
    by_resolution_type: dict[str, int]
    by_org: list[OrgRow]
    by_month: list[MonthRow]
