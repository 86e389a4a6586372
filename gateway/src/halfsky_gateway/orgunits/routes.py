"""HTTP layer of the region tree: read by every signed-in user, changed by admins within their subtree."""

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, UploadFile
from sqlalchemy import or_, select
from sqlmodel import col

from halfsky_common.audit import record
from halfsky_common.auth import Principal, StaffUser, ensure_visible, require_roles
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.offloop import abandonable
from halfsky_common.problems import Problem
from halfsky_gateway.base import AuditEntry
from halfsky_gateway.orgunits import propagation, service
from halfsky_gateway.orgunits.models import OrgUnit
from halfsky_gateway.orgunits.propagation import OrgMoveOutbox
from halfsky_gateway.orgunits.schemas import (
    ImportResult,
    OrgMoveStatus,
    OrgUnitCreate,
    OrgUnitMove,
    OrgUnitPublic,
    OrgUnitUpdate,
)

router = APIRouter(prefix="/org-units", tags=["org units"])
Admin = Annotated[Principal, Depends(require_roles("admin"))]


def public(unit: OrgUnit, has_children: bool = False) -> OrgUnitPublic:
    return OrgUnitPublic.model_validate({**unit.model_dump(), "has_children": has_children})


@router.get("", response_model=list[OrgUnitPublic], summary="Children of a unit (roots without parent_id), or a search")
async def list_units(
    session: Session,
    user: StaffUser,
    parent_id: uuid.UUID | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[OrgUnitPublic]:
    if q:
        return [public(u) for u in await service.search(session, q=q, under="/", limit=limit)]
    return [public(u, has) for u, has in await service.children(session, parent_id=parent_id)]


@router.get(
    "/moves", response_model=list[OrgMoveStatus], summary="Recent moves and the services yet to apply each (admins)"
)
async def list_moves(
    session: Session,
    admin: Admin,
    pending_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[OrgMoveStatus]:
    stmt = select(OrgMoveOutbox).where(
        or_(
            col(OrgMoveOutbox.from_path).startswith(admin.org_path),
            col(OrgMoveOutbox.to_path).startswith(admin.org_path),
        )
    )
    if pending_only:
        stmt = stmt.where(col(OrgMoveOutbox.delivered_at).is_(None))
    moves = (await session.execute(stmt.order_by(col(OrgMoveOutbox.seq).desc()).limit(limit))).scalars()
    return [OrgMoveStatus.model_validate(m, from_attributes=True) for m in moves]


@router.get("/{unit_id}", response_model=OrgUnitPublic)
async def get_unit(unit_id: uuid.UUID, session: Session, user: StaffUser, response: Response) -> OrgUnitPublic:
    unit = await service.get_unit(session, unit_id)
    set_etag(response, unit.version)
    return public(unit)


@router.get("/{unit_id}/children", response_model=list[OrgUnitPublic])
async def unit_children(unit_id: uuid.UUID, session: Session, user: StaffUser) -> list[OrgUnitPublic]:
    await service.get_unit(session, unit_id)
    return [public(u, has) for u, has in await service.children(session, parent_id=unit_id)]


@router.get("/{unit_id}/subtree", response_model=list[OrgUnitPublic], summary="The unit and its descendants")
async def unit_subtree(
    unit_id: uuid.UUID,
    session: Session,
    user: StaffUser,
    depth: Annotated[int | None, Query(ge=0, le=5)] = None,
) -> list[OrgUnitPublic]:
    unit = await service.get_unit(session, unit_id)
    return [public(u) for u in await service.subtree(session, unit=unit, max_depth=depth)]


@router.post("", response_model=OrgUnitPublic, status_code=201)
async def create_unit(body: OrgUnitCreate, session: Session, admin: Admin, response: Response) -> OrgUnitPublic:
    parent_path = (await service.get_unit(session, body.parent_id)).path if body.parent_id else "/"
    if not parent_path.startswith(admin.org_path):
        raise Problem(403, "You can add units only inside your own region.")
    unit = await service.create_unit(
        session, code=body.code, name=body.name, level=body.level, parent_id=body.parent_id
    )
    record(
        session,
        AuditEntry,
        actor=admin,
        action="org_unit.create",
        entity_type="org_unit",
        entity_id=unit.id,
        org_path=unit.path,
        code=unit.code,
        name=unit.name,
    )
    await session.commit()
    set_etag(response, unit.version)
    return public(unit)


@router.patch("/{unit_id}", response_model=OrgUnitPublic, summary="Rename (send If-Match)")
async def rename_unit(
    unit_id: uuid.UUID, body: OrgUnitUpdate, session: Session, admin: Admin, request: Request, response: Response
) -> OrgUnitPublic:
    unit = await service.get_unit(session, unit_id)
    ensure_visible(admin, unit.path, what="org unit")
    check_if_match(request, unit.version)
    old = unit.name
    await service.rename_unit(session, unit=unit, name=body.name)
    record(
        session,
        AuditEntry,
        actor=admin,
        action="org_unit.rename",
        entity_type="org_unit",
        entity_id=unit.id,
        org_path=unit.path,
        old=old,
        new=body.name,
    )
    await session.commit()
    set_etag(response, unit.version)
    return public(unit)


@router.post("/{unit_id}/move", response_model=OrgUnitPublic, summary="Move under another parent (send If-Match)")
async def move_unit(
    unit_id: uuid.UUID, body: OrgUnitMove, session: Session, admin: Admin, request: Request, response: Response
) -> OrgUnitPublic:
    unit = await service.get_unit(session, unit_id)
    ensure_visible(admin, unit.path, what="org unit")
    check_if_match(request, unit.version)
    new_parent = await service.get_unit(session, body.parent_id)
    ensure_visible(admin, new_parent.path, what="org unit")
    old_path = unit.path
    moved = await service.move_unit(session, unit=unit, new_parent=new_parent)
    record(
        session,
        AuditEntry,
        actor=admin,
        action="org_unit.move",
        entity_type="org_unit",
        entity_id=unit.id,
        org_path=unit.path,
        old_path=old_path,
        new_path=unit.path,
        rows=moved,
    )
    settings = request.app.state.settings
    propagation.enqueue(session, settings, from_path=old_path, to_path=unit.path)
    await session.commit()
    # the services learn of it now, in the background; the outbox retries whoever does not answer
    task = asyncio.create_task(
        propagation.deliver_quietly(request.app.state.sessionmaker, request.app.state.http, settings)
    )
    request.app.state.background.add(task)
    task.add_done_callback(request.app.state.background.discard)
    set_etag(response, unit.version)
    return public(unit)


@router.post(
    "/import", response_model=ImportResult, summary="Load units under your region from a CSV of code,name,parent_code"
)
async def import_units(request: Request, file: UploadFile, session: Session, admin: Admin) -> ImportResult:
    settings = request.app.state.settings
    # Read in a worker thread, a row at a time within the limits, and not imported if the client has left.
    async with abandonable(request, workers=settings.import_workers) as work:
        rows = await work.run(
            service.read_tree_upload, file.file, file.filename or "", settings.table_limits(), work.stop
        )
        work.stop.check()  # nobody waits for the answer: change nothing
        created, updated, errors = await service.import_tree(session, rows, under=admin.org_path)
        record(
            session,
            AuditEntry,
            actor=admin,
            action="org_unit.import",
            entity_type="org_unit",
            entity_id="*",
            created=created,
            updated=updated,
            errors=len(errors),
        )
        await session.commit()
    return ImportResult(created=created, updated=updated, errors=errors[:100])
