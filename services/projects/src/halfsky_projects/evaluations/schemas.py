"""Request and response models of evaluations and their criteria."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from halfsky_projects.fields import Name, ShortText, Text

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class Criterion(BaseModel):
    code: Code
    name: Name
    weight: Annotated[int, Field(ge=1, le=100)] = 1
    max_score: Annotated[int, Field(ge=1, le=1000)] = 100


class CriteriaSetBody(BaseModel):
    criteria: list[Criterion] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _unique_codes(self) -> "CriteriaSetBody":
        codes = [c.code for c in self.criteria]
        if len(set(codes)) != len(codes):
            raise ValueError("criterion codes must be unique")
        return self


class CriteriaSetPublic(BaseModel):
    org_path: str
    kind: str
    criteria: list[Criterion]
    version: int


class Score(BaseModel):
    code: Code
    score: Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=1)]
    name: ShortText = Field(default="", description="Needed only where no criteria are configured.")
    weight: Annotated[int, Field(ge=1, le=100)] = 1
    max_score: Annotated[int, Field(ge=1, le=1000)] = 100


class EvaluationCreate(BaseModel):
    kind: Annotated[str, Field(pattern="^(baseline|half_year|annual|final)$")]
    period: Annotated[str, Field(pattern=r"^(\d{4}(H[12])?)?$")] = ""
    conducted_on: date
    evaluator: Name = Field(description="The federation unit or the funder (资助方) that evaluated.")
    scores: list[Score] = Field(default_factory=list, max_length=30)
    findings: Text = ""
    problems: Text = ""
    recommendations: Text = ""
    continue_next_round: bool | None = Field(default=None, description="Final evaluations: 是否继续开展.")
    report_id: uuid.UUID = Field(description="The evaluation report (评估报告), uploaded as an attachment.")


class EvaluationPublic(BaseModel):
    id: uuid.UUID
    kind: str
    period: str
    conducted_on: date
    evaluator: str
    scores: list[Score]
    total_score: Decimal | None
    findings: str
    problems: str
    recommendations: str
    continue_next_round: bool | None
    report_id: uuid.UUID
    created_at: datetime
