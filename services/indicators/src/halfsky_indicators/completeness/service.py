"""Completeness: which expected units have submitted a data set for a period, and how many did so on time.

Expected units are the data set's assigned units. A report counts as submitted while submitted or approved; it
is on time when it was first submitted before the end of its due day (period end + due days, Asia/Shanghai).
"""

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.clock import SHANGHAI
from halfsky_common.orgpaths import code_of
from halfsky_common.periods import Period
from halfsky_indicators.analytics.queries import ancestor_sql
from halfsky_indicators.completeness.schemas import Completeness, GroupCompleteness, UnitCompleteness
from halfsky_indicators.datasets.models import DataSet, DataSetOrgUnit
from halfsky_indicators.entry.models import DataSetReport, ReportStatus
from halfsky_indicators.entry.service import due_date
from halfsky_indicators.numbers import rounded

UNIT_LIMIT = 2000


def _pct(part: int, whole: int) -> Decimal | None:
    return rounded(Decimal(part) / whole * 100, 2) if whole else None


def _group(key: str, expected: int, submitted: int, approved: int, on_time: int) -> GroupCompleteness:
    return GroupCompleteness(
        org_path=key,
        org_code=code_of(key),
        expected=expected,
        submitted=submitted,
        approved=approved,
        on_time=on_time,
        completeness_pct=_pct(submitted, expected),
        on_time_pct=_pct(on_time, expected),
    )


async def completeness(
    session: AsyncSession, *, data_set: DataSet, period: Period, org_path: str, level: int | None
) -> Completeness:
    """Counts per group (in SQL) and the status of each expected unit."""
    due = due_date(data_set, period)
    deadline = datetime.combine(due + timedelta(days=1), time(), tzinfo=SHANGHAI)
    r = DataSetReport
    joined = and_(
        col(r.data_set_id) == DataSetOrgUnit.data_set_id,
        col(r.org_path) == DataSetOrgUnit.org_path,
        col(r.period) == period.code,
    )
    sent = col(r.status).in_([ReportStatus.submitted, ReportStatus.approved])
    punctual = and_(col(r.first_submitted_at).is_not(None), col(r.first_submitted_at) < deadline)
    key: Any = ancestor_sql(DataSetOrgUnit.org_path, level) if level else literal(org_path)
    stmt = (
        select(
            key.label("key"),
            func.count(),
            func.sum(cast(sent, Integer)),
            func.sum(cast(col(r.status) == ReportStatus.approved, Integer)),
            func.sum(case((punctual, 1), else_=0)),
        )
        .select_from(DataSetOrgUnit)
        .outerjoin(r, joined)
        .where(col(DataSetOrgUnit.data_set_id) == data_set.id, col(DataSetOrgUnit.org_path).startswith(org_path))
        .group_by(key)
        .order_by(key)
    )
    groups = [
        _group(k, int(n), int(s or 0), int(a or 0), int(t or 0))
        for k, n, s, a, t in (await session.execute(stmt)).all()
        if k is not None
    ]
    units_stmt = (
        select(col(DataSetOrgUnit.org_path), col(r.status), col(r.first_submitted_at))
        .select_from(DataSetOrgUnit)
        .outerjoin(r, joined)
        .where(col(DataSetOrgUnit.data_set_id) == data_set.id, col(DataSetOrgUnit.org_path).startswith(org_path))
        .order_by(col(DataSetOrgUnit.org_path))
        .limit(UNIT_LIMIT)
    )
    units = [
        UnitCompleteness(
            org_path=path,
            org_code=code_of(path),
            status=str(status or "missing"),
            first_submitted_at=first,
            on_time=bool(first and first < deadline),
        )
        for path, status, first in (await session.execute(units_stmt)).all()
    ]
    total = _group(
        org_path,
        sum(g.expected for g in groups),
        sum(g.submitted for g in groups),
        sum(g.approved for g in groups),
        sum(g.on_time for g in groups),
    )
    return Completeness(data_set=data_set.code, period=period.code, due=due, total=total, groups=groups, units=units)
