"""The human-facing statistics: counts by dimension, rates from numerators and denominators, persons vs 人次."""

from typing import Any

from sqlalchemy import ColumnElement, distinct, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_cases.actions.models import CaseAction
from halfsky_cases.cases.enums import Status
from halfsky_cases.cases.models import Case
from halfsky_cases.legal.models import LegalMeasure
from halfsky_cases.referrals.models import Referral
from halfsky_cases.stats.feed import ORG, _between, _dates_between, legal_aid_cases, measures
from halfsky_cases.stats.schemas import Counted, MonthRow, OrgRow, Rate, Satisfaction, Stats
from halfsky_common.periods import Period

DONE = (Status.resolved.value, Status.followed_up.value, Status.archived.value)


def rate(numerator: int, denominator: int) -> Rate:
    return Rate(
        numerator=numerator, denominator=denominator, rate=round(numerator / denominator, 4) if denominator else None
    )


def org_at_level(level: int) -> Any:
    """The ancestor path at `level` segments (e.g. 3 → the county), or the path itself when it is shallower."""
    prefix = func.substring(ORG, f"^((?:/[^/]+){{{level}}})")
    return func.coalesce(prefix + literal("/"), ORG)


async def _scalar(session: AsyncSession, stmt: Any) -> int:
    return int((await session.execute(stmt)).scalar_one() or 0)


async def _grouped(session: AsyncSession, key: Any, *where: ColumnElement[bool]) -> dict[str, int]:
    rows = await session.execute(select(key, func.count()).where(*where).group_by(key).order_by(key))
    return {str(k): int(v) for k, v in rows.all() if k is not None}


async def compute(*, session: AsyncSession, period: Period, org_path: str, level: int) -> Stats:
    """Every figure for cases registered in the subtree of `org_path`; flows counted by their date in `period`."""
    scope = ORG.startswith(org_path)
    received = _between(col(Case.received_at), period)
    cohort = (scope, received)
    n_received = await _scalar(session, select(func.count()).where(*cohort))
    persons = await _scalar(session, select(func.count(distinct(col(Case.victim_id)))).where(*cohort))
    flows = {}
    for name in (
        "cases_accepted",
        "cases_resolved",
        "cases_resolved_on_time",
        "cases_followed_up",
        "protection_orders_granted",
    ):
        sub = measures(period)[name].where(scope).subquery()
        flows[name] = await _scalar(session, select(func.coalesce(func.sum(sub.c[1]), 0)))
    declined = await _scalar(session, select(func.count()).where(scope, _between(col(Case.declined_at), period)))

    aid_ids = legal_aid_cases(period)
    aid_cases = await _scalar(session, select(func.count()).where(scope, col(Case.id).in_(aid_ids)))
    aid_persons = await _scalar(
        session, select(func.count(distinct(col(Case.victim_id)))).where(scope, col(Case.id).in_(aid_ids))
    )
    aid_referrals = await _scalar(
        session,
        select(func.count())
        .select_from(Referral)
        .join(Case, col(Case.id) == col(Referral.case_id))
        .where(scope, col(Referral.service) == "legal_aid", _between(col(Referral.sent_at), period)),
    )
    aid_measures = await _scalar(
        session,
        select(func.count())
        .select_from(LegalMeasure)
        .join(Case, col(Case.id) == col(LegalMeasure.case_id))
        .where(scope, col(LegalMeasure.kind) == "legal_aid", _dates_between(col(LegalMeasure.applied_on), period)),
    )

    done = await _scalar(session, select(func.count()).where(*cohort, col(Case.status).in_(DONE)))
    mediation = select(col(CaseAction.case_id)).where(col(CaseAction.kind) == "mediation")
    mediated = await _scalar(session, select(func.count()).where(*cohort, col(Case.id).in_(mediation)))
    succeeded = await _scalar(
        session,
        select(func.count()).where(*cohort, col(Case.id).in_(mediation.where(col(CaseAction.result) == "success"))),
    )

    followed = (scope, _between(col(Case.followed_up_at), period), col(Case.satisfaction).is_not(None))
    distribution = await _grouped(session, col(Case.satisfaction), *followed)
    responses = sum(distribution.values())
    total_score = sum(int(k) * v for k, v in distribution.items())

    org_key = org_at_level(level).label("org")
    org_rows = await session.execute(
        select(org_key, func.count(), func.count(distinct(col(Case.victim_id))))
        .where(*cohort)
        .group_by(org_key)
        .order_by(org_key)
    )
    resolved_by_org = await _grouped(session, org_key, scope, _between(col(Case.resolved_at), period))
    by_org: dict[str, OrgRow] = {
        str(path): OrgRow(org_path=str(path), received=int(n), resolved=0, persons=int(p))
        for path, n, p in org_rows.all()
    }
    for path, n in resolved_by_org.items():
        by_org.setdefault(path, OrgRow(org_path=path, received=0, resolved=0, persons=0)).resolved = n

    month = func.to_char(func.timezone("Asia/Shanghai", col(Case.received_at)), "YYYY-MM")
    resolved_month = func.to_char(func.timezone("Asia/Shanghai", col(Case.resolved_at)), "YYYY-MM")
    received_months = await _grouped(session, month, *cohort)
    resolved_months = await _grouped(session, resolved_month, scope, _between(col(Case.resolved_at), period))
    months = sorted(set(received_months) | set(resolved_months))

    return Stats(
        period=period.code,
        start=period.start,
        end=period.end,
        org_path=org_path,
        received=Counted(cases=n_received, persons=persons, person_times=n_received),
        accepted=flows["cases_accepted"],
        declined=declined,
        resolved=flows["cases_resolved"],
        resolved_on_time=flows["cases_resolved_on_time"],
        followed_up=flows["cases_followed_up"],
        legal_aid=Counted(cases=aid_cases, persons=aid_persons, person_times=aid_referrals + aid_measures),
        protection_orders_granted=flows["protection_orders_granted"],
        resolution_rate=rate(done, n_received),
        mediation_rate=rate(mediated, n_received),
        mediation_success_rate=rate(succeeded, mediated),
        on_time_rate=rate(flows["cases_resolved_on_time"], flows["cases_resolved"]),
        satisfaction=Satisfaction(
            responses=responses,
            average=round(total_score / responses, 2) if responses else None,
            distribution=distribution,
        ),
        by_category=await _grouped(session, col(Case.primary_category), *cohort),
        by_channel=await _grouped(session, col(Case.channel), *cohort),
        by_status=await _grouped(session, col(Case.status), *cohort),
        by_resolution_type=await _grouped(
            session, col(Case.resolution_type), scope, _between(col(Case.resolved_at), period)
        ),
        by_org=list(by_org.values()),
        by_month=[
            MonthRow(month=m, received=received_months.get(m, 0), resolved=resolved_months.get(m, 0)) for m in months
        ],
    )
