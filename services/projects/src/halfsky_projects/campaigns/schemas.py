"""Request and response models of campaign phases and responsibility letters."""

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from halfsky_projects.campaigns.models import PhaseKind
from halfsky_projects.fields import Name, OrgPath, ShortText100, Text

Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-03"])]


class PhaseSet(BaseModel):
    start_month: Month
    end_month: Month
    tasks: Text = ""
    completed_on: date | None = None


class PhasePublic(BaseModel):
    phase: str
    start_month: str
    end_month: str
    tasks: str
    completed_on: date | None
    version: int


class LetterCreate(BaseModel):
    member_unit: Name
    member_org_path: OrgPath | None = None
    duties: Annotated[Text, Field(min_length=1)]
    targets: Text = ""
    signatory: ShortText100 = ""
    signed_on: date
    attachment_id: uuid.UUID | None = None


class LetterPublic(BaseModel):
    id: uuid.UUID
    member_unit: str
    member_org_path: str
    duties: str
    targets: str
    signatory: str
    signed_on: date
    attachment_id: uuid.UUID | None


class Campaign(BaseModel):
    phases: list[PhasePublic]
    letters: list[LetterPublic]
    current_phase: PhaseKind | None
