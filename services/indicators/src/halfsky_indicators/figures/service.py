"""Reported figures: the stated rate is checked by recomputing numerator / denominator × factor and rounding it
half-up to as many decimals as the stated rate has (so 87.5 % for 22,415 / 25,616 = 87.504 % holds, and 9 % for
3 / 34 = 8.8 % holds, while 78.02 % for 29,169 / 32,478 = 89.81 % is flagged)."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_common.audit import utcnow
from halfsky_common.periods import Period
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.base import row_dict
from halfsky_indicators.figures.models import ReportedFigure
from halfsky_indicators.figures.schemas import FigureCreate, FigurePublic
from halfsky_indicators.indicators.models import Indicator, Kind
from halfsky_indicators.numbers import plain, rounded


def decimals_of(value: Decimal) -> int:
    """How many decimals a number was written with."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def check(figure: ReportedFigure, indicator: Indicator) -> None:
    """Recompute the figure and set whether its stated value matches."""
    if indicator.kind not in (Kind.ratio, Kind.count):
        raise Problem(422, "Only ratio and count indicators have figures.", errors=[field_error("indicator", "kind")])
    if indicator.kind == Kind.ratio and figure.denominator is None:
        raise Problem(422, "A ratio's figure has a denominator.", errors=[field_error("denominator", "required")])
    places = figure.stated_decimals if figure.stated_value is not None else indicator.decimals
    figure.stated_decimals = places  # the precision the figure is judged and shown at
    if indicator.kind == Kind.count:
        figure.computed_value = rounded(figure.numerator * indicator.factor, places)
    elif figure.denominator == 0:
        figure.computed_value = None
    else:
        assert figure.denominator is not None
        figure.computed_value = rounded(figure.numerator / figure.denominator * indicator.factor, places)
    if figure.stated_value is None or figure.computed_value is None:
        figure.mismatch = None
    else:
        figure.mismatch = figure.computed_value != rounded(figure.stated_value, places)


def explain(figure: ReportedFigure) -> str:
    if figure.mismatch is None:
        return "no stated value to check" if figure.stated_value is None else "cannot check: the denominator is zero"
    stated = plain(figure.stated_value)
    if figure.mismatch:
        return f"stated {stated} but the numbers give {figure.computed_value}"
    return f"stated {stated} agrees with the numbers"


def public(figure: ReportedFigure, indicator_code: str) -> FigurePublic:
    stated = figure.stated_value
    return FigurePublic.model_validate(
        {
            **row_dict(figure),
            "indicator": indicator_code,
            "stated_value": rounded(stated, figure.stated_decimals) if stated is not None else None,
            "computed_value": rounded(figure.computed_value, figure.stated_decimals)
            if figure.computed_value is not None
            else None,
            "numerator": plain(figure.numerator),
            "denominator": plain(figure.denominator),
            "explanation": explain(figure),
        }
    )


def touch(figure: ReportedFigure) -> None:
    figure.version += 1
    figure.entered_at = utcnow()


async def add_figure(
    session: AsyncSession,
    *,
    indicator: Indicator,
    org_path: str,
    period: Period,
    body: FigureCreate,
    entered_by: str,
) -> ReportedFigure:
    """Record a figure, checked against its stated value."""
    figure = ReportedFigure(
        indicator_id=indicator.id,
        org_path=org_path,
        period=period.code,
        period_start=period.start,
        period_end=period.last,
        numerator=body.numerator,
        denominator=body.denominator,
        stated_value=body.stated_value,
        stated_decimals=decimals_of(body.stated_value) if body.stated_value is not None else 0,
        source=body.source,
        note=body.note,
        entered_by=entered_by,
    )
    check(figure, indicator)
    session.add(figure)
    await session.flush()
    return figure
