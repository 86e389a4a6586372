"""Staff accounts: roles, one org unit, Argon2 password hash and failed sign-ins."""

import uuid
from datetime import datetime

from sqlalchemy import ARRAY, Column, DateTime, String
from sqlmodel import Field

from halfsky_gateway.base import Base, timestamp_field, uuid_pk


class User(Base, table=True):
    __tablename__ = "app_user"

    id: uuid.UUID = uuid_pk()
    username: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=100)
    phone: str = Field(default="", max_length=32)
    password_hash: str = Field(max_length=200)
    roles: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(String(32)), nullable=False))
    org_unit_id: uuid.UUID = Field(foreign_key="org_unit.id", index=True, ondelete="RESTRICT")
    disabled: bool = False
    failed_logins: int = 0  # since the last successful sign-in, from any address
    # Until when sign-ins on this account are being delayed from some address (see auth.routes.login): shown to
    # administrators, who can lift the delays; it never keeps the user out from her own address.
    locked_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    must_change_password: bool = False
    last_login_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    version: int = 1
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
