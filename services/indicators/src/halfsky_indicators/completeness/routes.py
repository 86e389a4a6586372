"""HTTP layer of completeness."""

from fastapi import APIRouter

from halfsky_common.db import Session
from halfsky_indicators.access import DataReader, ensure_in_region
from halfsky_indicators.completeness import service
from halfsky_indicators.completeness.schemas import Completeness
from halfsky_indicators.datasets.service import get_by_code as data_set_by_code
from halfsky_indicators.orgpaths import parse_level
from halfsky_indicators.orgtree.service import resolve
from halfsky_indicators.periods import reporting

router = APIRouter(tags=["completeness"])


@router.get(
    "/completeness",
    response_model=Completeness,
    summary="Which expected units have submitted a data set for a period, with the on-time rate",
)
async def completeness(
    session: Session, user: DataReader, data_set: str, period: str, org: str | None = None, level: str | None = None
) -> Completeness:
    ds = await data_set_by_code(session, data_set)
    org_path = await resolve(session, org) if org else user.org_path
    ensure_in_region(user, org_path)
    return await service.completeness(
        session,
        data_set=ds,
        period=reporting(period, ds.period_type),
        org_path=org_path,
        level=parse_level(level) if level else None,
    )
