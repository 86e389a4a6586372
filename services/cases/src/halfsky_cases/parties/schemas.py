"""Request and response models of people in cases."""

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, ValidationInfo, field_validator

from halfsky_common.personal import DocumentType, check_document, check_phone, normalize_document

Sex = Literal["female", "male", "unknown"]
MaritalStatus = Literal["", "unmarried", "married", "divorced", "widowed", "cohabiting", "separated"]


def _check_phone(value: str | None) -> str | None:
    return check_phone(value) if value else None


def _check_birth_date(value: date | None) -> date | None:
    if value is not None and (value > date.today() or value.year < 1900):
        raise ValueError("not a plausible birth date")
    return value


IdType = Annotated[
    DocumentType,
    Field(description="The document the ID number is of (证件类型); each has its own format check."),
]
IdNumber = Annotated[
    str | None,
    Field(
        default=None,
        max_length=30,
        description="Full-width digits and letters, spaces and hyphens are accepted and normalised (NFKC).",
    ),
]
Phone = Annotated[str | None, Field(default=None, max_length=30), AfterValidator(_check_phone)]
Address = Annotated[str | None, Field(default=None, max_length=300)]
BirthDate = Annotated[date | None, AfterValidator(_check_birth_date)]


class PersonBase(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    sex: Sex = "female"
    birth_date: BirthDate = None
    age: int | None = Field(default=None, ge=0, le=120)
    ethnicity: str = Field(default="", max_length=20)
    marital_status: MaritalStatus = ""
    occupation: str = Field(default="", max_length=60)
    disability: str = Field(default="", max_length=60)
    children_count: int | None = Field(default=None, ge=0, le=20)


class PersonIn(PersonBase):
    """A person as given at intake; sensitive fields arrive in plain text and are encrypted before storage."""

    id_type: IdType = DocumentType.resident_id  # before id_number: its check needs the type
    id_number: IdNumber = None
    phone: Phone = None
    address: Address = None

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value:
            return None
        if "id_type" not in info.data:  # the type itself was refused: that error says it
            return value
        return check_document(info.data["id_type"], value)


class PersonUpdate(BaseModel):
    """Fields to change (absent ones stay); sensitive ones are replaced as a whole."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    sex: Sex | None = None
    birth_date: BirthDate = None
    age: int | None = Field(default=None, ge=0, le=120)
    ethnicity: str | None = Field(default=None, max_length=20)
    marital_status: MaritalStatus | None = None
    occupation: str | None = Field(default=None, max_length=60)
    disability: str | None = Field(default=None, max_length=60)
    children_count: int | None = Field(default=None, ge=0, le=20)
    id_type: IdType | None = Field(
        default=None,
        description="With id_number: the type it is checked as. Alone: the current number is checked as this type.",
    )
    id_number: IdNumber = None  # checked as id_type if given, else as the type she has
    phone: Phone = None
    address: Address = None

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value:
            return None
        if info.data.get("id_type") is None:  # checked against her current type, which only the service knows
            return normalize_document(value)
        return check_document(info.data["id_type"], value)


class PersonPublic(PersonBase):
    """A person as shown: sensitive fields masked unless revealed (and logged)."""

    id: uuid.UUID
    id_type: DocumentType
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    revealed: bool = False
    version: int
