"""Partner API clients (police, courts, legal aid, mobile apps): a secret, scopes and one org unit."""

import uuid
from datetime import datetime

from sqlalchemy import ARRAY, Column, String
from sqlmodel import Field

from halfsky_gateway.base import Base, timestamp_field, uuid_pk

SCOPES = ("cases:intake", "cases:referrals", "stats:read")


class PartnerClient(Base, table=True):
    __tablename__ = "partner_client"

    id: uuid.UUID = uuid_pk()
    client_id: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=100)
    agency: str = Field(default="", max_length=40)  # police, court, legal_aid, shelter, mobile_app, other
    secret_hash: str = Field(max_length=200)
    scopes: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(String(32)), nullable=False))
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id", index=True, ondelete="RESTRICT")
    disabled: bool = False
    version: int = 1
    created_at: datetime = timestamp_field()
