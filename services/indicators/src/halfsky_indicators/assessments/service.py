"""Judging assessments, and their share in a region: units passing over units assessed, each unit counted once
with its latest assessment in the period (aggregated in SQL like every other figure)."""

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.periods import Period
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.analytics.queries import Request, keyed_rows, latest_per_unit
from halfsky_indicators.assessments.models import Assessment, QualitativeStatus
from halfsky_indicators.assessments.schemas import AssessmentIn
from halfsky_indicators.expressions import compare
from halfsky_indicators.indicators.models import Indicator, Kind

SYMBOL = {"ge": ">=", "le": "<=", "eq": "=="}
Shares = dict[tuple[uuid.UUID, str, str], tuple[int, int]]  # (indicator, org key, period) → (passing, assessed)


def judge(indicator: Indicator, body: AssessmentIn) -> tuple[dict[str, Any], dict[str, bool], bool]:
    """The answers to store, each item's result, and whether the unit passes; 422 naming what is missing."""
    if indicator.kind == Kind.qualitative:
        if body.status is None or body.answers:
            raise Problem(
                422,
                "A qualitative indicator is assessed with a status.",
                errors=[field_error("status", "met, partly or not_met")],
            )
        return {}, {}, body.status == QualitativeStatus.met
    if indicator.kind != Kind.checklist:
        raise Problem(
            422, "Only qualitative and checklist indicators are assessed.", errors=[field_error("indicator", "kind")]
        )
    errors = []
    answers: dict[str, Any] = {}
    results: dict[str, bool] = {}
    items = {i["code"]: i for i in indicator.checklist}
    for code in body.answers:
        if code not in items:
            errors.append(field_error(f"answers.{code}", "not an item of this checklist"))
    for code, item in items.items():
        given = body.answers.get(code)
        threshold = item.get("threshold")
        if given is None:
            errors.append(field_error(f"answers.{code}", f"answer {item['label_zh']}"))
        elif threshold is not None:
            if isinstance(given, bool):
                errors.append(field_error(f"answers.{code}", "give the measured number"))
                continue
            answers[code] = str(given)
            results[code] = compare(Decimal(given), SYMBOL[item["comparator"]], Decimal(str(threshold)))
        elif not isinstance(given, bool):
            errors.append(field_error(f"answers.{code}", "answer true or false"))
        else:
            answers[code] = results[code] = given
    if errors:
        raise Problem(422, "The checklist is not fully answered.", errors=errors)
    return answers, results, all(results.values())


async def shares(
    session: AsyncSession,
    *,
    indicator_ids: Sequence[uuid.UUID],
    orgs: Sequence[str],
    periods: Sequence[Period],
    level: int | None,
) -> Shares:
    """Units passing and units assessed per indicator, requested unit (or its units at `level`) and period."""
    if not indicator_ids:
        return {}
    req = Request({}, orgs, periods, level)
    inner = (
        keyed_rows(
            Assessment,
            path=col(Assessment.org_path),
            start=col(Assessment.period_start),
            end=col(Assessment.period_end),
            item=col(Assessment.indicator_id),
            value=cast(col(Assessment.passed), Integer),
            req=req,
        )
        .where(col(Assessment.indicator_id).in_(indicator_ids))
        .subquery()
    )
    latest = latest_per_unit(inner)
    group = [latest.c.org_key, latest.c.period, latest.c.element_id]
    counts: Any = select(*group, func.sum(latest.c.value), func.count()).group_by(*group)
    out: Shares = {}
    for org, per, indicator_id, passing, assessed in (await session.execute(counts)).all():
        out[(indicator_id, org, per)] = (int(passing), int(assessed))
    return out
