"""Data values and the status of each data set × org unit × period report."""

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, String, Text, UniqueConstraint
from sqlmodel import Field

from halfsky_indicators.base import Base, Placed, Versioned, amount_field, optional_timestamp, timestamp_field, uuid_pk


class DataValue(Placed, Base, table=True):
    """One figure: an element's value for an org unit and a period, with who entered it, when and from where."""

    __tablename__ = "data_value"
    __table_args__ = (
        UniqueConstraint("element_id", "org_path", "period", name="uq_data_value_key"),
        Index("ix_data_value_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
        Index("ix_data_value_element_period", "element_id", "period_start", "period_end"),
    )

    id: uuid.UUID = uuid_pk()
    element_id: uuid.UUID = Field(sa_column=Column(ForeignKey("data_element.id", ondelete="RESTRICT"), nullable=False))
    value: Decimal = amount_field()
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    source: str = Field(default="manual", max_length=16)
    entered_by_id: str = Field(default="", max_length=64)
    entered_by_name: str = Field(default="", max_length=200)
    entered_at: datetime = timestamp_field()
    pulled_at: datetime | None = optional_timestamp()
    version: int = 1


class ReportStatus(StrEnum):
    """Where a report stands in 逐级上报 (reporting up, level by level)."""

    draft = "draft"  # 填报中
    submitted = "submitted"  # 已上报
    approved = "approved"  # 已审核 (by the next level up; values locked)
    returned = "returned"  # 已退回 (with a reason; editable again)


class DataSetReport(Placed, Versioned, Base, table=True):
    """The status of one data set for one org unit and period."""

    __tablename__ = "data_set_report"
    __table_args__ = (
        UniqueConstraint("data_set_id", "org_path", "period", name="uq_data_set_report_key"),
        Index("ix_data_set_report_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
    )

    id: uuid.UUID = uuid_pk()
    data_set_id: uuid.UUID = Field(sa_column=Column(ForeignKey("data_set.id", ondelete="RESTRICT"), nullable=False))
    status: ReportStatus = Field(default=ReportStatus.draft, sa_type=String(16))  # type: ignore[call-overload]
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    return_reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    first_submitted_at: datetime | None = optional_timestamp()  # what "on time" is judged by
    submitted_at: datetime | None = optional_timestamp()
    submitted_by: str = Field(default="", max_length=200)
    approved_at: datetime | None = optional_timestamp()
    approved_by: str = Field(default="", max_length=200)
    returned_at: datetime | None = optional_timestamp()
    returned_by: str = Field(default="", max_length=200)
