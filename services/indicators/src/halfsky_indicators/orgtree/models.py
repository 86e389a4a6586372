"""Where units sit in the region tree, as far as the gateway's moves have told this service."""

from datetime import datetime

from sqlalchemy import Column, Index, String, Text
from sqlmodel import Field

from halfsky_indicators.base import Base, timestamp_field


class OrgUnitPlace(Base, table=True):
    """A unit a move in the tree named (the moved unit and its new ancestors), at its current path.

    Every other unit sits where its division code puts it under its nearest listed ancestor. The column is named
    `org_path` so that later moves rewrite it like every other path column (halfsky_common.orgmoves).
    """

    __tablename__ = "org_unit_place"
    __table_args__ = (Index("ix_org_unit_place_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),)

    code: str = Field(sa_column=Column(String(12), primary_key=True, nullable=False))
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    placed_at: datetime = timestamp_field()
