"""One attached file's record; the bytes live in the storage under `storage_key`."""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey
from sqlmodel import Field

from halfsky_cases.base import Base
from halfsky_common.audit import utcnow


class Attachment(Base, table=True):
    __tablename__ = "attachment"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    case_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("rights_case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size_bytes: int = Field(sa_column=Column(BigInteger, nullable=False))
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=200)
    description: str = Field(default="", max_length=500)
    uploaded_by_id: str = Field(max_length=80)
    uploaded_by_name: str = Field(default="", max_length=200)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
