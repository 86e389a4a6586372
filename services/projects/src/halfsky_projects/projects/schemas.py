"""Request and response models of the project record."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from halfsky_projects.fields import Count, Name, Name100, OrgPath, Reason, ShortText, Text
from halfsky_projects.projects.models import ProjectCategory, ProjectKind


class StageGoal(BaseModel):
    """A stage goal (阶段性目标) with its due date."""

    title: Name
    due_date: date | None = None


class ProjectBase(BaseModel):
    name: Name
    kind: ProjectKind
    category: ProjectCategory
    is_campaign: bool = False
    partner_org_paths: list[OrgPath] = Field(default_factory=list, max_length=50)
    partner_agencies: list[Name] = Field(default_factory=list, max_length=50)
    responsible_person: Name100
    supervising_leader: Name100
    funder: ShortText = ""
    overall_goal: Annotated[Text, Field(min_length=1)]
    stage_goals: list[StageGoal] = Field(default_factory=list, max_length=50)
    start_date: date
    end_date: date
    target_groups: list[Name] = Field(default_factory=list, max_length=20)
    target_beneficiaries: Count = 0

    @model_validator(mode="after")
    def _dates_in_order(self) -> "ProjectBase":
        if self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        return self


class ProjectCreate(ProjectBase):
    org_path: OrgPath | None = Field(default=None, description="Lead unit; defaults to the caller's unit.")


class ProjectUpdate(BaseModel):
    """Fields to change; lead unit, kind and category only while the application is a draft or returned."""

    name: Name | None = None
    kind: ProjectKind | None = None
    category: ProjectCategory | None = None
    is_campaign: bool | None = None
    org_path: OrgPath | None = None
    partner_org_paths: list[OrgPath] | None = None
    partner_agencies: list[Name] | None = None
    responsible_person: Name100 | None = None
    supervising_leader: Name100 | None = None
    funder: ShortText | None = None
    overall_goal: Text | None = None
    stage_goals: list[StageGoal] | None = None
    start_date: date | None = None
    end_date: date | None = None
    target_groups: list[Name] | None = None
    target_beneficiaries: Count | None = None


class ProjectPublic(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    kind: str
    category: str
    is_campaign: bool
    org_path: str
    partner_org_paths: list[str]
    partner_agencies: list[str]
    responsible_person: str
    supervising_leader: str
    funder: str
    overall_goal: str
    stage_goals: list[StageGoal]
    start_date: date
    end_date: date
    target_groups: list[str]
    target_beneficiaries: int
    status: str
    status_reason: str
    submitted_at: datetime | None
    approved_at: datetime | None
    approved_by: str
    started_at: datetime | None
    suspended_at: datetime | None
    closing_at: datetime | None
    closed_at: datetime | None
    behind_schedule: bool
    is_brand: bool
    brand_name: str
    brand_level: str
    brand_year: int | None
    created_at: datetime
    updated_at: datetime
    version: int


class ProjectDetail(ProjectPublic):
    allowed_actions: list[str] = Field(description="Lifecycle actions the caller could take now.")


class TransitionRequest(BaseModel):
    reason: Reason = ""


class EventPublic(BaseModel):
    id: int
    action: str
    from_status: str
    to_status: str
    reason: str
    actor_id: str
    actor_name: str
    at: datetime


class ReviewCreate(BaseModel):
    score: Annotated[int, Field(ge=0, le=100)]
    recommendation: Annotated[str, Field(pattern="^(approve|revise|reject)$")]
    opinion: Annotated[Text, Field(min_length=1)]


class ReviewPublic(BaseModel):
    id: uuid.UUID
    reviewer_id: str
    reviewer_name: str
    reviewer_org_path: str
    score: int
    recommendation: str
    opinion: str
    created_at: datetime


class BrandRequest(BaseModel):
    brand_name: Name
    level: Annotated[str, Field(pattern="^(county|city|province|national)$")]
    year: Annotated[int, Field(ge=2000, le=2100)]
