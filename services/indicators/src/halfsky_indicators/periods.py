"""Period codes and their containment: `2026`, `2026H1`, `2026Q3`, `202607`, `2026YTD10`, and ranges `2021-2030`.

A period is a closed range of calendar days. One period contains another when its range covers the other's;
that is the whole rule, so a month lies inside its quarter, half-year, year and every year-to-date reaching it.
Ranges join any two codes with a hyphen (`2021-2030` is a plan period, `2014-2015Q1` runs from January 2014 to
March 2015).
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from halfsky_common.problems import Problem, field_error


class PeriodType(StrEnum):
    """The kinds of period; values are reported in the first four, queries may use all six."""

    month = "month"
    quarter = "quarter"
    half_year = "half_year"
    year = "year"
    ytd = "ytd"  # 1 January to the end of a month (2026YTD10: January to October)
    range = "range"  # from the start of one code to the end of another (2021-2030)


REPORTING_TYPES = (PeriodType.month, PeriodType.quarter, PeriodType.half_year, PeriodType.year)
MONTHS_IN = {PeriodType.month: 1, PeriodType.quarter: 3, PeriodType.half_year: 6, PeriodType.year: 12}

_SIMPLE = re.compile(r"^(?P<year>\d{4})(?:(?P<month>\d{2})|H(?P<half>[12])|Q(?P<quarter>[1-4])|YTD(?P<ytd>\d{2}))?$")


class PeriodError(ValueError):
    """A period code that cannot be read."""


@dataclass(frozen=True, order=True)
class Period:
    """A named range of days, both ends included."""

    start: date
    end: date
    code: str
    type: PeriodType

    def contains(self, other: "Period") -> bool:
        """True when `other` lies wholly inside this period."""
        return self.start <= other.start and other.end <= self.end

    @property
    def year(self) -> int:
        """The calendar year the period ends in (targets are set per year)."""
        return self.end.year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _parse_simple(code: str) -> Period:
    m = _SIMPLE.match(code)
    if not m:
        raise PeriodError(f"{code!r} is not a period code (2026, 2026H1, 2026Q3, 202607, 2026YTD10, 2021-2030)")
    year = int(m["year"])
    if year < 1900 or year > 2200:
        raise PeriodError(f"{code!r}: the year is out of range")
    if m["month"]:
        month = int(m["month"])
        if not 1 <= month <= 12:
            raise PeriodError(f"{code!r}: there is no month {month}")
        return Period(date(year, month, 1), _month_end(year, month), code, PeriodType.month)
    if m["half"]:
        first = 1 if m["half"] == "1" else 7
        return Period(date(year, first, 1), _month_end(year, first + 5), code, PeriodType.half_year)
    if m["quarter"]:
        first = 3 * (int(m["quarter"]) - 1) + 1
        return Period(date(year, first, 1), _month_end(year, first + 2), code, PeriodType.quarter)
    if m["ytd"]:
        month = int(m["ytd"])
        if not 1 <= month <= 12:
            raise PeriodError(f"{code!r}: year-to-date must end in a month 01–12")
        return Period(date(year, 1, 1), _month_end(year, month), code, PeriodType.ytd)
    return Period(date(year, 1, 1), date(year, 12, 31), code, PeriodType.year)


def parse(code: str) -> Period:
    """The period a code names, or PeriodError."""
    code = code.strip()
    if "-" in code:
        first, _, last = code.partition("-")
        a, b = _parse_simple(first), _parse_simple(last)
        if b.end < a.start:
            raise PeriodError(f"{code!r}: the range ends before it starts")
        return Period(a.start, b.end, code, PeriodType.range)
    return _parse_simple(code)


def parse_field(code: str, field: str = "period") -> Period:
    """Like parse, but a 422 problem naming the field."""
    try:
        return parse(code)
    except PeriodError as exc:
        raise Problem(422, str(exc), errors=[field_error(field, str(exc))]) from None


def reporting(code: str, period_type: PeriodType, field: str = "period") -> Period:
    """A period a value can be reported for: it must be of the element's type."""
    period = parse_field(code, field)
    if period.type != period_type:
        msg = f"{code} is a {period.type} period; this is reported per {period_type}"
        raise Problem(422, msg, errors=[field_error(field, msg)])
    return period


def _code_for(year: int, month: int, period_type: PeriodType) -> str:
    if period_type == PeriodType.month:
        return f"{year:04d}{month:02d}"
    if period_type == PeriodType.quarter:
        return f"{year:04d}Q{(month - 1) // 3 + 1}"
    if period_type == PeriodType.half_year:
        return f"{year:04d}H{1 if month <= 6 else 2}"
    return f"{year:04d}"


def containing(day: date, period_type: PeriodType) -> Period:
    """The reporting period of a type that holds a day."""
    return parse(_code_for(day.year, day.month, period_type))


def previous(period: Period) -> Period:
    """The period of the same type just before (2026Q1 → 2025Q4); for ranges and YTD, the same span a year back."""
    if period.type in MONTHS_IN:
        step = MONTHS_IN[period.type]
        index = period.start.year * 12 + period.start.month - 1 - step
        return containing(date(index // 12, index % 12 + 1, 1), period.type)
    return same_period_last_year(period)


def same_period_last_year(period: Period) -> Period:
    """The same span one year earlier (2026Q3 → 2025Q3, 2026YTD10 → 2025YTD10, 2021-2030 → 2020-2029)."""
    if period.type == PeriodType.range:
        first, _, last = period.code.partition("-")
        return parse(f"{_shift(first)}-{_shift(last)}")
    return parse(_shift(period.code))


def _shift(code: str) -> str:
    return f"{int(code[:4]) - 1:04d}{code[4:]}"


def contained(period: Period, period_type: PeriodType) -> list[Period]:
    """The reporting periods of a type that lie inside a period, in order."""
    out: list[Period] = []
    day = period.start
    while day <= period.end:
        p = containing(day, period_type)
        if period.contains(p):
            out.append(p)
        next_index = p.end.year * 12 + p.end.month  # the month after p
        day = date(next_index // 12, next_index % 12 + 1, 1)
    return out
