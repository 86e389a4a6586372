"""Validation rules: comparisons of elements, ranges, and period-on-period jumps."""

import uuid
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, String, Text
from sqlmodel import Field

from halfsky_indicators.base import Base, Bilingual, Owned, Versioned, amount_field, uuid_pk


class RuleKind(StrEnum):
    expression = "expression"  # `#{employed} <= #{trained}`
    range = "range"  # min ≤ value ≤ max
    jump = "jump"  # |value − previous period's| / previous > threshold %


class Severity(StrEnum):
    error = "error"  # blocks submission
    warning = "warning"  # submission needs a comment


class ValidationRule(Bilingual, Owned, Versioned, Base, table=True):
    """One data-quality rule, for the values of every unit in its owner's subtree (or only on one data set's
    submissions there): a county's own rule checks that county, never its neighbours or the province."""

    __tablename__ = "validation_rule"

    id: uuid.UUID = uuid_pk()
    code: str = Field(sa_column=Column(String(60), nullable=False, unique=True))
    kind: RuleKind = Field(sa_type=String(16))  # type: ignore[call-overload]
    severity: Severity = Field(default=Severity.error, sa_type=String(16))  # type: ignore[call-overload]
    expression: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    element_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(ForeignKey("data_element.id", ondelete="CASCADE"), nullable=True)
    )
    min_value: Decimal | None = amount_field(nullable=True)
    max_value: Decimal | None = amount_field(nullable=True)
    threshold_pct: Decimal | None = amount_field(nullable=True)
    data_set_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(ForeignKey("data_set.id", ondelete="CASCADE"), nullable=True)
    )
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
