"""Budget lines by funding source and item, and the expenditures charged to them (all in integer fen)."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Index, String, Text, UniqueConstraint
from sqlmodel import Field

from halfsky_common.audit import utcnow
from halfsky_projects.base import Base


class FundingSource(StrEnum):
    """Where a budget line's money comes from."""

    finance = "finance"  # 财政
    upper_allocation = "upper_allocation"  # 上级拨付
    government_purchase = "government_purchase"  # 政府购买
    donation = "donation"  # 社会捐赠
    international = "international"  # 国际项目
    matching = "matching"  # 配套资金


class BudgetLine(Base, table=True):
    """Money earmarked (专款专用) for one item from one source."""

    __tablename__ = "budget_line"
    __table_args__ = (
        UniqueConstraint("project_id", "source", "item", name="uq_budget_line_source_item"),
        Index("ix_budget_line_org", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False, index=True)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(sa_column=Column(String(30), nullable=False))
    item: str = Field(sa_column=Column(String(100), nullable=False))
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = 1


class Expenditure(Base, table=True):
    """A payment charged to a budget line, with its voucher; `over_budget` marks a leader's override."""

    __tablename__ = "expenditure"
    __table_args__ = (
        Index("ix_expenditure_line", "budget_line_id"),
        Index("ix_expenditure_project", "project_id", "spent_on"),
        Index("ix_expenditure_org", "org_path", "spent_on", postgresql_ops={"org_path": "text_pattern_ops"}),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False)
    budget_line_id: uuid.UUID = Field(foreign_key="budget_line.id", nullable=False)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    spent_on: date = Field(sa_column=Column(Date, nullable=False))
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    payee: str = Field(sa_column=Column(String(200), nullable=False))
    purpose: str = Field(default="", sa_column=Column(Text, nullable=False))
    voucher_id: uuid.UUID = Field(foreign_key="attachment.id", nullable=False)
    over_budget: bool = Field(default=False, sa_column=Column(Boolean, nullable=False))
    override_reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    overridden_by: str = Field(default="", sa_column=Column(String(200), nullable=False))
    created_by: str = Field(default="", sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
