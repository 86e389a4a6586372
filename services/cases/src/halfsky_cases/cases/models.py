"""A rights case (维权案件), its parties, timeline, duplicate links, risk assessments and number counters."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field

from halfsky_cases.base import Base
from halfsky_common.audit import utcnow


def _ts() -> Any:
    """An optional timestamp column (a per-status time, empty until the case gets there)."""
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class Case(Base, table=True):
    __tablename__ = "rights_case"
    __table_args__ = (
        Index("ix_rights_case_org_path", "org_path", "status", postgresql_ops={"org_path": "text_pattern_ops"}),
        Index(
            "ix_rights_case_received_org", "received_org_path", postgresql_ops={"received_org_path": "text_pattern_ops"}
        ),
        Index("ix_rights_case_received_at", "received_at"),
        # a district's cases of a date range: its own entries in date order, not the province's of that range
        Index(
            "ix_rights_case_org_received", "org_path", "received_at", postgresql_ops={"org_path": "text_pattern_ops"}
        ),
        Index("ix_rights_case_search", "search_bigrams", postgresql_using="gin"),
        # the work list's order (urgent first, newest first; listing.sort_keys), written as PostgreSQL shows it:
        # a province or city list reads its first page off this index instead of sorting every case in the region
        Index("ix_rights_case_worklist", text("(urgent::integer) DESC"), text("received_at DESC"), text("id DESC")),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    number: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    org_code: str = Field(max_length=12)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    received_org_path: str = Field(sa_column=Column(Text, nullable=False))
    channel: str = Field(max_length=20)
    received_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    operator_id: str = Field(max_length=80, index=True)
    operator_name: str = Field(default="", max_length=200)
    source_agency: str = Field(default="", max_length=40)
    external_ref: str = Field(default="", max_length=64)
    summary: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    primary_category: str = Field(max_length=30, index=True)
    subcategory: str = Field(default="", max_length=30)
    secondary_categories: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(String(30)), nullable=False, server_default="{}")
    )
    victim_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("person.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    complainant_kind: str = Field(default="victim", max_length=12)
    risk_level: str = Field(default="low", max_length=10)
    risk_rank: int = Field(default=0, sa_column=Column(SmallInteger, nullable=False, server_default="0"))
    urgent: bool = False
    risk_assessed_at: datetime | None = _ts()
    status: str = Field(default="received", sa_column=Column(String(20), nullable=False))
    handler_id: str | None = Field(default=None, max_length=80, index=True)
    handler_name: str = Field(default="", max_length=200)
    assigned_at: datetime | None = _ts()
    accept_due_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    resolve_due_at: datetime | None = _ts()
    accepted_at: datetime | None = _ts()
    declined_at: datetime | None = _ts()
    started_at: datetime | None = _ts()
    resolved_at: datetime | None = _ts()
    followed_up_at: datetime | None = _ts()
    archived_at: datetime | None = _ts()
    reopened_at: datetime | None = _ts()
    decline_reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    outcome: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    resolution_type: str | None = Field(default=None, max_length=30)
    satisfaction: int | None = Field(default=None, sa_column=Column(SmallInteger, nullable=True))
    follow_up_notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    reopen_reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    reopen_count: int = 0
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    search_bigrams: list[str] | None = Field(
        default=None,
        sa_column=Column(ARRAY(Text), Computed("bigrams(lower(search_text))", persisted=True)),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = 1

    @property
    def urgent_rank(self) -> int:
        """1 for urgent cases: the first sort key of every work list (keyset cursors need a comparable value)."""
        return int(self.urgent)


class CaseParty(Base, table=True):
    """A complainant or respondent of a case (the victim is `Case.victim_id`)."""

    __tablename__ = "case_party"
    __table_args__ = (UniqueConstraint("case_id", "person_id", "role", name="uq_case_party"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    case_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("rights_case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    person_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("person.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    role: str = Field(max_length=20)  # complainant | respondent
    relationship: str = Field(default="", max_length=20)


class CaseEvent(Base, table=True):
    """One line of a case's timeline: who did what, when."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_case_at", "case_id", "at"),)

    id: int | None = Field(default=None, sa_column=Column(BigInteger, primary_key=True, autoincrement=True))
    case_id: uuid.UUID = Field(sa_column=Column(ForeignKey("rights_case.id", ondelete="CASCADE"), nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    actor_id: str = Field(max_length=80)
    actor_name: str = Field(default="", max_length=200)
    kind: str = Field(max_length=40)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str | None = Field(default=None, max_length=20)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}"))


class CaseLink(Base, table=True):
    """A possible duplicate: two cases linked for a person to judge, never merged. Stored in both directions."""

    __tablename__ = "case_link"
    __table_args__ = (UniqueConstraint("case_id", "other_case_id", name="uq_case_link"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    case_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("rights_case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    other_case_id: uuid.UUID = Field(sa_column=Column(ForeignKey("rights_case.id", ondelete="CASCADE"), nullable=False))
    reasons: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(String(20)), nullable=False))
    status: str = Field(default="possible", max_length=20)  # possible | duplicate | distinct
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class RiskAssessment(Base, table=True):
    """One filled-in risk questionnaire and the level it gave."""

    __tablename__ = "risk_assessment"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    case_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("rights_case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    score: int
    level: str = Field(max_length=10)
    assessed_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    assessor_id: str = Field(max_length=80)
    assessor_name: str = Field(default="", max_length=200)


class CaseNumberCounter(Base, table=True):
    """The last sequence number given per org unit and year; locked while a case takes the next one."""

    __tablename__ = "case_number_counter"

    org_code: str = Field(sa_column=Column(String(12), primary_key=True))
    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    last_seq: int = 0
