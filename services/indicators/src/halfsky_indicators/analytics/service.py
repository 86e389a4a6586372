"""Analytics: indicator values per org × period from aggregated numerators and denominators, never averaged
rates; with targets, attainment, the margin and the change on the same period last year."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_common.orgpaths import code_of, depth
from halfsky_common.periods import Period, same_period_last_year
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.analytics import queries
from halfsky_indicators.analytics import table as analytics_table
from halfsky_indicators.analytics.attainment import Attainment, Baseline, judge, margin
from halfsky_indicators.analytics.schemas import AnalyticsRow, Engine
from halfsky_indicators.assessments import service as assessments
from halfsky_indicators.elements.models import Aggregation
from halfsky_indicators.elements.service import by_codes
from halfsky_indicators.expressions import Expression, evaluate, parse_expression
from halfsky_indicators.indicators.models import Comparator, Direction, Indicator, Kind, Target
from halfsky_indicators.indicators.service import target_in_force, targets_of
from halfsky_indicators.numbers import plain, rounded
from halfsky_indicators.orglabels import service as orglabels

Values = dict[str, Decimal]
NUMERIC = (Kind.ratio, Kind.count)


@dataclass(frozen=True)
class Figure:
    """An indicator's aggregated numerator and denominator, and its value (or why there is none)."""

    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    reason: str | None


def compute(indicator: Indicator, num: Expression | None, den: Expression | None, values: Values) -> Figure:
    """value = numerator / denominator × factor; no value, with the reason, when either is missing or zero."""
    if num is None:
        return Figure(None, None, None, "not a numeric indicator")
    n = evaluate(num, values)
    if n.value is None:
        return Figure(None, None, None, f"numerator: {n.reason}")
    if den is None:
        return Figure(plain(n.value), None, rounded(n.value * indicator.factor, indicator.decimals), None)
    d = evaluate(den, values)
    if d.value is None:
        return Figure(plain(n.value), None, None, f"denominator: {d.reason}")
    if d.value == 0:
        return Figure(plain(n.value), Decimal(0), None, "denominator is zero")
    value = rounded(n.value / d.value * indicator.factor, indicator.decimals)
    return Figure(plain(n.value), plain(d.value), value, None)


@dataclass
class Catalogue:
    """The requested indicators with their parsed expressions, element ids and targets."""

    indicators: list[Indicator]
    expressions: dict[uuid.UUID, tuple[Expression | None, Expression | None]]
    element_ids: dict[str, uuid.UUID]
    by_aggregation: dict[Aggregation, list[uuid.UUID]]
    targets: dict[uuid.UUID, list[Target]]


async def catalogue(session: AsyncSession, indicators: Sequence[Indicator]) -> Catalogue:
    expressions = {
        i.id: (
            parse_expression(i.numerator) if i.numerator else None,
            parse_expression(i.denominator) if i.denominator else None,
        )
        for i in indicators
    }
    refs = {r for pair in expressions.values() for e in pair if e for r in e.refs}
    elements = await by_codes(session, refs)
    by_aggregation: dict[Aggregation, list[uuid.UUID]] = defaultdict(list)
    for e in elements.values():
        by_aggregation[Aggregation(e.aggregation)].append(e.id)
    return Catalogue(
        indicators=list(indicators),
        expressions=expressions,
        element_ids={code: e.id for code, e in elements.items()},
        by_aggregation=dict(by_aggregation),
        targets=await targets_of(session, [i.id for i in indicators]),
    )


TOTALS = {
    Engine.raw: queries.totals_raw,
    Engine.values: analytics_table.totals_per_value,
    Engine.table: analytics_table.totals,
    Engine.auto: analytics_table.totals,  # resolved by choose_engine before it gets here
}


def check_level(orgs: Sequence[str], level: int | None) -> None:
    if level is not None and any(depth(o) > level for o in orgs):
        raise Problem(
            422, "The level lies above a requested unit.", errors=[field_error("level", "deeper than every org")]
        )


def choose_engine(engine: Engine, orgs: Sequence[str]) -> Engine:
    """Small regions (a county or below) read the values directly; larger ones the analytics table."""
    if engine != Engine.auto:
        return engine
    return Engine.raw if all(depth(o) >= 3 for o in orgs) else Engine.table


