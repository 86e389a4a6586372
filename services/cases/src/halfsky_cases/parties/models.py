"""A person who appears in cases; ID number, phone and address are stored encrypted."""

import uuid
from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index, LargeBinary, String, Text
from sqlmodel import Field

from halfsky_cases.base import Base
from halfsky_common.audit import utcnow


class Person(Base, table=True):
    __tablename__ = "person"
    __table_args__ = (
        Index("ix_person_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
        Index("ix_person_name_birth", "name", "birth_date"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    name: str = Field(max_length=100)
    sex: str = Field(default="female", max_length=10)
    birth_date: date | None = None
    age: int | None = None
    ethnicity: str = Field(default="", max_length=20)
    marital_status: str = Field(default="", max_length=20)
    occupation: str = Field(default="", max_length=60)
    disability: str = Field(default="", max_length=60)
    children_count: int | None = None
    # The document the ID number is of (halfsky_common.personal.DocumentType); rows from before it existed were
    # resident IDs, the only kind accepted then.
    id_type: str = Field(
        default="resident_id", sa_column=Column(String(30), nullable=False, server_default="resident_id")
    )
    id_number_enc: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    id_number_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True, index=True))
    phone_enc: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    phone_hash: str | None = Field(default=None, sa_column=Column(String(64), nullable=True, index=True))
    address_enc: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = 1
