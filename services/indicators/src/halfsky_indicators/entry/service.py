"""Forms (a data set × org unit × period, saved all-or-nothing) and the reporting workflow around them."""

import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal
from halfsky_common.orgpaths import parent
from halfsky_common.periods import Period
from halfsky_common.problems import Problem, field_error, illegal_transition
from halfsky_indicators.base import row_dict
from halfsky_indicators.datasets.models import DataSet
from halfsky_indicators.datasets.service import elements_of
from halfsky_indicators.entry.models import DataSetReport, ReportStatus
from halfsky_indicators.entry.schemas import FormPublic, FormValue, ReportPublic, ValueIn
from halfsky_indicators.entry.values import NewValue, check_value, locked_keys, values_for, write_values
from halfsky_indicators.entry.workflow import BY_UPPER_LEVEL, EDITABLE, Action, next_status


def due_date(data_set: DataSet, period: Period) -> date:
    """The last day a report is on time (Asia/Shanghai calendar)."""
    return period.last + timedelta(days=data_set.due_days)


async def get_report(
    session: AsyncSession, *, data_set: DataSet, org_path: str, period: str, for_update: bool = False
) -> DataSetReport | None:
    stmt = select(DataSetReport).where(
        col(DataSetReport.data_set_id) == data_set.id,
        col(DataSetReport.org_path) == org_path,
        col(DataSetReport.period) == period,
    )
    return (await session.execute(stmt.with_for_update() if for_update else stmt)).scalar_one_or_none()


async def open_report(
    session: AsyncSession, *, data_set: DataSet, org_path: str, period: Period
) -> tuple[DataSetReport, bool]:
    """The report, created as a draft when there is none (safe under concurrency); and whether it was created now."""
    inserted = await session.execute(
        insert(DataSetReport)
        .values(
            id=uuid.uuid4(),
            data_set_id=data_set.id,
            org_path=org_path,
            period=period.code,
            period_start=period.start,
            period_end=period.last,
            status=ReportStatus.draft,
            comment="",
            return_reason="",
            created_at=utcnow(),
            updated_at=utcnow(),
            submitted_by="",
            approved_by="",
            returned_by="",
            version=1,
        )
        .on_conflict_do_nothing(constraint="uq_data_set_report_key")
        .returning(col(DataSetReport.id))
    )
    created = inserted.first() is not None
    report = await get_report(session, data_set=data_set, org_path=org_path, period=period.code, for_update=True)
    assert report is not None
    return report, created


def report_public(data_set: DataSet, report: DataSetReport | None, *, org_path: str, period: Period) -> ReportPublic:
    if report is None:
        return ReportPublic(
            data_set=data_set.code,
            org_path=org_path,
            period=period.code,
            period_start=period.start,
            period_end=period.last,
            status=ReportStatus.draft,
            due=due_date(data_set, period),
        )
    return ReportPublic.model_validate(
        {**row_dict(report), "data_set": data_set.code, "due": due_date(data_set, period)}
    )


async def form(session: AsyncSession, *, data_set: DataSet, org_path: str, period: Period) -> FormPublic:
    """The form as it stands: every element of the set with its value, and the report's status."""
    report = await get_report(session, data_set=data_set, org_path=org_path, period=period.code)
    elements = await elements_of(session, data_set.id)
    stored = await values_for(session, element_ids=[e.id for e in elements], org_path=org_path, period=period.code)
    locks = await locked_keys(session, [(e.id, org_path, period.code) for e in elements])
    values = []
    for e in elements:
        v = stored.get(e.id)
        values.append(
            FormValue(
                element=e.code,
                name_zh=e.name_zh,
                name_en=e.name_en,
                value_type=e.value_type,
                unit_label=e.unit_label,
                value=v.value if v else None,
                comment=v.comment if v else "",
                entered_by=v.entered_by_name if v else "",
                entered_at=v.entered_at if v else None,
            )
        )
    head = report_public(data_set, report, org_path=org_path, period=period)
    return FormPublic(**head.model_dump(), locked=bool(locks), values=values)


async def save_form(
    session: AsyncSession,
    *,
    user: Principal,
    data_set: DataSet,
    report: DataSetReport,
    period: Period,
    entries: Sequence[ValueIn],
    created: bool,
) -> tuple[int, int, int]:
    """Check every entry, then write them all (or nothing); the report must be a draft or returned."""
    if report.status not in EDITABLE:
        raise illegal_transition(
            f"This report is {report.status}; its values are locked.", current=report.status, allowed_from=EDITABLE
        )
    elements = {e.code: e for e in await elements_of(session, data_set.id)}
    errors = []
    new: list[NewValue] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        element = elements.get(entry.element)
        if element is None:
            errors.append(field_error(f"values.{i}.element", f"{entry.element} is not on the form {data_set.code}"))
            continue
        if entry.element in seen:
            errors.append(field_error(f"values.{i}.element", f"{entry.element} is given twice"))
            continue
        seen.add(entry.element)
        value = None
        if entry.value is not None:
            try:
                value = check_value(element, entry.value)
            except ValueError as exc:
                errors.append(field_error(f"values.{i}.value", str(exc)))
                continue
        new.append(NewValue(element, report.org_path, period, value, entry.comment))
    locks = await locked_keys(session, [v.key for v in new])
    for i, v in enumerate(new):
        if v.key in locks:
            errors.append(field_error(f"values.{i}.element", f"{v.element.code} is locked by a {locks[v.key]} report"))
    if errors:
        raise Problem(422, "Some values cannot be saved; nothing was saved.", errors=errors)
    counts = await write_values(session, values=new, user=user)
    if not created:
        report.version += 1
    report.updated_at = utcnow()
    return counts


def ensure_may_act(user: Principal, report: DataSetReport, action: Action) -> None:
    """Submitting is the unit's own (or a level above, in its subtree); approving is the next level up's."""
    if action not in BY_UPPER_LEVEL:
        if not user.has_role("statistician", "admin") or not user.sees(report.org_path):
            raise Problem(403, "Only the unit's statisticians (or those above it) submit its report.")
        return
    if user.has_role("admin") and user.sees(report.org_path) and user.org_path != report.org_path:
        return
    if not user.has_role("leader") or parent(report.org_path) != user.org_path:
        raise Problem(
            403,
            f"Reports of {report.org_path} are approved or returned by a leader of the next level up "
            f"({parent(report.org_path) or 'none'}).",
        )


def apply(report: DataSetReport, *, user: Principal, action: Action, text: str = "") -> None:
    """Move the report along the state machine, stamping who and when."""
    report.status = next_status(report.status, action)
    now = utcnow()
    if action == Action.submit:
        report.submitted_at, report.submitted_by, report.comment = now, user.name, text
        report.first_submitted_at = report.first_submitted_at or now
    elif action == Action.approve:
        report.approved_at, report.approved_by = now, user.name
    else:
        report.returned_at, report.returned_by, report.return_reason = now, user.name, text
    report.version += 1
    report.updated_at = now