async def table(
    session: AsyncSession,
    *,
    indicators: Sequence[Indicator],
    orgs: Sequence[str],
    periods: Sequence[Period],
    level: int | None = None,
    approved_only: bool = False,
    engine: Engine = Engine.raw,
) -> list[AnalyticsRow]:
    """Rows per indicator × org (or its units at `level`) × period, aggregated in SQL."""
    check_level(orgs, level)
    cat = await catalogue(session, [i for i in indicators if i.kind in NUMERIC])
    assessed = [i for i in indicators if i.kind not in NUMERIC]
    last_years = {p.code: same_period_last_year(p) for p in periods}
    all_periods = list({p.code: p for p in [*periods, *last_years.values()]}.values())
    req = queries.Request(cat.by_aggregation, orgs, all_periods, level, approved_only)
    totals = await TOTALS[engine](session, req)
    share = await assessments.shares(
        session, indicator_ids=[i.id for i in assessed], orgs=orgs, periods=all_periods, level=level
    )
    codes = {v: k for k, v in cat.element_ids.items()}
    cells: dict[tuple[str, str], Values] = defaultdict(dict)
    for (org_key, period, element_id), total in totals.items():
        cells[(org_key, period)][codes[element_id]] = total
    found = {k for k, _ in cells} | {k for _, k, _ in share}
    org_keys = sorted(found) if level else list(orgs)
    targets = {**cat.targets, **await targets_of(session, [i.id for i in assessed])}
    rows = []
    for indicator in indicators:
        for org in org_keys:
            for p in periods:
                if indicator.kind in NUMERIC:
                    num, den = cat.expressions[indicator.id]
                    figure = compute(indicator, num, den, cells.get((org, p.code), {}))
                    before = compute(indicator, num, den, cells.get((org, last_years[p.code].code), {}))
                else:
                    figure = share_of_units(indicator, share.get((indicator.id, org, p.code)))
                    before = share_of_units(indicator, share.get((indicator.id, org, last_years[p.code].code)))
                rows.append(row(indicator, targets[indicator.id], org, p, figure, before.value))
    names = await orglabels.names_for(session, org_keys)
    for r in rows:
        r.org_name = names.get(r.org_path)
    return rows


def share_of_units(indicator: Indicator, counts: tuple[int, int] | None) -> Figure:
    """Qualitative and checklist indicators over a region: the % of assessed units that meet them."""
    if not counts:
        return Figure(None, None, None, "no assessment")
    passing, assessed = counts
    return Figure(
        Decimal(passing), Decimal(assessed), rounded(Decimal(passing) / assessed * 100, indicator.decimals), None
    )


def pro_rata(goal: Decimal, period: Period, decimals: int) -> Decimal:
    """A yearly count target for part of a year, by its share of the year's days (时间过半，任务过半)."""
    year_days = (date(period.last.year, 12, 31) - date(period.last.year, 1, 1)).days + 1
    days = (period.last - period.start).days + 1
    if period.start.year != period.last.year or days >= year_days:
        return goal
    return rounded(goal * days / year_days, decimals)


def row(
    indicator: Indicator, targets: Sequence[Target], org: str, period: Period, figure: Figure, last_year: Decimal | None
) -> AnalyticsRow:
    """One analytics row with its target, attainment, margin and change on last year."""
    target = target_in_force(targets, org_path=org, year=period.year)
    goal = plain(target.value) if target else None
    if goal is not None and indicator.kind == Kind.count:
        goal = pro_rata(goal, period, indicator.decimals)
    direction, comparator = Direction(indicator.direction), Comparator(indicator.comparator)
    baseline = (
        Baseline(indicator.baseline_value, indicator.baseline_year)
        if indicator.baseline_value is not None and indicator.baseline_year is not None
        else None
    )
    value = figure.value
    attainment = judge(
        value,
        goal,
        comparator=comparator,
        direction=direction,
        year=period.year,
        target_year=target.year if target else None,
        baseline=baseline,
    )
    change = relative = None
    if value is not None and last_year is not None:
        change = value - last_year
        relative = rounded(change / abs(last_year) * 100, 2) if last_year else None
    return AnalyticsRow(
        indicator=indicator.code,
        name_zh=indicator.name_zh,
        kind=indicator.kind,
        unit=indicator.unit,
        unit_label=indicator.unit_label,
        org_path=org,
        org_code=code_of(org),
        period=period.code,
        numerator=figure.numerator,
        denominator=figure.denominator,
        value=value,
        reason=figure.reason,
        target=goal,
        target_year=target.year if target else None,
        comparator=comparator,
        attainment=attainment,
        margin=margin(value, plain(target.value) or Decimal(0), direction) if value is not None and target else None,
        last_year_value=last_year,
        change=change,
        change_relative_pct=relative,
    )


WARNING_STATES = (Attainment.off_track, Attainment.at_risk)
