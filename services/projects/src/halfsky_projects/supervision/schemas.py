"""Request and response models of supervision."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from halfsky_projects.fields import Reason, ShortText, Text


class RectificationCreate(BaseModel):
    requirement: Annotated[Text, Field(min_length=1)]
    due_on: date


class VisitCreate(BaseModel):
    visited_on: date
    supervisors: ShortText = ""
    opinions: Annotated[Text, Field(min_length=1)]
    rectifications: list[RectificationCreate] = Field(default_factory=list, max_length=50)


class Answer(BaseModel):
    response: Annotated[Text, Field(min_length=1)]


class Review(BaseModel):
    accept: bool
    comment: Reason = ""


class RectificationPublic(BaseModel):
    id: uuid.UUID
    visit_id: uuid.UUID
    requirement: str
    due_on: date
    status: str
    overdue: bool
    response: str
    responded_by: str
    responded_at: datetime | None
    review_comment: str
    reviewed_by: str
    version: int


class VisitPublic(BaseModel):
    id: uuid.UUID
    supervisor_org_path: str
    visited_on: date
    supervisors: str
    opinions: str
    created_at: datetime
    rectifications: list[RectificationPublic]
