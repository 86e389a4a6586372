"""Period codes (2026, 2026H1, 2026Q3, 202607, 2026YTD) as half-open Asia/Shanghai date ranges."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from halfsky_cases.cases.deadlines import SHANGHAI, today
from halfsky_common.problems import Problem, field_error


@dataclass(frozen=True)
class Period:
    code: str
    start: date  # first day
    end: date  # day after the last

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=SHANGHAI)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time.min, tzinfo=SHANGHAI)


def _month_start(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def parse_period(code: str, *, allow_ytd: bool = False) -> Period:
    """The date range of a period code; 422 naming `period` for anything else."""
    match = re.fullmatch(r"(\d{4})(?:(H[12])|(Q[1-4])|(0[1-9]|1[0-2])|(YTD))?", code)
    if match is None or (match.group(5) and not allow_ytd):
        raise Problem(
            422, f"Not a period code: {code!r}.", errors=[field_error("period", "use 2026, 2026H1, 2026Q3 or 202607")]
        )
    year = int(match.group(1))
    if match.group(2):
        first = 1 if match.group(2) == "H1" else 7
        return Period(code, _month_start(year, first), _month_start(year, first + 6))
    if match.group(3):
        first = 3 * (int(match.group(3)[1]) - 1) + 1
        return Period(code, _month_start(year, first), _month_start(year, first + 3))
    if match.group(4):
        month = int(match.group(4))
        return Period(code, _month_start(year, month), _month_start(year, month + 1))
    if match.group(5):
        end = min(date(year + 1, 1, 1), date.fromordinal(today().toordinal() + 1))
        return Period(code, date(year, 1, 1), end)
    return Period(code, date(year, 1, 1), date(year + 1, 1, 1))
