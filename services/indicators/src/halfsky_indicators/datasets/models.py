"""Data sets: the forms units fill in per period, which elements they hold and which units must report them."""

import uuid

from sqlalchemy import Column, ForeignKey, Index, String, Text
from sqlmodel import Field

from halfsky_common.periods import PeriodType
from halfsky_indicators.base import Base, Bilingual, Owned, Versioned, uuid_pk


class DataSet(Bilingual, Owned, Versioned, Base, table=True):
    """A reporting form (e.g. the annual programme report), due some days after each period ends."""

    __tablename__ = "data_set"

    id: uuid.UUID = uuid_pk()
    code: str = Field(sa_column=Column(String(60), nullable=False, unique=True))
    period_type: PeriodType = Field(sa_type=String(16))  # type: ignore[call-overload]
    due_days: int = Field(default=15, description="Days after the period's end by which a report is on time")
    description: str = Field(default="", sa_column=Column(Text, nullable=False))


class DataSetElement(Base, table=True):
    """An element on a data set's form."""

    __tablename__ = "data_set_element"
    __table_args__ = (Index("ix_data_set_element_element", "element_id"),)

    data_set_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("data_set.id", ondelete="CASCADE"), primary_key=True, nullable=False)
    )
    element_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("data_element.id", ondelete="RESTRICT"), primary_key=True, nullable=False)
    )
    sort_order: int = 0


class DataSetOrgUnit(Base, table=True):
    """A unit expected to report a data set (what completeness counts against)."""

    __tablename__ = "data_set_org_unit"
    __table_args__ = (Index("ix_data_set_org_unit_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),)

    data_set_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("data_set.id", ondelete="CASCADE"), primary_key=True, nullable=False)
    )
    org_path: str = Field(sa_column=Column(Text, primary_key=True, nullable=False))
