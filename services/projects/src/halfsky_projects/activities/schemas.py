"""Request and response models of activities and attendance."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from halfsky_projects.activities.models import ActivityKind
from halfsky_projects.fields import Count, Name, OrgPath, ShortText, Text


class ActivityCreate(BaseModel):
    kind: ActivityKind
    title: Name
    held_on: date
    place: ShortText = ""
    hours: Annotated[Decimal, Field(ge=0, le=10_000, max_digits=6, decimal_places=1)] = Decimal(0)
    trainer: ShortText = ""
    participant_count: Count = Field(default=0, description="For trainings, attendance replaces this count.")
    label: ShortText = Field(default="", description="Programme this activity counts toward (其中 targets).")
    notes: Text = ""
    photo_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    org_path: OrgPath | None = None


class ActivityUpdate(BaseModel):
    title: Name | None = None
    place: ShortText | None = None
    hours: Annotated[Decimal | None, Field(ge=0, le=10_000, max_digits=6, decimal_places=1)] = None
    trainer: ShortText | None = None
    participant_count: Count | None = None
    notes: Text | None = None
    photo_ids: list[uuid.UUID] | None = None


class ActivityPublic(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    org_path: str
    kind: str
    title: str
    held_on: date
    place: str
    hours: Decimal
    trainer: str
    participant_count: int
    attendance_kept: bool
    label: str
    notes: str
    photo_ids: list[uuid.UUID]
    created_at: datetime
    version: int


class AttendanceEntry(BaseModel):
    beneficiary_id: uuid.UUID
    present: bool = True
    note: ShortText = ""


class AttendanceSheet(BaseModel):
    entries: list[AttendanceEntry] = Field(max_length=2_000)
    record_trained: bool = Field(default=True, description="Record a 'trained' outcome for everyone present.")


class AttendancePublic(BaseModel):
    beneficiary_id: uuid.UUID
    name: str
    present: bool
    note: str


class AttendanceResult(BaseModel):
    activity: ActivityPublic
    attendance: list[AttendancePublic]
