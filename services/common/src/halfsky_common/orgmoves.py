"""A unit moved in the region tree (a township re-assigned to another county): every row a service keeps under its
old path gets the new one, so the new county's staff see it and the old county's no longer do.

The gateway owns the tree. After a move it calls `POST /{service}/org-moves` on every service with a token of its
own (`typ` service, scope `orgs:move`), and calls again until each service has answered; applying a move twice
changes nothing the second time. Every text column named `org_path` or `…_org_path`, every text-array column named
`…_org_paths` and the columns a service names are rewritten, in one transaction; the append-only audit tables keep
the paths they recorded.
"""

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import ARRAY, MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_common.audit import AuditEntryBase, record
from halfsky_common.auth import CurrentUser, Principal
from halfsky_common.db import Session
from halfsky_common.problems import Problem, field_error

SCOPE = "orgs:move"
PATH_PATTERN = r"^/(\d{2,12}/)+$"

AfterMove = Callable[[AsyncSession, str, str], Awaitable[None]]


class OrgMove(BaseModel):
    """A unit's path before and after the move (descendants follow: their paths start with it)."""

    from_path: str = Field(pattern=PATH_PATTERN, max_length=200, examples=["/44/4401/440106/440106001/"])
    to_path: str = Field(pattern=PATH_PATTERN, max_length=200, examples=["/44/4401/440104/440106001/"])


class OrgMoveResult(BaseModel):
    updated: dict[str, int] = Field(description="Rows rewritten per table.column")


def path_columns(
    metadata: MetaData, skip: Sequence[str], extra: Sequence[tuple[str, str]] = ()
) -> list[tuple[Table, str, bool]]:
    """(table, column, is_array) of every column that holds org paths: by name, plus `extra` (table, column)."""
    found = []
    for table in metadata.sorted_tables:
        if table.name in skip:
            continue
        for column in table.columns:
            if column.computed is not None:
                continue
            if column.name == "org_path" or column.name.endswith("_org_path") or (table.name, column.name) in extra:
                found.append((table, column.name, False))
            elif column.name.endswith("_org_paths") and isinstance(column.type, ARRAY):
                found.append((table, column.name, True))
    return found


async def apply_move(
    session: AsyncSession,
    metadata: MetaData,
    move: OrgMove,
    *,
    skip: Sequence[str] = (),
    extra: Sequence[tuple[str, str]] = (),
) -> dict[str, int]:
    """Rewrite the paths under `move.from_path` in every path column; the caller commits."""
    params = {"old": move.from_path, "new": move.to_path, "cut": len(move.from_path) + 1}
    counts: dict[str, int] = {}
    for table, name, is_array in path_columns(metadata, skip, extra):
        t, c = f'"{table.name}"', f'"{name}"'  # names from the service's own metadata, not from the request
        if is_array:
            sql = (
                f"UPDATE {t} SET {c} = ARRAY(SELECT CASE WHEN p LIKE :old || '%' "  # noqa: S608
                f"THEN :new || substr(p, :cut) ELSE p END FROM unnest({c}) AS p) "
                f"WHERE EXISTS (SELECT 1 FROM unnest({c}) AS p WHERE p LIKE :old || '%')"
            )
        else:
            sql = f"UPDATE {t} SET {c} = :new || substr({c}, :cut) WHERE {c} LIKE :old || '%'"  # noqa: S608
        result = await session.execute(text(sql), params)
        rows = int(getattr(result, "rowcount", 0) or 0)
        if rows:
            counts[f"{table.name}.{name}"] = rows
    return counts


async def require_mover(principal: CurrentUser) -> Principal:
    """Only the gateway's own service token with the scope; no user or partner client, whatever its roles."""
    if principal.kind != "service" or SCOPE not in principal.scopes:
        raise Problem(403, f"Only the gateway moves units (a service token with scope {SCOPE}).")
    return principal


Mover = Annotated[Principal, Depends(require_mover)]


def org_moves_router(
    metadata: MetaData,
    audit: type[AuditEntryBase],
    *,
    skip: Sequence[str],
    extra: Sequence[tuple[str, str]] = (),
    after: AfterMove | None = None,
) -> APIRouter:
    """The route a service mounts; `skip` names its append-only tables, `extra` path columns not named `…org_path`,
    `after` refreshes what derives from paths."""
    router = APIRouter(tags=["ops"])

    @router.post(
        "/org-moves",
        response_model=OrgMoveResult,
        summary="Re-path the rows under a moved unit (called by the gateway after a move in the region tree)",
    )
    async def move_rows(session: Session, gateway: Mover, move: OrgMove) -> Any:
        if move.to_path.startswith(move.from_path):
            raise Problem(422, "A unit cannot move under itself.", errors=[field_error("to_path", "under from_path")])
        updated = await apply_move(session, metadata, move, skip=skip, extra=extra)
        if after:
            await after(session, move.from_path, move.to_path)
        record(
            session,
            audit,
            actor=gateway,
            action="org_unit.moved",
            entity_type="org_unit",
            entity_id=move.from_path,
            org_path=move.to_path,
            updated=updated,
        )
        await session.commit()
        return OrgMoveResult(updated=updated)

    return router
