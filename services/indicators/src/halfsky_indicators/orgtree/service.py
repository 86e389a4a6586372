"""A unit's current path, from the region tree: the codes and paths requests name, resolved against the moves.

The gateway owns the tree and tells this service of every move (`POST /indicators/org-moves`, in order, until
answered). Each move rewrites the stored paths under the old one and records here the moved unit and the units
above it at their new paths. A code then resolves to its nearest recorded ancestor-by-code's path plus the rest of
its own division-code path (a street moved to another county takes its communities along), or, when no ancestor
ever moved, to the path of its division code. A path is accepted only when it is where the tree has its unit now:
a unit's old path after a move names no unit, and says nothing about where it went.
"""

from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common import orgpaths
from halfsky_common.audit import utcnow
from halfsky_common.orgpaths import CODE_LENGTHS
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.orgpaths import parse
from halfsky_indicators.orgtree.models import OrgUnitPlace


def _lineage(code: str) -> list[str]:
    """The codes a division code carries: `440106001` → 44, 4401, 440106, 440106001."""
    return [code[:n] for n in CODE_LENGTHS if n <= len(code)]


async def current_paths(session: AsyncSession, codes: Iterable[str]) -> dict[str, str]:
    """Each (valid) division code's current path in the tree; one query however many codes."""
    wanted = sorted(set(codes))
    lineages = {code: _lineage(code) for code in wanted}
    prefixes = sorted({p for lineage in lineages.values() for p in lineage})
    placed: dict[str, str] = {}
    for i in range(0, len(prefixes), 5000):
        rows = await session.execute(
            select(col(OrgUnitPlace.code), col(OrgUnitPlace.org_path)).where(
                col(OrgUnitPlace.code).in_(prefixes[i : i + 5000])
            )
        )
        placed.update({c: p for c, p in rows.all()})
    out = {}
    for code, lineage in lineages.items():
        # the nearest placed unit at or above it by code (none: the division code's own path from the root)
        at = max((n for n, c in enumerate(lineage) if c in placed), default=-1)
        out[code] = (placed[lineage[at]] if at >= 0 else "/") + "".join(f"{c}/" for c in lineage[at + 1 :])
    return out


def _not_there(given: str, field: str) -> Problem:
    msg = f"{given} is not where its unit sits in the region tree (ask by the unit's code or its current path)"
    return Problem(422, msg, errors=[field_error(field, "not the unit's current path")], code="org_path_not_current")


async def resolve_all(session: AsyncSession, orgs: Iterable[str], field: str = "org") -> dict[str, str | Problem]:
    """Each code or path as the unit's current path, or the Problem that refuses it (for per-row reports)."""
    parsed: dict[str, tuple[str, str | None] | Problem] = {}
    for org in set(orgs):
        try:
            parsed[org] = parse(org, field)
        except Problem as exc:
            parsed[org] = exc
    paths = await current_paths(session, [p[0] for p in parsed.values() if not isinstance(p, Problem)])
    out: dict[str, str | Problem] = {}
    for org, p in parsed.items():
        if isinstance(p, Problem):
            out[org] = p
            continue
        code, given = p
        out[org] = _not_there(given, field) if given is not None and given != paths[code] else paths[code]
    return out


async def resolve_each(session: AsyncSession, orgs: Sequence[str], field: Callable[[int], str]) -> list[str]:
    """Codes or paths of a list in a body, as current paths; the first refused one names its own place in it."""
    found = await resolve_all(session, orgs)
    for i, org in enumerate(orgs):
        result = found[org]
        if isinstance(result, Problem):
            errors = [field_error(field(i), (result.errors or [{}])[0].get("message", result.detail))]
            raise Problem(result.status, result.detail, errors=errors, **result.extra)
    return [str(found[o]) for o in orgs]


async def resolve_many(session: AsyncSession, orgs: Sequence[str], field: str = "org") -> list[str]:
    """Codes or paths (of one query parameter) as current paths, in order; the first refused refuses them all."""
    return await resolve_each(session, orgs, lambda _: field)


async def resolve(session: AsyncSession, org: str, field: str = "org") -> str:
    """A code or a path, as the unit's current path; 422 naming the field otherwise."""
    return (await resolve_many(session, [org], field))[0]


async def record_move(session: AsyncSession, from_path: str, to_path: str) -> None:
    """After a move re-pathed the rows (this table's too): the moved unit and each unit above it, at their paths in
    the tree now. Applying the same move again writes the same rows."""
    codes = orgpaths.segments(to_path)
    rows = [
        {"code": code, "org_path": orgpaths.join(codes[: n + 1]), "placed_at": utcnow()} for n, code in enumerate(codes)
    ]
    stmt = insert(OrgUnitPlace).values(rows)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["code"], set_={"org_path": stmt.excluded.org_path, "placed_at": stmt.excluded.placed_at}
        )
    )
