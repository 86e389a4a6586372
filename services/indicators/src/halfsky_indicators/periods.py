"""The indicators service's period 422: a value is reported for a period of its element's type.

Codes, their half-open ranges, containment and the period before are halfsky_common.periods'; the stored
`period_end` columns and `/periods/{code}` keep the inclusive last day (`Period.last`).
"""

from halfsky_common.periods import Period, PeriodType, parse_field
from halfsky_common.problems import Problem, field_error


def reporting(code: str, period_type: PeriodType, field: str = "period") -> Period:
    """A period a value can be reported for: it must be of the element's type."""
    period = parse_field(code, field)
    if period.type != period_type:
        msg = f"{code} is a {period.type} period; this is reported per {period_type}"
        raise Problem(422, msg, errors=[field_error(field, msg)])
    return period
