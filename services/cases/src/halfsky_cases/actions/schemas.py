"""Request and response models of case actions."""

import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Self

from pydantic import AwareDatetime, BaseModel, Field, field_validator, model_validator


class ActionKind(StrEnum):
    note = "note"
    phone_call = "phone_call"
    home_visit = "home_visit"  # 家访
    consultation = "consultation"  # 咨询
    mediation = "mediation"  # 调解
    legal_aid_referral = "legal_aid_referral"
    police_report = "police_report"  # 陪同报警
    protection_order_support = "protection_order_support"  # 协助申请人身安全保护令
    shelter_placement = "shelter_placement"  # 庇护
    counselling = "counselling"  # 心理疏导
    medical_help = "medical_help"


class MediationResult(StrEnum):
    success = "success"  # 调解成功
    partial = "partial"
    failed = "failed"


class ActionIn(BaseModel):
    kind: ActionKind
    occurred_at: AwareDatetime | None = Field(default=None, description="Defaults to now.")
    summary: str = Field(min_length=1, max_length=4000)
    parties: list[str] = Field(default_factory=list, max_length=10, description="Mediation: who took part.")
    result: MediationResult | None = Field(default=None, description="Mediation only.")
    detail: dict[str, Any] = Field(default_factory=dict)

    @field_validator("occurred_at")
    @classmethod
    def _not_future(cls, value: datetime | None) -> datetime | None:
        if value is not None and value > datetime.now(UTC) + timedelta(minutes=5):
            raise ValueError("occurred_at lies in the future")
        return value

    @model_validator(mode="after")
    def _mediation_fields(self) -> Self:
        if self.kind == ActionKind.mediation:
            if not self.parties:
                raise ValueError("a mediation names its parties")
            if self.result is None:
                raise ValueError("a mediation records its result")
        elif self.result is not None:
            raise ValueError("only a mediation has a result")
        return self


class ActionPublic(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    kind: ActionKind
    occurred_at: datetime
    actor_id: str
    actor_name: str
    summary: str
    parties: list[str]
    result: MediationResult | None
    detail: dict[str, Any]
