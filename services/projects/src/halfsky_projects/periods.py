"""Period codes (`2026`, `2026H1`, `2026Q3`, `202607`) and the Asia/Shanghai calendar."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from halfsky_common.problems import Problem, field_error

SHANGHAI = ZoneInfo("Asia/Shanghai")
_CODE = re.compile(r"^(?P<year>\d{4})(?:(?P<half>H[12])|(?P<quarter>Q[1-4])|(?P<month>0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class Period:
    """A calendar period: its code, granularity and first and last day (inclusive)."""

    code: str
    kind: str  # year | half | quarter | month
    start: date
    end: date

    def contains(self, other: "Period") -> bool:
        """True when `other` lies inside this period."""
        return self.start <= other.start and other.end <= self.end

    def start_utc(self) -> datetime:
        """The first instant of the period in Shanghai, as UTC."""
        return datetime.combine(self.start, time.min, SHANGHAI).astimezone(UTC)

    def end_utc(self) -> datetime:
        """The first instant after the period in Shanghai, as UTC (exclusive bound)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, SHANGHAI).astimezone(UTC)


def _month_end(year: int, month: int) -> date:
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return nxt - timedelta(days=1)


def parse_period(code: str, *, field: str = "period") -> Period:
    """A Period from its code, or a 422 naming the field."""
    m = _CODE.match(code.strip()) if code else None
    if not m:
        raise Problem(
            422,
            f"{code!r} is not a period code.",
            errors=[field_error(field, "use 2026, 2026H1, 2026Q3 or 202607")],
        )
    year = int(m["year"])
    if m["half"]:
        first = 1 if m["half"] == "H1" else 7
        return Period(code, "half", date(year, first, 1), _month_end(year, first + 5))
    if m["quarter"]:
        first = 3 * (int(m["quarter"][1]) - 1) + 1
        return Period(code, "quarter", date(year, first, 1), _month_end(year, first + 2))
    if m["month"]:
        month = int(m["month"])
        return Period(code, "month", date(year, month, 1), _month_end(year, month))
    return Period(code, "year", date(year, 1, 1), date(year, 12, 31))


def year_of(period: Period) -> Period:
    """The calendar year a period lies in."""
    return parse_period(str(period.start.year))


def today() -> date:
    """Today's date in Shanghai."""
    return datetime.now(SHANGHAI).date()


def shanghai_year(moment: datetime) -> int:
    """The Shanghai calendar year of an instant."""
    return moment.astimezone(SHANGHAI).year
