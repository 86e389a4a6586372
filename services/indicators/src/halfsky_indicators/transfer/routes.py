"""HTTP layer of bulk import and export."""

import csv
import io
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from halfsky_common.db import Session
from halfsky_common.offloop import abandonable
from halfsky_common.periods import parse_field
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.access import DataEditor, DataReader, audit, ensure_in_region
from halfsky_indicators.entry.values import write_values
from halfsky_indicators.orgtree.service import resolve
from halfsky_indicators.transfer import service

router = APIRouter(tags=["import and export"])


class ImportResult(BaseModel):
    rows: int
    created: int
    updated: int
    dry_run: bool


@router.post(
    "/import",
    response_model=ImportResult,
    summary="Import values from CSV or XLSX (element, org, period, value[, comment]): all rows or none",
)
async def import_values(
    request: Request, file: UploadFile, session: Session, user: DataEditor, dry_run: bool = False
) -> ImportResult:
    settings = request.app.state.settings
    # Read and checked in a worker thread, a row at a time within the limits, and stopped if the client leaves.
    async with abandonable(request, workers=settings.import_workers) as work:
        rows = await work.run(service.read_rows, file.file, file.filename or "", settings.table_limits(), work.stop)
        values, rejected = await service.check_rows(session, rows=rows, user=user, work=work)
        if rejected:
            raise Problem(
                422,
                f"{len(rejected)} of {len(rows)} rows are rejected; nothing was imported.",
                errors=[field_error(f"rows.{r.row}.{r.field}", r.message) for r in rejected[:100]],
                rejected=[{"row": r.row, "field": r.field, "message": r.message} for r in rejected],
            )
        created = updated = 0
        if not dry_run:
            work.stop.check()  # nobody waits for the answer: write nothing
            created, updated, _ = await write_values(session, values=values, user=user, source="manual")
            audit(
                session,
                user,
                "values.import",
                "data_value",
                "*",
                org_path=user.org_path,
                file=file.filename,
                rows=len(values),
                created=created,
                updated=updated,
            )
            await session.commit()
    return ImportResult(rows=len(values), created=created, updated=updated, dry_run=dry_run)


@router.get("/export", summary="Export values in the import's format (CSV or XLSX)", response_class=Response)
async def export_values(
    session: Session,
    user: DataReader,
    format: Literal["csv", "xlsx"] = "csv",
    org: str | None = None,
    period: Annotated[str | None, Query(description="Values whose period lies inside this one")] = None,
    elements: Annotated[str | None, Query(description="Element codes, comma-separated")] = None,
    source: str | None = None,
) -> Response:
    org_path = await resolve(session, org) if org else user.org_path
    ensure_in_region(user, org_path)
    p = parse_field(period) if period else None
    codes = [c.strip() for c in (elements or "").split(",") if c.strip()]
    rows = service.export_rows(
        session,
        org_path=org_path,
        period_start=p.start if p else None,
        period_end=p.last if p else None,
        element_codes=codes,
        source=source,
    )
    filename = f"indicator-values-{(p.code if p else 'all')}.{format}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if format == "xlsx":
        return Response(await _xlsx(rows), media_type=XLSX, headers=disposition)
    return StreamingResponse(_csv(rows), media_type="text/csv; charset=utf-8", headers=disposition)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _csv(rows: AsyncIterator[list[str]]) -> AsyncIterator[str]:
    yield "\ufeff" + ",".join(service.COLUMNS) + "\r\n"  # the BOM lets Excel read UTF-8
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    async for row in rows:
        writer.writerow(row)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


async def _xlsx(rows: AsyncIterator[list[str]]) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    sheet = book.create_sheet("values")
    sheet.append(list(service.COLUMNS))
    async for row in rows:
        sheet.append([*row[:3], Decimal(row[3]), row[4]])  # the value as a number Excel can add up
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
