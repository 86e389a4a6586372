"""Reported figures: an indicator's numerator, denominator and the rate a source document states for them."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Index, Text
from sqlmodel import Field

from halfsky_indicators.base import Base, Placed, amount_field, timestamp_field, uuid_pk


class ReportedFigure(Placed, Base, table=True):
    """A figure as reported (e.g. 29,169 / 32,478 stated as 78.02 %), recomputed and flagged when it disagrees."""

    __tablename__ = "reported_figure"
    __table_args__ = (
        Index("ix_reported_figure_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
        Index("ix_reported_figure_indicator", "indicator_id", "period_start"),
    )

    id: uuid.UUID = uuid_pk()
    indicator_id: uuid.UUID = Field(sa_column=Column(ForeignKey("indicator.id", ondelete="CASCADE"), nullable=False))
    numerator: Decimal = amount_field()
    denominator: Decimal | None = amount_field(nullable=True)
    stated_value: Decimal | None = amount_field(nullable=True)
    stated_decimals: int = 0
    computed_value: Decimal | None = amount_field(nullable=True)
    mismatch: bool | None = Field(default=None, description="None when the stated rate cannot be checked")
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    source: str = Field(default="", max_length=200)
    entered_by: str = Field(default="", max_length=200)
    entered_at: datetime = timestamp_field()
    version: int = 1
