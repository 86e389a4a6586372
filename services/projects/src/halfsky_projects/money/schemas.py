"""Request and response models of budgets and expenditures."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from halfsky_projects.fields import Name, Name100, PositiveFen, Reason, Text
from halfsky_projects.money.models import FundingSource


class BudgetLineCreate(BaseModel):
    source: FundingSource
    item: Name100 = Field(description="Line item, e.g. 培训费, 场地租赁, 宣传材料")
    amount_fen: PositiveFen
    note: Text = ""


class BudgetLineUpdate(BaseModel):
    amount_fen: PositiveFen | None = None
    note: Text | None = None


class BudgetLinePublic(BaseModel):
    id: uuid.UUID
    source: str
    item: str
    amount_fen: int
    spent_fen: int
    remaining_fen: int
    execution_rate_pct: float | None
    state: str = Field(description="ok, near_limit (≥ 90 %) or over")
    note: str
    version: int


class SourceTotal(BaseModel):
    source: str
    budget_fen: int
    spent_fen: int
    execution_rate_pct: float | None


class BudgetWarning(BaseModel):
    code: str
    budget_line_id: uuid.UUID
    item: str
    source: str
    message: str


class Budget(BaseModel):
    lines: list[BudgetLinePublic]
    by_source: list[SourceTotal]
    budget_fen: int
    spent_fen: int
    execution_rate_pct: float | None
    warnings: list[BudgetWarning]


class ExpenditureCreate(BaseModel):
    budget_line_id: uuid.UUID
    spent_on: date
    amount_fen: PositiveFen
    payee: Name
    purpose: Text = ""
    voucher_id: uuid.UUID = Field(description="The uploaded voucher (凭证) attachment.")
    override_reason: Reason = Field(default="", description="A leader's reason to spend beyond the line.")


class ExpenditurePublic(BaseModel):
    id: uuid.UUID
    budget_line_id: uuid.UUID
    spent_on: date
    amount_fen: int
    payee: str
    purpose: str
    voucher_id: uuid.UUID
    over_budget: bool
    override_reason: str
    overridden_by: str
    created_at: datetime
