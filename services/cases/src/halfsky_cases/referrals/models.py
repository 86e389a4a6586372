"""The registry of partners and service points per region, and referrals with their answers."""

import uuid
from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Index, Text
from sqlmodel import Field

from halfsky_cases.base import Base
from halfsky_common.audit import utcnow


class Partner(Base, table=True):
    """A partner agency (police station, court, legal-aid centre, shelter, hospital, civil affairs)."""

    __tablename__ = "partner"
    __table_args__ = (Index("ix_partner_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    name: str = Field(max_length=200)
    agency: str = Field(max_length=30)
    client_id: str | None = Field(default=None, max_length=64, unique=True, description="Its gateway API client.")
    phone: str = Field(default="", max_length=40)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class ServicePoint(Base, table=True):
    """A place of the rights network: DV reporting point, injury-assessment centre, shelter, court panel, stations."""

    __tablename__ = "service_point"
    __table_args__ = (Index("ix_service_point_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    name: str = Field(max_length=200)
    kind: str = Field(max_length=40)
    partner_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(ForeignKey("partner.id", ondelete="SET NULL"), nullable=True)
    )
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=40)
    established_year: int | None = None
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class Referral(Base, table=True):
    """A case referred to a partner: sent → accepted | declined; accepted → completed."""

    __tablename__ = "referral"
    __table_args__ = (Index("ix_referral_client", "partner_client_id", "status"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    case_id: uuid.UUID = Field(
        sa_column=Column(ForeignKey("rights_case.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    partner_id: uuid.UUID = Field(sa_column=Column(ForeignKey("partner.id", ondelete="RESTRICT"), nullable=False))
    partner_client_id: str | None = Field(default=None, max_length=64)
    service: str = Field(max_length=30)
    status: str = Field(default="sent", max_length=20)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    response_note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    outcome: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    sent_by_name: str = Field(default="", max_length=200)
    sent_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    accepted_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    declined_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    completed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    version: int = 1
