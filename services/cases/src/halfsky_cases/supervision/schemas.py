"""Request and response models of supervision."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field


class SupervisionIn(BaseModel):
    instruction: str = Field(min_length=1, max_length=2000)
    due_on: date


class ReplyIn(BaseModel):
    reply: str = Field(min_length=1, max_length=4000)


class SupervisionPublic(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    case_number: str
    case_org_path: str
    supervisor_org_path: str
    instruction: str
    due_on: date
    status: str
    overdue: bool
    created_by_name: str
    created_at: datetime
    reply: str
    replied_by_name: str
    replied_at: datetime | None
    closed_at: datetime | None
    version: int
