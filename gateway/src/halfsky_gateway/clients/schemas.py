"""Request and response models of partner clients."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Scope = Literal["cases:intake", "cases:referrals", "stats:read"]
Agency = Literal[
    "police", "court", "legal_aid", "shelter", "civil_affairs", "hospital", "school", "mobile_app", "other"
]


class ClientCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    agency: Agency = "other"
    scopes: list[Scope] = Field(min_length=1)
    org_unit_id: uuid.UUID


class ClientUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    scopes: list[Scope] | None = Field(default=None, min_length=1)
    disabled: bool | None = None


class ClientPublic(BaseModel):
    id: uuid.UUID
    client_id: str
    name: str
    agency: str
    scopes: list[str]
    org_unit_id: uuid.UUID
    disabled: bool
    version: int
    created_at: datetime


class ClientWithSecret(ClientPublic):
    client_secret: str = Field(description="Shown once; store it now.")
