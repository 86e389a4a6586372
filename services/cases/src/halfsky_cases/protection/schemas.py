"""Response models of the access log."""

import uuid
from datetime import datetime

from pydantic import BaseModel


class AccessLogPublic(BaseModel):
    id: int
    at: datetime
    actor_id: str
    actor_name: str
    actor_roles: list[str]
    case_id: uuid.UUID | None
    case_number: str
    org_path: str
    fields: list[str]
    reason: str
    request_id: str
