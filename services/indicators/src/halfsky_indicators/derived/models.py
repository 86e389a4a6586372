"""The record of every pull from another service's stats feed."""

import uuid
from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from halfsky_indicators.base import Base, optional_timestamp, timestamp_field, uuid_pk


class DerivedPull(Base, table=True):
    """One pull: which feed and period, when, by whom, what came of it."""

    __tablename__ = "derived_pull"
    __table_args__ = (Index("ix_derived_pull_started", "started_at"),)

    id: uuid.UUID = uuid_pk()
    source: str = Field(max_length=16)
    period: str = Field(max_length=20)
    status: str = Field(default="ok", max_length=16)  # ok | failed
    started_at: datetime = timestamp_field()
    finished_at: datetime | None = optional_timestamp()
    generated_at: datetime | None = optional_timestamp()
    rows_received: int = 0
    values_written: int = 0
    values_cleared: int = 0
    skipped_locked: int = 0
    unknown_measures: list[str] = Field(default_factory=list, sa_type=JSONB)  # type: ignore[call-overload]
    error: str = Field(default="", sa_column=Column(Text, nullable=False))
    triggered_by: str = Field(default="", max_length=200)
