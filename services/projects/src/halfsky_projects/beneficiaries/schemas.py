"""Request and response models of beneficiaries and their outcomes."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, ValidationInfo, field_validator, model_validator

from halfsky_common.personal import DocumentType, check_document, check_phone
from halfsky_projects.beneficiaries.models import OutcomeKind
from halfsky_projects.fields import Fen, Name, OrgPath, ShortText, ShortText100, Text


def _check_phone(value: str | None) -> str | None:
    return check_phone(value) if value else None


# NFKC-normalised (full-width digits typed with a Chinese input method are the same number), then checked: the
# rules of halfsky_common.personal, the same as the cases service's.
Phone = Annotated[str | None, Field(max_length=30), AfterValidator(_check_phone)]


class BeneficiaryCreate(BaseModel):
    name: Annotated[Name, Field(max_length=100)]
    gender: Annotated[str, Field(pattern="^(female|male)$")] = "female"
    birth_year: Annotated[int | None, Field(ge=1900, le=2100)] = None
    id_type: DocumentType = Field(
        default=DocumentType.resident_id, description="The document id_number is of (证件类型); each has its check."
    )
    id_number: str | None = Field(
        default=None,
        max_length=30,
        description="Kept only masked, plus a keyed hash for duplicates; full-width input is normalised (NFKC).",
    )
    phone: Phone = None
    target_group: ShortText100 = ""
    registered_on: date
    org_path: OrgPath | None = Field(default=None, description="Her village or unit; defaults to the lead unit.")
    note: Text = ""

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        if "id_type" not in info.data:  # the type itself was refused: that error says it
            return value
        return check_document(info.data["id_type"], value)


class BeneficiaryUpdate(BaseModel):
    name: Annotated[Name | None, Field(max_length=100)] = None
    phone: Phone = None
    target_group: ShortText100 | None = None
    note: Text | None = None


class OutcomeCreate(BaseModel):
    kind: OutcomeKind
    achieved_on: date
    amount_fen: Fen = 0
    label: ShortText = ""
    note: Text = ""

    @model_validator(mode="after")
    def _amount_only_for_loans(self) -> "OutcomeCreate":
        if self.kind == OutcomeKind.loan and self.amount_fen <= 0:
            raise ValueError("a loan outcome needs amount_fen")
        if self.kind != OutcomeKind.loan and self.amount_fen:
            raise ValueError("amount_fen is only for loan outcomes")
        return self


class OutcomePublic(BaseModel):
    id: uuid.UUID
    beneficiary_id: uuid.UUID
    kind: str
    achieved_on: date
    amount_fen: int
    label: str
    activity_id: uuid.UUID | None
    loan_id: uuid.UUID | None
    note: str
    created_at: datetime


class BeneficiaryPublic(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID
    name: str = Field(description="Masked for readers who are not managers or leaders.")
    gender: str
    birth_year: int | None
    id_type: DocumentType
    id_number_masked: str
    phone_masked: str
    target_group: str
    registered_on: date
    org_path: str
    note: str
    version: int


class BeneficiaryDetail(BeneficiaryPublic):
    outcomes: list[OutcomePublic]
