"""Plans: the catalogues indicators belong to (a national programme, a local plan, a campaign's standards)."""

import uuid
from enum import StrEnum

from sqlalchemy import Column, String, Text
from sqlmodel import Field

from halfsky_indicators.base import Base, Bilingual, Versioned, uuid_pk


class PlanKind(StrEnum):
    """What kind of catalogue a plan is."""

    programme = "programme"  # 纲要 (national outline)
    local_plan = "local_plan"  # 妇女儿童发展规划 (province/city/county plan)
    campaign = "campaign"  # 创建 standards (e.g. maternal and child health model district)
    federation_work = "federation_work"  # the federation's own work indicators


class Plan(Bilingual, Versioned, Base, table=True):
    """A catalogue of indicators with its plan period; `org_path` is the jurisdiction that owns it (`/` national)."""

    __tablename__ = "plan"

    id: uuid.UUID = uuid_pk()
    code: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    kind: PlanKind = Field(sa_type=String(20))  # type: ignore[call-overload]
    start_year: int
    end_year: int
    org_path: str = Field(default="/", sa_column=Column(Text, nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
