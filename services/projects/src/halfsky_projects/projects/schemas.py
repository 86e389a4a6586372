"""Response models of projects."""

import uuid
from datetime import datetime

from pydantic import BaseModel


class ProjectPublic(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    org_path: str
    status: str
    created_at: datetime
    version: int
