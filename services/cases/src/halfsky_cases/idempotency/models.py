"""The stored first response of each (caller, Idempotency-Key)."""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from halfsky_cases.base import Base
from halfsky_common.audit import utcnow


class IdempotencyRecord(Base, table=True):
    __tablename__ = "idempotency_record"

    caller_id: str = Field(sa_column=Column(String(80), primary_key=True))
    key: str = Field(sa_column=Column(String(200), primary_key=True))
    endpoint: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int | None = None
    response: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONB, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
