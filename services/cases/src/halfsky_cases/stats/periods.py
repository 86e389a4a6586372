"""The cases service's period 422s; codes and their ranges are halfsky_common.periods'.

The feed (the indicators service's contract) takes the reporting periods only; the statistics page takes every
code, year-to-date and ranges included.
"""

from halfsky_common.periods import REPORTING_TYPES, Period, parse_field


def parse_period(code: str, *, allow_ytd: bool = False) -> Period:
    """The half-open date range of a period code; 422 naming `period` for anything else."""
    return parse_field(code, "period", types=None if allow_ytd else REPORTING_TYPES)
