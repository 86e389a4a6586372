"""Request and response models of partners, service points and referrals."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, field_validator

ORG_PATH = r"^/(\d{2,12}/)+$"


class Agency(StrEnum):
    police = "police"
    court = "court"
    legal_aid = "legal_aid"
    shelter = "shelter"
    hospital = "hospital"
    civil_affairs = "civil_affairs"
    justice = "justice"
    other = "other"


class PointKind(StrEnum):
    dv_report_point = "dv_report_point"  # 家庭暴力报警点 (公安)
    injury_assessment_centre = "injury_assessment_centre"  # 暴力鉴定中心 (公安)
    shelter = "shelter"  # 家暴庇护中心 (民政)
    court_panel = "court_panel"  # 维权合议庭 (法院)
    consultation_station = "consultation_station"  # 维权咨询站 (司法)
    legal_aid_station = "legal_aid_station"  # 法律援助站 / 妇女援助站


class Service(StrEnum):
    legal_aid = "legal_aid"
    shelter = "shelter"
    police = "police"
    court = "court"
    medical = "medical"
    injury_assessment = "injury_assessment"
    counselling = "counselling"
    civil_affairs = "civil_affairs"


class PartnerIn(BaseModel):
    org_path: str = Field(pattern=ORG_PATH, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    agency: Agency
    client_id: str | None = Field(default=None, max_length=64, description="The partner's gateway client id.")
    phone: str = Field(default="", max_length=40)

    @field_validator("client_id")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        """A blank client id means none (it must not claim the one "" slot of the unique column)."""
        return (value.strip() or None) if value is not None else None


class PartnerPublic(PartnerIn):
    id: uuid.UUID
    active: bool


class ServicePointIn(BaseModel):
    org_path: str = Field(pattern=ORG_PATH, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    kind: PointKind
    partner_id: uuid.UUID | None = None
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=40)
    established_year: int | None = Field(default=None, ge=1949, le=2100)


class ServicePointPublic(ServicePointIn):
    id: uuid.UUID
    active: bool


class ReferralIn(BaseModel):
    partner_id: uuid.UUID
    service: Service
    note: str = Field(default="", max_length=4000)


class ReferralTransitionIn(BaseModel):
    to: Literal["accepted", "declined", "completed"]
    note: str = Field(default="", max_length=4000)


class ReferralPublic(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    case_number: str
    case_summary: str
    case_category: str
    case_risk_level: str
    victim_name: str
    victim_phone: str | None
    partner_id: uuid.UUID
    partner_name: str
    service: Service
    status: str
    note: str
    response_note: str
    outcome: str
    sent_by_name: str
    sent_at: datetime
    accepted_at: datetime | None
    declined_at: datetime | None
    completed_at: datetime | None
    version: int
