"""A request to move a case to another org unit, and its answer."""

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Text
from sqlmodel import Field

from halfsky_cases.base import Base
from halfsky_common.audit import utcnow


class Transfer(Base, table=True):
    __tablename__ = "case_transfer"
    __table_args__ = (
        Index("ix_case_transfer_to", "to_org_path", "status", postgresql_ops={"to_org_path": "text_pattern_ops"}),
        Index("ix_case_transfer_from", "from_org_path", postgresql_ops={"from_org_path": "text_pattern_ops"}),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    case_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("rights_case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    kind: str = Field(max_length=20)  # transfer | assign_down | report_up
    from_org_path: str = Field(sa_column=Column(Text, nullable=False))
    to_org_path: str = Field(sa_column=Column(Text, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=20)  # pending | accepted | rejected
    requested_by_id: str = Field(max_length=80)
    requested_by_name: str = Field(default="", max_length=200)
    requested_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    decided_by_id: str | None = Field(default=None, max_length=80)
    decided_by_name: str = Field(default="", max_length=200)
    decided_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    decision_note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = 1
