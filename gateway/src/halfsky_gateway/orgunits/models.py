"""The region tree: one row per federation (province down to village), with its materialised path."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text
from sqlmodel import Field

from halfsky_gateway.base import Base, timestamp_field, uuid_pk


class Level(StrEnum):
    """Administrative level; the code length follows it (2, 4, 6, 9, 12 digits)."""

    province = "province"  # 省
    city = "city"  # 市
    county = "county"  # 县/区
    township = "township"  # 乡镇/街道
    village = "village"  # 村/社区


LEVEL_DEPTH = {Level.province: 1, Level.city: 2, Level.county: 3, Level.township: 4, Level.village: 5}
CODE_LENGTH = {Level.province: 2, Level.city: 4, Level.county: 6, Level.township: 9, Level.village: 12}
LEVEL_NAMES_ZH = {
    Level.province: "省",
    Level.city: "市",
    Level.county: "县（区）",
    Level.township: "乡镇（街道）",
    Level.village: "村（社区）",
}


class OrgUnit(Base, table=True):
    """A federation at one administrative level; `path` is `/44/4401/440106/` (ancestors' codes)."""

    __tablename__ = "org_unit"
    __table_args__ = (
        Index("ix_org_unit_path_prefix", "path", postgresql_ops={"path": "text_pattern_ops"}),
        Index("ix_org_unit_parent", "parent_id"),
    )

    id: uuid.UUID = uuid_pk()
    code: str = Field(max_length=12, unique=True)
    name: str = Field(max_length=100)
    level: str = Field(sa_type=String(16))  # type: ignore[call-overload]  # a Level value
    parent_id: uuid.UUID | None = Field(default=None, foreign_key="org_unit.id", ondelete="RESTRICT")
    path: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    version: int = Field(default=1)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
