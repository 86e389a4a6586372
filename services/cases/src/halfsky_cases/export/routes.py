"""HTTP layer of exports: the list's filters, masked values, an audit row per export."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response

from halfsky_cases.base import AuditEntry
from halfsky_cases.cases.access import can_read
from halfsky_cases.cases.listing import CaseFilters, case_query, sort_keys
from halfsky_cases.cases.routes import filters_from_query
from halfsky_cases.cases.views import victims_by_id
from halfsky_cases.deps import AppSettings, Cipher
from halfsky_cases.export import service
from halfsky_common.audit import record, utcnow
from halfsky_common.auth import Principal
from halfsky_common.db import Session
from halfsky_common.problems import Problem

router = APIRouter(tags=["export"])
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/export", summary="The filtered list as CSV or XLSX, masked", response_class=Response)
async def export(
    session: Session,
    cipher: Cipher,
    settings: AppSettings,
    user: Annotated[Principal, Depends(can_read)],
    filters: Annotated[CaseFilters, Depends(filters_from_query)],
    format: Literal["csv", "xlsx"] = "csv",
    sort: str = "-received_at",
) -> Response:
    limit = settings.export_max_rows
    stmt = case_query(user, filters, now=utcnow()).order_by(*[k.order() for k in sort_keys(sort)]).limit(limit + 1)
    cases = list((await session.execute(stmt)).scalars().all())
    if len(cases) > limit:
        raise Problem(422, f"More than {limit} cases match; narrow the filters.", limit=limit)
    table = service.rows(cases=cases, victims=await victims_by_id(session=session, cases=cases), cipher=cipher)
    body = service.to_csv(table) if format == "csv" else service.to_xlsx(table)
    record(
        session,
        AuditEntry,
        actor=user,
        action="case.export",
        entity_type="case",
        entity_id="*",
        org_path=user.org_path,
        format=format,
        rows=len(cases),
        filters={k: str(v) for k, v in vars(filters).items() if v},
    )
    await session.commit()
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return Response(
        content=body,
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="cases-{stamp}.{format}"', "Cache-Control": "no-store"},
    )
