"""Org unit paths like `/44/4401/440106/`: what a path says of itself, the same in the gateway and every service.

The tree lives in the gateway. A unit's path is the codes of its ancestors and its own, so its last segment is
its code and its depth is its level (1 province … 5 village). Administrative division codes carry their ancestors
as prefixes (2, 4, 6, 9 and 12 digits), so a code alone gives the path the unit had when the tree was loaded;
where a unit is now, after moves in the tree, is the gateway's (and each service's copy of the tree's) to say.
"""

import re

CODE_LENGTHS = (2, 4, 6, 9, 12)
_CODE = re.compile(r"^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$")


def segments(path: str) -> list[str]:
    """The codes along a path, root first: `/44/4401/` → `["44", "4401"]`; `/` → `[]`."""
    return [s for s in path.split("/") if s]


def join(codes: list[str]) -> str:
    """The path of codes, root first; `[]` → `/`."""
    return "/" + "".join(f"{c}/" for c in codes)


def child(parent_path: str | None, code: str) -> str:
    """The path of a unit with this code under a parent (None: at the root)."""
    return f"{parent_path or '/'}{code}/"


def path_from_code(code: str) -> str:
    """`440106001` → `/44/4401/440106/440106001/`; ValueError for what is not a division code."""
    if not _CODE.match(code):
        raise ValueError(f"{code!r} is not a division code of 2, 4, 6, 9 or 12 digits")
    return join([code[:n] for n in CODE_LENGTHS if n <= len(code)])


def code_of(path: str) -> str:
    """The unit's own code: the last segment of its path (`""` for `/`)."""
    parts = segments(path)
    return parts[-1] if parts else ""


def depth(path: str) -> int:
    """The number of levels: 1 for a province, 3 for `/44/4401/440106/`, 5 for a village."""
    return len(segments(path))


def parent(path: str) -> str | None:
    """The parent's path, or None at the root."""
    parts = segments(path)
    return join(parts[:-1]) if len(parts) > 1 else None


def ancestor(path: str, level: int) -> str | None:
    """The path of the ancestor (or self) at a depth, or None when the unit lies above it."""
    parts = segments(path)
    return join(parts[:level]) if len(parts) >= level else None


def at_most(path: str, level: int) -> str:
    """The ancestor at a depth, or the path itself when it lies above that depth (grouping by county, say)."""
    return join(segments(path)[:level])
