"""The projects service's period 422s; codes and their ranges are halfsky_common.periods'.

Targets are set per year, half-year, quarter or month and the feed and statistics page count the same periods, so
every route here takes the reporting periods only (not year-to-date or ranges).
"""

from halfsky_common.periods import REPORTING_TYPES, Period, parse_field


def parse_period(code: str, *, field: str = "period") -> Period:
    """A reporting Period from its code, or a 422 naming the field."""
    return parse_field(code, field, types=REPORTING_TYPES)
