"""HTTP layer of data entry: a form per data set × org unit × period, its workflow, and the stored values."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlmodel import col

from halfsky_common.auth import StaffUser, visible_to
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_common.periods import parse_field
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.access import DataEditor, DataReader, audit, ensure_in_region
from halfsky_indicators.analytics import table as analytics_table
from halfsky_indicators.base import row_dict
from halfsky_indicators.datasets import service as datasets
from halfsky_indicators.datasets.models import DataSet
from halfsky_indicators.elements.models import DataElement
from halfsky_indicators.elements.service import element_codes
from halfsky_indicators.entry import service
from halfsky_indicators.entry.models import DataSetReport, DataValue, ReportStatus
from halfsky_indicators.entry.schemas import (
    ActionResult,
    DataValuePublic,
    FormPublic,
    FormSave,
    ReportPublic,
    StepBody,
)
from halfsky_indicators.entry.values import in_period
from halfsky_indicators.entry.workflow import NEEDS_REASON, Action
from halfsky_indicators.orgtree.service import resolve
from halfsky_indicators.periods import reporting
from halfsky_indicators.validation.service import check_submission

router = APIRouter(tags=["data entry"])
FORM = "/forms/{data_set}/{org}/{period}"


@router.get(FORM, response_model=FormPublic, summary="A form: the data set's elements with their values and status")
async def get_form(
    data_set: str, org: str, period: str, session: Session, user: DataReader, response: Response
) -> FormPublic:
    ds = await datasets.get_by_code(session, data_set)
    org_path, p = await resolve(session, org), reporting(period, ds.period_type)
    ensure_in_region(user, org_path)
    result = await service.form(session, data_set=ds, org_path=org_path, period=p)
    set_etag(response, result.version)
    return result


@router.put(FORM, response_model=FormPublic, summary="Save a form's values, all or nothing (If-Match once it exists)")
async def save_form(
    data_set: str,
    org: str,
    period: str,
    body: FormSave,
    session: Session,
    user: DataEditor,
    request: Request,
    response: Response,
) -> FormPublic:
    ds = await datasets.get_by_code(session, data_set)
    org_path, p = await resolve(session, org), reporting(period, ds.period_type)
    ensure_in_region(user, org_path)
    report, created = await service.open_report(session, data_set=ds, org_path=org_path, period=p)
    if not created:
        check_if_match(request, report.version)
    created_n, updated_n, cleared_n = await service.save_form(
        session, user=user, data_set=ds, report=report, period=p, entries=body.values, created=created
    )
    audit(
        session,
        user,
        "form.save",
        "data_set_report",
        report.id,
        org_path=org_path,
        data_set=ds.code,
        period=p.code,
        created=created_n,
        updated=updated_n,
        cleared=cleared_n,
    )
    await session.commit()
    result = await service.form(session, data_set=ds, org_path=org_path, period=p)
    set_etag(response, result.version)
    return result


@router.post(
    FORM + "/{action}",
    response_model=ActionResult,
    summary="A step of the workflow (If-Match): submit 上报, approve 审核通过, return 退回, reopen 撤销审核",
    description="Submit is the unit's statisticians' (errors block, warnings need a comment); approve, return "
    "and reopen are a leader's of the next level up; return and reopen need a reason.",
)
async def act(
    data_set: str,
    org: str,
    period: str,
    action: Action,
    session: Session,
    user: StaffUser,
    request: Request,
    response: Response,
    body: StepBody | None = None,
) -> ActionResult:
    body = body or StepBody()
    if action in NEEDS_REASON and len(body.reason.strip()) < 2:
        raise Problem(422, f"To {action} a report, give the reason.", errors=[field_error("reason", "required")])
    text = body.reason.strip() if action in NEEDS_REASON else body.comment
    ds = await datasets.get_by_code(session, data_set)
    org_path, p = await resolve(session, org), reporting(period, ds.period_type)
    report = await service.get_report(session, data_set=ds, org_path=org_path, period=p.code, for_update=True)
    if report is None or not user.sees(org_path):
        raise Problem(404, "No report for this data set, unit and period; save the form first.")
    service.ensure_may_act(user, report, action)
    check_if_match(request, report.version)
    warnings = []
    if action == Action.submit:
        warnings = await check_submission(session, data_set=ds, report=report, comment=text)
    service.apply(report, user=user, action=action, text=text)
    await session.flush()
    elements = await datasets.elements_of(session, ds.id)
    await analytics_table.refresh_report(
        session, element_ids=[e.id for e in elements], org_path=org_path, period=p.code
    )
    audit(
        session,
        user,
        f"report.{action}",
        "data_set_report",
        report.id,
        org_path=org_path,
        data_set=ds.code,
        period=p.code,
        text=text,
        warnings=[w.rule for w in warnings],
    )
    await session.commit()
    set_etag(response, report.version)
    return ActionResult(report=service.report_public(ds, report, org_path=org_path, period=p), warnings=warnings)


@router.get("/reports", response_model=Page[ReportPublic], summary="Reports in your region (e.g. those awaiting you)")
async def list_reports(
    session: Session,
    user: DataReader,
    data_set: str | None = None,
    period: str | None = None,
    status: ReportStatus | None = None,
    org: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ReportPublic]:
    stmt = select(DataSetReport).where(visible_to(user, DataSetReport.org_path))
    if org:
        stmt = stmt.where(col(DataSetReport.org_path).startswith(await resolve(session, org)))
    if data_set:
        stmt = stmt.where(col(DataSetReport.data_set_id) == (await datasets.get_by_code(session, data_set)).id)
    if period:
        p = parse_field(period)
        stmt = stmt.where(col(DataSetReport.period_start) >= p.start, col(DataSetReport.period_end) <= p.last)
    if status:
        stmt = stmt.where(col(DataSetReport.status) == status)
    rows, next_cursor, has_more, _ = await paginate(
        session,
        stmt,
        keys=[SortKey(DataSetReport.org_path), SortKey(DataSetReport.period_start), SortKey(DataSetReport.id)],
        cursor=cursor,
        limit=limit,
    )
    sets = {d.id: d for d in (await session.execute(select(DataSet))).scalars()}
    items = [
        service.report_public(
            sets[r.data_set_id], r, org_path=r.org_path, period=reporting(r.period, sets[r.data_set_id].period_type)
        )
        for r in rows
    ]
    return Page(items=items, next_cursor=next_cursor, has_more=has_more)


@router.get("/data-values", response_model=Page[DataValuePublic], summary="Stored values in your region")
async def list_values(
    session: Session,
    user: DataReader,
    org: str | None = None,
    period: Annotated[str | None, Query(description="Values whose period lies inside this one")] = None,
    element: str | None = None,
    source: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[DataValuePublic]:
    stmt = select(DataValue).where(visible_to(user, DataValue.org_path))
    if org:
        stmt = stmt.where(col(DataValue.org_path).startswith(await resolve(session, org)))
    if period:
        stmt = stmt.where(in_period(parse_field(period)))
    if element:
        stmt = stmt.where(
            col(DataValue.element_id).in_(select(col(DataElement.id)).where(col(DataElement.code) == element))
        )
    if source:
        stmt = stmt.where(col(DataValue.source) == source)
    rows, next_cursor, has_more, _ = await paginate(
        session,
        stmt,
        keys=[SortKey(DataValue.org_path), SortKey(DataValue.period_start), SortKey(DataValue.id)],
        cursor=cursor,
        limit=limit,
    )
    codes = await element_codes(session, {r.element_id for r in rows})
    items = [DataValuePublic.model_validate({**row_dict(r), "element": codes[r.element_id]}) for r in rows]
    return Page(items=items, next_cursor=next_cursor, has_more=has_more)
