"""Refresh tokens: opaque, stored only as a hash, rotated on use, revoked by family on replay, never beyond an
absolute lifetime from the sign-in that started the family."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field

from halfsky_gateway.base import Base, timestamp_field, uuid_pk


class RefreshToken(Base, table=True):
    __tablename__ = "refresh_token"

    id: uuid.UUID = uuid_pk()
    token_hash: str = Field(max_length=64, unique=True)
    user_id: uuid.UUID = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    family_id: uuid.UUID = Field(index=True)
    expires_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)  # type: ignore[call-overload]
    used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    # indexed: every replica asks every few seconds for the families ended lately (halfsky_common.revocation)
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), index=True)  # type: ignore[call-overload]
    # when the family's first token was issued (the password sign-in); no rotation reaches past it plus
    # GATEWAY_REFRESH_TOKEN_ABSOLUTE_DAYS
    signed_in_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)  # type: ignore[call-overload]
    created_at: datetime = timestamp_field()
