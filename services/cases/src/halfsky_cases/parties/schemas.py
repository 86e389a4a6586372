"""Request and response models of people in cases."""

import re
import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field

from halfsky_cases.protection.crypto import normalize_id_number, normalize_phone

Sex = Literal["female", "male", "unknown"]
MaritalStatus = Literal["", "unmarried", "married", "divorced", "widowed", "cohabiting", "separated"]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def valid_id_number(value: str) -> bool:
    """An 18-character resident ID (GB 11643) with a correct check character."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def _check_id_number(value: str | None) -> str | None:
    if not value:
        return None
    normalized = normalize_id_number(value)
    if not valid_id_number(normalized):
        raise ValueError("not a valid 18-character resident ID number")
    return normalized


def _check_phone(value: str | None) -> str | None:
    if not value:
        return None
    digits = normalize_phone(value)
    if not (re.fullmatch(r"1[3-9]\d{9}", digits) or re.fullmatch(r"0\d{9,11}|\d{7,8}", digits)):
        raise ValueError("not a mobile (11 digits) or landline number")
    return digits


def _check_birth_date(value: date | None) -> date | None:
    if value is not None and (value > date.today() or value.year < 1900):
        raise ValueError("not a plausible birth date")
    return value


IdNumber = Annotated[str | None, Field(default=None, max_length=30), AfterValidator(_check_id_number)]
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

    id_number: IdNumber = None
    phone: Phone = None
    address: Address = None


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
    id_number: IdNumber = None
    phone: Phone = None
    address: Address = None


class PersonPublic(PersonBase):
    """A person as shown: sensitive fields masked unless revealed (and logged)."""

    id: uuid.UUID
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    revealed: bool = False
    version: int
