"""Org unit paths like `/44/4401/440106/`: parsing codes and paths, and what a path says of itself.

The tree lives in the gateway. A unit's path is the codes of its ancestors and its own, so its last segment is
its code and its depth is its level (1 province … 5 village). Administrative division codes carry their ancestors
as prefixes (2, 4, 6, 9 and 12 digits), so a code alone gives the path the unit had when the tree was loaded;
where a unit is now, after moves in the tree, is `orgtree.service.resolve`'s to say.
"""

import re
from enum import IntEnum

from halfsky_common.problems import Problem, field_error

CODE_LENGTHS = (2, 4, 6, 9, 12)
_CODE = re.compile(r"^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$")
_PATH = re.compile(r"^/(\d+/)+$")


class Level(IntEnum):
    """Depth of a unit in the tree."""

    province = 1
    city = 2
    county = 3
    township = 4
    village = 5


def path_from_code(code: str) -> str:
    """`440106001` → `/44/4401/440106/440106001/`."""
    if not _CODE.match(code):
        raise ValueError(f"{code!r} is not a division code of 2, 4, 6, 9 or 12 digits")
    return "/" + "".join(f"{code[:n]}/" for n in CODE_LENGTHS if n <= len(code))


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


def code_of(path: str) -> str:
    """The unit's own code: the last segment of its path."""
    return path.rstrip("/").rsplit("/", 1)[-1]


def depth(path: str) -> int:
    """1 for a province, 5 for a village."""
    return path.strip("/").count("/") + 1


def parent(path: str) -> str | None:
    """The parent's path, or None at the root."""
    segments = path.strip("/").split("/")
    return "/" + "".join(f"{s}/" for s in segments[:-1]) if len(segments) > 1 else None


def ancestor(path: str, level: int) -> str | None:
    """The path of the ancestor (or self) at a depth, or None when the unit lies above it."""
    segments = path.strip("/").split("/")
    if len(segments) < level:
        return None
    return "/" + "".join(f"{s}/" for s in segments[:level])


def parse_level(value: str, field: str = "level") -> int:
    """A level as a depth: `3` or `county`."""
    try:
        return int(value) if value.isdigit() and int(value) in Level._value2member_map_ else Level[value].value
    except KeyError:
        msg = "a level is 1–5 or province, city, county, township, village"
        raise Problem(422, msg, errors=[field_error(field, msg)]) from None
