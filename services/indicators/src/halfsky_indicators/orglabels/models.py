"""Names of org units as this service shows them (the tree itself lives in the gateway)."""

from sqlalchemy import Column, String, Text
from sqlmodel import Field

from halfsky_indicators.base import Base


class OrgLabel(Base, table=True):
    """A unit's name by path; optional: figures are complete without it."""

    __tablename__ = "org_label"

    path: str = Field(sa_column=Column(Text, primary_key=True, nullable=False))
    code: str = Field(sa_column=Column(String(12), nullable=False))
    name: str = Field(sa_column=Column(String(100), nullable=False))
