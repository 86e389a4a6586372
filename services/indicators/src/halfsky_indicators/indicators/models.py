"""Indicators and their targets: numerator and denominator over data elements, factor, unit, direction, target."""

import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from halfsky_indicators.base import Base, Bilingual, Owned, Versioned, amount_field, uuid_pk


class Domain(StrEnum):
    """The programme's domains."""

    health = "health"  # 健康
    education = "education"  # 教育
    economy = "economy"  # 经济
    decision_making = "decision_making"  # 参与决策和管理
    social_security = "social_security"  # 社会保障
    family = "family"  # 家庭建设
    environment = "environment"  # 环境
    law = "law"  # 法律
    federation_work = "federation_work"  # 妇联工作


class Kind(StrEnum):
    """What kind of figure an indicator is."""

    ratio = "ratio"  # numerator / denominator × factor
    count = "count"  # type: ignore[assignment]  # numerator × factor (an absolute number or amount)
    qualitative = "qualitative"  # met / partly met / not met, with a statement
    checklist = "checklist"  # pass/fail items; a unit passes when every item passes


class Unit(StrEnum):
    """The unit a value is shown in; the factor follows it for rates."""

    percent = "percent"  # %
    per_mille = "per_mille"  # ‰
    per_10k = "per_10k"  # /万
    per_100k = "per_100k"  # /10万
    count = "count"  # type: ignore[assignment]  # 人, 个, 所 (unit_label says which)
    money_yuan = "money_yuan"  # 元 (factor 0.01 over fen elements)
    money_per_head = "money_per_head"  # 元/人
    ratio = "ratio"  # a plain ratio
    none = "none"  # qualitative and checklist indicators


DEFAULT_FACTOR = {
    Unit.percent: Decimal(100),
    Unit.per_mille: Decimal(1000),
    Unit.per_10k: Decimal(10000),
    Unit.per_100k: Decimal(100000),
}


class Direction(StrEnum):
    higher_better = "higher_better"
    lower_better = "lower_better"


class Comparator(StrEnum):
    """How a value is held against its target."""

    ge = "ge"  # ≥
    le = "le"  # ≤
    eq = "eq"  # =
    reached = "reached"  # 达: ≥ when higher is better, ≤ when lower is better


class Indicator(Bilingual, Versioned, Base, table=True):
    """One monitored indicator of a plan."""

    __tablename__ = "indicator"
    __table_args__ = (Index("ix_indicator_plan", "plan_id"),)

    id: uuid.UUID = uuid_pk()
    code: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    plan_id: uuid.UUID = Field(sa_column=Column(ForeignKey("plan.id", ondelete="RESTRICT"), nullable=False))
    domain: Domain = Field(sa_type=String(20))  # type: ignore[call-overload]
    responsible_unit: str = Field(default="", max_length=100)
    kind: Kind = Field(sa_type=String(16))  # type: ignore[call-overload]
    numerator: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    denominator: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    factor: Decimal = amount_field(default=Decimal(1))
    unit: Unit = Field(sa_type=String(20))  # type: ignore[call-overload]
    unit_label: str = Field(default="", max_length=20)
    decimals: int = 2
    direction: Direction = Field(default=Direction.higher_better, sa_type=String(16))  # type: ignore[call-overload]
    comparator: Comparator = Field(default=Comparator.ge, sa_type=String(10))  # type: ignore[call-overload]
    baseline_value: Decimal | None = amount_field(nullable=True)
    baseline_year: int | None = None
    checklist: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONB)  # type: ignore[call-overload]
    description: str = Field(default="", sa_column=Column(Text, nullable=False))


class Target(Owned, Versioned, Base, table=True):
    """The target of an indicator for a year, everywhere (`/`) or for one region and its subtree; owned by the level
    that set it (a city's target for a county stays as the city set it)."""

    __tablename__ = "indicator_target"
    __table_args__ = (UniqueConstraint("indicator_id", "year", "org_path", name="uq_indicator_target"),)

    id: uuid.UUID = uuid_pk()
    indicator_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("indicator.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    year: int
    org_path: str = Field(default="/", sa_column=Column(Text, nullable=False))
    value: Decimal = amount_field()
    note: str = Field(default="", max_length=200)
