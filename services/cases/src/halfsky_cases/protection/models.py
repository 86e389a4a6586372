"""The access log: who saw a victim's ID number, phone, address or an attachment in full (append-only, chained)."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ARRAY, BigInteger, Column, DateTime, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from halfsky_cases.base import Base
from halfsky_common.audit import HashChained, chain_index, utcnow


class AccessLog(HashChained, Base, table=True):
    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
        Index("ix_access_log_case", "case_id", "at"),
        Index("ix_access_log_actor", "actor_id", "at"),
        chain_index("access_log"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    actor_id: str = Field(max_length=80)
    actor_name: str = Field(default="", max_length=200)
    actor_roles: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(String(30)), nullable=False))
    case_id: uuid.UUID | None = None
    case_number: str = Field(default="", max_length=40)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    fields: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(String(80)), nullable=False))
    reason: str = Field(default="", max_length=200)
    request_id: str = Field(default="", max_length=128)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}"))
