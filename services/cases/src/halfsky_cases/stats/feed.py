"""The machine contract the indicator service pulls: one row per registering org unit and measure."""

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, distinct, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_cases.actions.models import CaseAction
from halfsky_cases.cases.models import Case
from halfsky_cases.legal.models import LegalMeasure
from halfsky_cases.referrals.models import Referral
from halfsky_common.periods import Period

ORG = col(Case.received_org_path)


def _between(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start_at, column < period.end_at)


def _dates_between(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


def legal_aid_cases(period: Period) -> Select[Any]:
    """Cases with a legal-aid referral sent, or a legal-aid application recorded, in the period."""
    referred: Select[Any] = select(col(Referral.case_id).label("case_id")).where(
        col(Referral.service) == "legal_aid", _between(col(Referral.sent_at), period)
    )
    applied: Select[Any] = select(col(LegalMeasure.case_id).label("case_id")).where(
        col(LegalMeasure.kind) == "legal_aid", _dates_between(col(LegalMeasure.applied_on), period)
    )
    return select(union(referred, applied).subquery().c.case_id)


def mediated_cases(period: Period, *, success_only: bool) -> Select[Any]:
    stmt = select(col(CaseAction.case_id)).where(
        col(CaseAction.kind) == "mediation", _between(col(CaseAction.occurred_at), period)
    )
    return stmt.where(col(CaseAction.result) == "success") if success_only else stmt


def measures(period: Period) -> dict[str, Select[Any]]:
    """Each measure as `SELECT org_path, value ... GROUP BY org_path` (before the region filter)."""
    count = func.count(col(Case.id))

    def cases_where(*conditions: ColumnElement[bool], value: Any = count) -> Select[Any]:
        return select(ORG, value).where(*conditions).group_by(ORG)

    received = _between(col(Case.received_at), period)
    return {
        "cases_received": cases_where(received),
        "cases_dv_received": cases_where(received, col(Case.primary_category) == "domestic_violence"),
        "cases_accepted": cases_where(_between(col(Case.accepted_at), period)),
        "cases_resolved": cases_where(_between(col(Case.resolved_at), period)),
        "cases_resolved_on_time": cases_where(
            _between(col(Case.resolved_at), period), col(Case.resolved_at) <= col(Case.resolve_due_at)
        ),
        "cases_mediated": cases_where(col(Case.id).in_(mediated_cases(period, success_only=False))),
        "cases_mediated_success": cases_where(col(Case.id).in_(mediated_cases(period, success_only=True))),
        "cases_followed_up": cases_where(_between(col(Case.followed_up_at), period)),
        "cases_legal_aid": cases_where(col(Case.id).in_(legal_aid_cases(period))),
        "protection_orders_granted": select(ORG, func.count(col(LegalMeasure.id)))
        .join(Case, col(Case.id) == col(LegalMeasure.case_id))
        .where(
            col(LegalMeasure.kind) == "protection_order",
            col(LegalMeasure.status).in_(["granted", "revoked"]),
            _dates_between(col(LegalMeasure.decided_on), period),
        )
        .group_by(ORG),
        "persons_helped": cases_where(received, value=func.count(distinct(col(Case.victim_id)))),
    }


async def feed_rows(*, session: AsyncSession, period: Period, org_path: str) -> list[dict[str, Any]]:
    """Rows for every measure in the caller's subtree; zero rows omitted."""
    rows: list[dict[str, Any]] = []
    for measure, stmt in measures(period).items():
        result = await session.execute(stmt.where(ORG.startswith(org_path)).order_by(ORG))
        rows += [{"org_path": path, "measure": measure, "value": int(value)} for path, value in result.all() if value]
    return rows
