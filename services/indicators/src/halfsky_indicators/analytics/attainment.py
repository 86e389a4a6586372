"""Target attainment: achieved / on track / at risk / off track, the rule written down once.

Let v be the indicator's value rounded to its decimals, T the target in force for the period's year (see
`target_in_force`), "better" meaning higher or lower as the indicator's direction says. For a count indicator
over part of a year, T is the yearly target pro rata to the period's days (时间过半，任务过半: by the end of
June about half of the year's 10,000 trainees).

- achieved: v meets T by the comparator: ≥ (v ≥ T), ≤ (v ≤ T), = (v = T), 达 (≥ when higher is better, else ≤).
- on track: not achieved, but v is at least as good as the straight line from the baseline (value b in year yb)
  to the target (T in year yt), read at the period's year y: e = b + (T − b) × (y − yb) / (yt − yb).
  Without a baseline, or for "=" targets, nothing is on track short of achieving.
- at risk: neither, but the shortfall from that line (or from T, without a baseline) is at most 10 % of the
  distance from baseline to target, or, without a baseline, at most 5 % of T.
- off track: everything else.
- no data / no target: when v or T is missing.

The margin is v − T in the indicator's unit (percentage points for % indicators), signed so that a positive
margin is better than the target. The year-on-year change is v − v(last year) in the same unit; the relative
change is that difference as a percentage of last year's value.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from halfsky_indicators.indicators.models import Comparator, Direction

AT_RISK_SHARE_OF_DISTANCE = Decimal("0.10")
AT_RISK_SHARE_OF_TARGET = Decimal("0.05")


class Attainment(StrEnum):
    achieved = "achieved"  # 已达标
    on_track = "on_track"  # 进度正常
    at_risk = "at_risk"  # 有风险
    off_track = "off_track"  # 滞后
    no_data = "no_data"
    no_target = "no_target"


@dataclass(frozen=True)
class Baseline:
    value: Decimal
    year: int


def _better_or_equal(a: Decimal, b: Decimal, direction: Direction) -> bool:
    return a >= b if direction == Direction.higher_better else a <= b


def meets(value: Decimal, target: Decimal, comparator: Comparator, direction: Direction) -> bool:
    """Whether a value meets its target by the comparator."""
    if comparator == Comparator.ge:
        return value >= target
    if comparator == Comparator.le:
        return value <= target
    if comparator == Comparator.eq:
        return value == target
    return _better_or_equal(value, target, direction)


def margin(value: Decimal, target: Decimal, direction: Direction) -> Decimal:
    """Distance to the target, positive when better than it."""
    return value - target if direction == Direction.higher_better else target - value


def judge(
    value: Decimal | None,
    target: Decimal | None,
    *,
    comparator: Comparator,
    direction: Direction,
    year: int,
    target_year: int | None,
    baseline: Baseline | None,
) -> Attainment:
    """Classify a value against its target by the rule above."""
    if value is None:
        return Attainment.no_data
    if target is None:
        return Attainment.no_target
    if meets(value, target, comparator, direction):
        return Attainment.achieved
    if comparator == Comparator.eq:
        close = abs(value - target) <= abs(target) * AT_RISK_SHARE_OF_TARGET
        return Attainment.at_risk if close else Attainment.off_track
    if baseline is not None and target_year is not None and target_year > baseline.year:
        y = min(max(year, baseline.year), target_year)
        expected = baseline.value + (target - baseline.value) * (y - baseline.year) / (target_year - baseline.year)
        if _better_or_equal(value, expected, direction):
            return Attainment.on_track
        allowed = abs(target - baseline.value) * AT_RISK_SHARE_OF_DISTANCE
        return Attainment.at_risk if abs(expected - value) <= allowed else Attainment.off_track
    allowed = abs(target) * AT_RISK_SHARE_OF_TARGET
    return Attainment.at_risk if abs(target - value) <= allowed else Attainment.off_track
