"""Request and response models of users."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Role = Literal["admin", "leader", "case_worker", "hotline_operator", "project_manager", "statistician", "auditor"]


class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(default="", max_length=32)
    password: str = Field(max_length=128)
    roles: list[Role] = Field(min_length=1)
    org_unit_id: uuid.UUID


class UserUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=32)
    roles: list[Role] | None = Field(default=None, min_length=1)
    org_unit_id: uuid.UUID | None = None
    disabled: bool | None = None


class PasswordReset(BaseModel):
    password: str = Field(max_length=128)


class PasswordChange(BaseModel):
    old_password: str = Field(max_length=128)
    new_password: str = Field(max_length=128)


class OrgUnitBrief(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    level: str
    path: str


class UserPublic(BaseModel):
    id: uuid.UUID
    username: str
    name: str
    phone: str
    roles: list[str]
    org_unit: OrgUnitBrief
    disabled: bool
    locked_until: datetime | None
    must_change_password: bool
    last_login_at: datetime | None
    version: int
    created_at: datetime
