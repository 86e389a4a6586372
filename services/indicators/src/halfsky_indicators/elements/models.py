"""Data elements: what is counted, in which kind of number, per which period, and how it adds up."""

import uuid
from enum import StrEnum

from sqlalchemy import Column, String, Text
from sqlmodel import Field

from halfsky_common.periods import PeriodType
from halfsky_indicators.base import Base, Bilingual, Owned, Versioned, uuid_pk


class ValueType(StrEnum):
    """The kind of number a value is."""

    integer = "integer"  # 人, 件, 瓶
    decimal = "decimal"
    percentage = "percentage"  # a rate entered as such, 0–100 (or more, for gross rates)
    money_fen = "money_fen"  # money in integer fen (分)


class Aggregation(StrEnum):
    """How values add up over time; over org units they are always summed."""

    sum = "sum"  # flows: people trained, cases received
    average = "average"  # the mean over the contained periods that have data
    last = "last"  # stocks: each unit's latest value in the period (projects in progress, budget)


class Source(StrEnum):
    """Where values come from."""

    manual = "manual"  # entered or imported
    cases = "cases"  # pulled from the cases service's stats feed
    projects = "projects"  # pulled from the projects service's stats feed


class DataElement(Bilingual, Owned, Versioned, Base, table=True):
    """One thing that is counted (e.g. 服用叶酸人数, women trained)."""

    __tablename__ = "data_element"

    id: uuid.UUID = uuid_pk()
    code: str = Field(sa_column=Column(String(60), nullable=False, unique=True))
    value_type: ValueType = Field(sa_type=String(16))  # type: ignore[call-overload]
    period_type: PeriodType = Field(sa_type=String(16))  # type: ignore[call-overload]
    aggregation: Aggregation = Field(default=Aggregation.sum, sa_type=String(16))  # type: ignore[call-overload]
    unit_label: str = Field(default="", max_length=20)
    source: Source = Field(default=Source.manual, sa_type=String(16))  # type: ignore[call-overload]
    source_measure: str | None = Field(default=None, max_length=60)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
