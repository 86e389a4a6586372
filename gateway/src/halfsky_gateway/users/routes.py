"""HTTP layer of users: admins manage the users of their own region."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import select
from sqlmodel import col

from halfsky_common.audit import record
from halfsky_common.auth import Principal, ensure_visible, require_roles
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_common.problems import Problem
from halfsky_gateway.auth import revocation
from halfsky_gateway.base import AuditEntry
from halfsky_gateway.config import Settings
from halfsky_gateway.orgunits.models import OrgUnit
from halfsky_gateway.orgunits.service import get_unit
from halfsky_gateway.users import service
from halfsky_gateway.users.models import User
from halfsky_gateway.users.schemas import OrgUnitBrief, PasswordReset, UserCreate, UserPublic, UserUpdate

router = APIRouter(prefix="/users", tags=["users"])
Admin = Annotated[Principal, Depends(require_roles("admin"))]
Reader = Annotated[Principal, Depends(require_roles("admin", "auditor", "leader"))]


def settings_of(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def public(user: User, unit: OrgUnit) -> UserPublic:
    return UserPublic.model_validate({**user.model_dump(), "org_unit": OrgUnitBrief.model_validate(unit.model_dump())})


async def _unit_in_region(session: Session, admin: Principal, unit_id: uuid.UUID) -> OrgUnit:
    unit = await get_unit(session, unit_id)
    if not admin.sees(unit.path):
        raise Problem(403, "You can place users only inside your own region.")
    return unit


@router.get("", response_model=Page[UserPublic])
async def list_users(
    session: Session,
    reader: Reader,
    org_unit_id: uuid.UUID | None = None,
    q: Annotated[str | None, Query(max_length=50)] = None,
    role: str | None = None,
    disabled: bool | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[UserPublic]:
    under = reader.org_path
    if org_unit_id:
        unit = await get_unit(session, org_unit_id)
        ensure_visible(reader, unit.path, what="org unit")
        under = unit.path
    stmt = service.list_query(under=under, q=q, role=role, disabled=disabled)
    rows, next_cursor, has_more, _ = await paginate(
        session, stmt, keys=[SortKey(User.username), SortKey(User.id)], cursor=cursor, limit=limit
    )
    units = {u.id: u for u in await _units(session, {r.org_unit_id for r in rows})}
    return Page(items=[public(r, units[r.org_unit_id]) for r in rows], next_cursor=next_cursor, has_more=has_more)


async def _units(session: Session, ids: set[uuid.UUID]) -> list[OrgUnit]:
    if not ids:
        return []
    return list((await session.execute(select(OrgUnit).where(col(OrgUnit.id).in_(ids)))).scalars().all())


@router.post("", response_model=UserPublic, status_code=201)
async def create_user(
    body: UserCreate, session: Session, admin: Admin, request: Request, response: Response
) -> UserPublic:
    unit = await _unit_in_region(session, admin, body.org_unit_id)
    user = await service.create_user(
        session,
        username=body.username,
        name=body.name,
        phone=body.phone,
        password=body.password,
        roles=list(body.roles),
        org_unit=unit,
        min_length=settings_of(request).password_min_length,
        min_score=settings_of(request).password_min_score,
        must_change_password=True,
    )
    record(
        session,
        AuditEntry,
        actor=admin,
        action="user.create",
        entity_type="user",
        entity_id=user.id,
        org_path=unit.path,
        username=user.username,
        roles=user.roles,
    )
    await session.commit()
    set_etag(response, user.version)
    return public(user, unit)


@router.get("/{user_id}", response_model=UserPublic)
async def get_user(user_id: uuid.UUID, session: Session, reader: Reader, response: Response) -> UserPublic:
    user, unit = await service.get_user(session, user_id)
    ensure_visible(reader, unit.path, what="user")
    set_etag(response, user.version)
    return public(user, unit)


@router.patch("/{user_id}", response_model=UserPublic, summary="Change name, roles, unit or disable (send If-Match)")
async def update_user(
    user_id: uuid.UUID, body: UserUpdate, session: Session, admin: Admin, request: Request, response: Response
) -> UserPublic:
    user, unit = await service.get_user(session, user_id)
    ensure_visible(admin, unit.path, what="user")
    check_if_match(request, user.version)
    changes = body.model_dump(exclude_unset=True, mode="json")
    if body.org_unit_id is not None:
        unit = await _unit_in_region(session, admin, body.org_unit_id)
        user.org_unit_id = unit.id
    if body.name is not None:
        user.name = body.name
    if body.phone is not None:
        user.phone = body.phone
    if body.roles is not None:
        user.roles = sorted(set(body.roles))
    if body.disabled is not None:
        if body.disabled and str(user.id) == admin.id:
            raise Problem(409, "You cannot disable your own account.")
        user.disabled = body.disabled
    if body.disabled or body.roles is not None or body.org_unit_id is not None:
        await service.revoke_refresh_tokens(session, user_id=user.id)
    service.touch(user)
    record(
        session,
        AuditEntry,
        actor=admin,
        action="user.update",
        entity_type="user",
        entity_id=user.id,
        org_path=unit.path,
        changes=changes,
    )
    await session.commit()
    if body.disabled is not None or body.roles is not None or body.org_unit_id is not None:
        await revocation.reload_now(request)  # her tokens stop here at once, elsewhere within seconds
    set_etag(response, user.version)
    return public(user, unit)


@router.post("/{user_id}/reset-password", status_code=204, summary="Set a temporary password the user must change")
async def reset_password(
    user_id: uuid.UUID, body: PasswordReset, session: Session, admin: Admin, request: Request
) -> None:
    user, unit = await service.get_user(session, user_id)
    ensure_visible(admin, unit.path, what="user")
    await service.set_password(
        session,
        user=user,
        password=body.password,
        min_length=settings_of(request).password_min_length,
        min_score=settings_of(request).password_min_score,
        must_change=True,
    )
    record(
        session,
        AuditEntry,
        actor=admin,
        action="user.reset_password",
        entity_type="user",
        entity_id=user.id,
        org_path=unit.path,
    )
    await session.commit()
    await revocation.reload_now(request)  # her sign-ins ended: their access tokens stop too


@router.post("/{user_id}/unlock", status_code=204, summary="Lift the delays after failed sign-ins, from every address")
async def unlock(user_id: uuid.UUID, session: Session, admin: Admin) -> None:
    user, unit = await service.get_user(session, user_id)
    ensure_visible(admin, unit.path, what="user")
    await service.clear_sign_in_delays(session, user.username)
    user.failed_logins = 0
    user.locked_until = None
    service.touch(user)
    record(
        session,
        AuditEntry,
        actor=admin,
        action="user.unlock",
        entity_type="user",
        entity_id=user.id,
        org_path=unit.path,
    )
    await session.commit()
