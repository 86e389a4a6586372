"""An indicator definition. The foundation holds only what the catalogue list needs; the indicator issue fills it in."""

import uuid

from sqlalchemy import Column, String
from sqlmodel import Field

from halfsky_indicators.base import Base


class Indicator(Base, table=True):
    __tablename__ = "indicator"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    name_zh: str = Field(sa_column=Column(String(200), nullable=False))
    name_en: str = Field(default="", sa_column=Column(String(200), nullable=False))
    version: int = 1
