"""The indicators service's org-unit 422s: a code or a path as a request gives it, and a level by name or number.

What a path says of itself (its code, depth, parent, ancestors) is halfsky_common.orgpaths'.
"""

import re
from enum import IntEnum

from halfsky_common.orgpaths import code_of, path_from_code
from halfsky_common.problems import Problem, field_error

_PATH = re.compile(r"^/(\d+/)+$")


class Level(IntEnum):
    """Depth of a unit in the tree."""

    province = 1
    city = 2
    county = 3
    township = 4
    village = 5


def parse(org: str, field: str = "org") -> tuple[str, str | None]:
    """A code or a path as (the unit's code, the path as given or None); 422 naming the field when neither."""
    org = org.strip()
    try:
        if org.startswith("/"):
            if not _PATH.match(org):
                raise ValueError(f"{org!r} is not an org path like /44/4401/")
            code = code_of(org)
            path_from_code(code)  # the last segment must be a division code
            return code, org
        path_from_code(org)
        return org, None
    except ValueError as exc:
        raise Problem(422, str(exc), errors=[field_error(field, str(exc))]) from None


def parse_level(value: str, field: str = "level") -> int:
    """A level as a depth: `3` or `county`."""
    try:
        return int(value) if value.isdigit() and int(value) in Level._value2member_map_ else Level[value].value
    except KeyError:
        msg = "a level is 1–5 or province, city, county, township, village"
        raise Problem(422, msg, errors=[field_error(field, msg)]) from None
