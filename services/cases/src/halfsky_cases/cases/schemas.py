"""Request and response models of cases."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Self

from pydantic import AwareDatetime, BaseModel, Field, field_validator, model_validator

from halfsky_cases.cases.enums import (
    SUBCATEGORIES,
    Category,
    Channel,
    ComplainantKind,
    Relationship,
    ResolutionType,
    RiskLevel,
    Status,
)
from halfsky_cases.cases.risk import RiskAnswers
from halfsky_cases.parties.schemas import PersonIn, PersonPublic


def check_categories(primary: Category | None, sub: str | None, secondary: list[Category] | None) -> None:
    if primary is not None and sub:
        allowed = SUBCATEGORIES.get(primary, frozenset())
        if sub not in allowed:
            raise ValueError(f"subcategory must be one of {sorted(allowed)} for {primary.value}")
    if primary is not None and secondary and primary in secondary:
        raise ValueError("secondary_categories must not repeat the primary category")


class ComplainantIn(BaseModel):
    """Who complained: the victim herself, someone else (a record of their own), or an anonymous caller."""

    kind: ComplainantKind = ComplainantKind.victim
    person: PersonIn | None = None
    relationship: str = Field(default="", max_length=20, description="Complainant's relation to the victim.")

    @model_validator(mode="after")
    def _person_only_for_other(self) -> Self:
        if self.kind == ComplainantKind.other and self.person is None:
            raise ValueError("person is required when the complainant is someone else")
        if self.kind != ComplainantKind.other and self.person is not None:
            raise ValueError("person is only given when the complainant is someone else")
        return self


class RespondentIn(BaseModel):
    person: PersonIn
    relationship: Relationship


class CaseCreate(BaseModel):
    channel: Channel
    received_at: AwareDatetime | None = Field(default=None, description="Defaults to now.")
    summary: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    primary_category: Category
    subcategory: str = Field(default="", max_length=30)
    secondary_categories: list[Category] = Field(default_factory=list, max_length=8)
    victim: PersonIn | None = None
    victim_id: uuid.UUID | None = Field(default=None, description="An existing person, for her further cases.")
    complainant: ComplainantIn = Field(default_factory=ComplainantIn)
    respondents: list[RespondentIn] = Field(default_factory=list, max_length=5)
    risk: RiskAnswers | None = None
    source_agency: str = Field(default="", max_length=40)
    external_ref: str = Field(default="", max_length=64, description="E.g. the 110 alarm or petition number.")

    @field_validator("received_at")
    @classmethod
    def _not_future(cls, value: datetime | None) -> datetime | None:
        if value is not None and value > datetime.now(UTC) + timedelta(minutes=5):
            raise ValueError("received_at lies in the future")
        return value

    @field_validator("secondary_categories")
    @classmethod
    def _unique(cls, value: list[Category]) -> list[Category]:
        if len(set(value)) != len(value):
            raise ValueError("secondary categories repeat")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.victim is None) == (self.victim_id is None):
            raise ValueError("give either victim or victim_id")
        check_categories(self.primary_category, self.subcategory, self.secondary_categories)
        return self


class CaseUpdate(BaseModel):
    summary: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    primary_category: Category | None = None
    subcategory: str | None = Field(default=None, max_length=30)
    secondary_categories: list[Category] | None = Field(default=None, max_length=8)
    external_ref: str | None = Field(default=None, max_length=64)


class TransitionIn(BaseModel):
    to: Status
    reason: str = Field(default="", max_length=2000)
    outcome: str = Field(default="", max_length=4000)
    resolution_type: ResolutionType | None = None
    satisfaction: int | None = Field(default=None, ge=1, le=5)
    notes: str = Field(default="", max_length=4000)


class AssignmentIn(BaseModel):
    handler_id: str = Field(min_length=1, max_length=80)
    handler_name: str = Field(min_length=1, max_length=200)


class DuplicatePublic(BaseModel):
    case_id: uuid.UUID
    number: str
    status: str
    received_at: datetime
    reasons: list[str]
    link_status: str


class DuplicateDecision(BaseModel):
    status: str = Field(pattern="^(duplicate|distinct)$")


class PartyPublic(BaseModel):
    role: str
    relationship: str
    person: PersonPublic


class CaseListItem(BaseModel):
    id: uuid.UUID
    number: str
    status: Status
    channel: Channel
    received_at: datetime
    org_path: str
    primary_category: Category
    subcategory: str
    summary: str
    risk_level: RiskLevel
    urgent: bool
    handler_id: str | None
    handler_name: str
    victim_id: uuid.UUID
    victim_name: str
    victim_phone: str | None = Field(description="Always masked in lists.")
    accept_due_at: datetime
    resolve_due_at: datetime | None
    overdue: bool
    version: int


class CaseDetail(CaseListItem):
    org_code: str
    received_org_path: str
    operator_id: str
    operator_name: str
    source_agency: str
    external_ref: str
    description: str
    secondary_categories: list[str]
    complainant_kind: ComplainantKind
    victim: PersonPublic
    parties: list[PartyPublic]
    risk_assessed_at: datetime | None
    assigned_at: datetime | None
    accepted_at: datetime | None
    declined_at: datetime | None
    started_at: datetime | None
    resolved_at: datetime | None
    followed_up_at: datetime | None
    archived_at: datetime | None
    reopened_at: datetime | None
    decline_reason: str
    outcome: str
    resolution_type: ResolutionType | None
    satisfaction: int | None
    follow_up_notes: str
    reopen_reason: str
    reopen_count: int
    possible_duplicates: list[DuplicatePublic]
    created_at: datetime
    updated_at: datetime


class EventPublic(BaseModel):
    id: int
    at: datetime
    actor_id: str
    actor_name: str
    kind: str
    from_status: str | None
    to_status: str | None
    summary: str
    detail: dict[str, object]


class RiskAssessmentIn(RiskAnswers):
    """A re-assessment on demand."""


class RiskAssessmentPublic(BaseModel):
    id: uuid.UUID
    score: int
    level: RiskLevel
    answers: dict[str, object]
    assessed_at: datetime
    assessor_name: str
