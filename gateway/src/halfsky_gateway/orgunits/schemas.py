"""Request and response models of the region tree."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from halfsky_gateway.orgunits.models import Level


class OrgUnitCreate(BaseModel):
    code: str = Field(pattern=r"^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$", description="Administrative division code")
    name: str = Field(min_length=1, max_length=100)
    level: Level | None = Field(default=None, description="Defaults from the code's length")
    parent_id: uuid.UUID | None = None


class OrgUnitUpdate(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class OrgUnitMove(BaseModel):
    parent_id: uuid.UUID


class OrgUnitPublic(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    level: Level
    parent_id: uuid.UUID | None
    path: str
    version: int
    has_children: bool = False


class ImportResult(BaseModel):
    created: int
    updated: int
    errors: list[dict[str, str]] = []


class OrgMoveStatus(BaseModel):
    """A move in the region tree and the services that have not applied it yet."""

    id: uuid.UUID
    from_path: str
    to_path: str
    pending: list[str]
    attempts: int
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
