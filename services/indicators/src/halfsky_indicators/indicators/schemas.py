"""Response models of indicators."""

import uuid

from pydantic import BaseModel


class IndicatorPublic(BaseModel):
    id: uuid.UUID
    code: str
    name_zh: str
    name_en: str
    version: int
