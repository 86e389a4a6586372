"""Response models of cases."""

import uuid
from datetime import datetime

from pydantic import BaseModel


class CasePublic(BaseModel):
    id: uuid.UUID
    number: str
    org_path: str
    status: str
    received_at: datetime
    version: int
