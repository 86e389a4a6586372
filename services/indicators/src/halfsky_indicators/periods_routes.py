"""HTTP layer of period codes: what a code means and what it contains."""

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel

from halfsky_common.periods import REPORTING_TYPES, PeriodType, contained, parse_field, previous, same_period_last_year
from halfsky_indicators.access import Anyone

router = APIRouter(prefix="/periods", tags=["periods"])


class PeriodPublic(BaseModel):
    code: str
    type: PeriodType
    start: date
    end: date
    previous: str
    same_period_last_year: str
    contains: dict[str, list[str]]


@router.get("/{code}", response_model=PeriodPublic, summary="A period code's dates and the periods it contains")
async def describe(code: str, user: Anyone) -> PeriodPublic:
    p = parse_field(code, "code")
    return PeriodPublic(
        code=p.code,
        type=p.type,
        start=p.start,
        end=p.last,
        previous=previous(p).code,
        same_period_last_year=same_period_last_year(p).code,
        contains={t.value: [c.code for c in contained(p, t)] for t in REPORTING_TYPES if len(contained(p, t)) <= 120},
    )
