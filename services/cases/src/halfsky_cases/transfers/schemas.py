"""Request and response models of transfers."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

ORG_PATH = r"^/(\d{2,12}/)+$"


class TransferIn(BaseModel):
    to_org_path: str = Field(pattern=ORG_PATH, max_length=200, examples=["/44/4401/440106/440106001/"])
    reason: str = Field(min_length=1, max_length=2000)


class TransferDecision(BaseModel):
    accept: bool
    note: str = Field(default="", max_length=2000)


class TransferPublic(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    case_number: str
    case_summary: str
    case_category: str
    case_risk_level: str
    kind: str
    from_org_path: str
    to_org_path: str
    reason: str
    status: str
    requested_by_name: str
    requested_at: datetime
    decided_by_name: str
    decided_at: datetime | None
    decision_note: str
    version: int
