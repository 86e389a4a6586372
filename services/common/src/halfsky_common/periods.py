"""Period codes, one grammar for every service, each naming a half-open range of Shanghai calendar days.

    2026        the year                         2026YTD     1 January to today (the whole year once it is past)
    2026H1      a half-year (H1, H2)             2026YTD10   1 January to the end of October
    2026Q3      a quarter (Q1–Q4)                2021-2030   from the start of one code to the end of another
    202607      a month (01–12)

A period is `[start, end)`: `start` is its first day and `end` the day after its last, so `2026Q1` is
[2026-01-01, 2026-04-01) in every service, and instants compare against `start_at`/`end_at` (Shanghai midnight)
with `>=`/`<`. `last` is the inclusive last day, for the places that store or show one (a target's
`period_end`, the indicators service's `/periods/{code}`). One period contains another when its range covers the
other's; that is the whole rule, so a month lies inside its quarter, half-year, year and every year-to-date
reaching it. Codes cross services (the indicators service pulls the cases and projects feeds by code), so they
must mean the same days everywhere; each service keeps only a thin wrapper that turns a bad code into its 422.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from halfsky_common.clock import SHANGHAI, today
from halfsky_common.problems import Problem, field_error

FIRST_YEAR, LAST_YEAR = 1900, 2200
HINT = "use 2026, 2026H1, 2026Q3, 202607, 2026YTD, 2026YTD10 or 2021-2030"


class PeriodType(StrEnum):
    """The kinds of period; figures are reported per the first four, questions may use all six."""

    month = "month"
    quarter = "quarter"
    half_year = "half_year"
    year = "year"
    ytd = "ytd"  # 1 January to the end of a month (2026YTD10) or to today (2026YTD)
    range = "range"  # from the start of one code to the end of another (2021-2030)


REPORTING_TYPES = (PeriodType.month, PeriodType.quarter, PeriodType.half_year, PeriodType.year)
MONTHS_IN = {PeriodType.month: 1, PeriodType.quarter: 3, PeriodType.half_year: 6, PeriodType.year: 12}

_SIMPLE = re.compile(r"^(?P<year>\d{4})(?:(?P<month>\d{2})|H(?P<half>[12])|Q(?P<quarter>[1-4])|YTD(?P<ytd>\d{2})?)?$")


class PeriodError(ValueError):
    """A period code that cannot be read."""


@dataclass(frozen=True, order=True)
class Period:
    """A named half-open range of days: `start` the first, `end` the day after the last."""

    start: date
    end: date
    code: str
    type: PeriodType

    @property
    def last(self) -> date:
        """The last day in the period (inclusive), for what stores or shows one."""
        return self.end - timedelta(days=1)

    @property
    def start_at(self) -> datetime:
        """The first instant of the period: Shanghai midnight of `start`."""
        return datetime.combine(self.start, time.min, tzinfo=SHANGHAI)

    @property
    def end_at(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return datetime.combine(self.end, time.min, tzinfo=SHANGHAI)

    @property
    def year(self) -> int:
        """The calendar year the period ends in (targets are set per year)."""
        return self.last.year

    def contains(self, other: "Period") -> bool:
        """True when `other` lies wholly inside this period."""
        return self.start <= other.start and other.end <= self.end


def _month_start(year: int, month: int) -> date:
    """1st of a month; month 13 is January of the next year."""
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _parse_simple(code: str, on: date) -> Period:
    m = _SIMPLE.match(code)
    if not m:
        raise PeriodError(f"{code!r} is not a period code ({HINT})")
    year = int(m["year"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"{code!r}: the year is out of range")
    if m["month"]:
        month = int(m["month"])
        if not 1 <= month <= 12:
            raise PeriodError(f"{code!r}: there is no month {month}")
        return Period(_month_start(year, month), _month_start(year, month + 1), code, PeriodType.month)
    if m["half"]:
        first = 1 if m["half"] == "1" else 7
        return Period(_month_start(year, first), _month_start(year, first + 6), code, PeriodType.half_year)
    if m["quarter"]:
        first = 3 * (int(m["quarter"]) - 1) + 1
        return Period(_month_start(year, first), _month_start(year, first + 3), code, PeriodType.quarter)
    if m["ytd"]:
        month = int(m["ytd"])
        if not 1 <= month <= 12:
            raise PeriodError(f"{code!r}: year-to-date must end in a month 01–12")
        return Period(date(year, 1, 1), _month_start(year, month + 1), code, PeriodType.ytd)
    if code.endswith("YTD"):
        # Up to and including today; a past year whole; a future year empty (it has no days yet).
        end = max(date(year, 1, 1), min(date(year + 1, 1, 1), on + timedelta(days=1)))
        return Period(date(year, 1, 1), end, code, PeriodType.ytd)
    return Period(date(year, 1, 1), date(year + 1, 1, 1), code, PeriodType.year)


def parse(code: str, *, on: date | None = None) -> Period:
    """The period a code names, or PeriodError. `on` is "today" for a bare YTD (Shanghai today by default)."""
    code = code.strip()
    day = on or today()
    if "-" in code:
        first, _, last = code.partition("-")
        a, b = _parse_simple(first, day), _parse_simple(last, day)
        if b.end <= a.start:
            raise PeriodError(f"{code!r}: the range ends before it starts")
        return Period(a.start, b.end, code, PeriodType.range)
    return _parse_simple(code, day)


def parse_field(code: str, field: str = "period", *, types: tuple[PeriodType, ...] | None = None) -> Period:
    """Like parse, but a 422 problem naming the field (code `invalid_period`); `types` limits the kinds taken."""
    try:
        period = parse(code)
    except PeriodError as exc:
        raise Problem(422, str(exc), errors=[field_error(field, str(exc), "invalid_period")]) from None
    if types is not None and period.type not in types:
        msg = f"{code} is a {period.type} period; this takes {', '.join(types)}"
        raise Problem(422, msg, errors=[field_error(field, msg, "invalid_period")])
    return period


def code_for(year: int, month: int, period_type: PeriodType) -> str:
    """The code of the reporting period of a type that holds a month."""
    if period_type == PeriodType.month:
        return f"{year:04d}{month:02d}"
    if period_type == PeriodType.quarter:
        return f"{year:04d}Q{(month - 1) // 3 + 1}"
    if period_type == PeriodType.half_year:
        return f"{year:04d}H{1 if month <= 6 else 2}"
    return f"{year:04d}"


def containing(day: date, period_type: PeriodType) -> Period:
    """The reporting period of a type that holds a day."""
    return parse(code_for(day.year, day.month, period_type))


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
    if period.code.endswith("YTD"):
        # 2026YTD read on 4 December is 1 January–4 December; a year back is 1 January–4 December 2025.
        return parse(_shift(period.code), on=_year_back(period.last))
    return parse(_shift(period.code))


def _year_back(day: date) -> date:
    return day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) else date(day.year - 1, 2, 28)


def _shift(code: str) -> str:
    return f"{int(code[:4]) - 1:04d}{code[4:]}"


def contained(period: Period, period_type: PeriodType) -> list[Period]:
    """The reporting periods of a type that lie inside a period, in order."""
    out: list[Period] = []
    day = period.start
    while day < period.end:
        p = containing(day, period_type)
        if period.contains(p):
            out.append(p)
        day = p.end
    return out
