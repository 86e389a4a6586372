"""HTTP layer of partner clients: admins register agencies' API clients in their region."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select
from sqlmodel import col

from halfsky_common.audit import record
from halfsky_common.auth import Principal, ensure_visible, require_roles
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.problems import Problem
from halfsky_gateway.auth import revocation
from halfsky_gateway.base import AuditEntry
from halfsky_gateway.clients import service
from halfsky_gateway.clients.models import PartnerClient
from halfsky_gateway.clients.schemas import ClientCreate, ClientPublic, ClientUpdate, ClientWithSecret
from halfsky_gateway.orgunits.models import OrgUnit
from halfsky_gateway.orgunits.service import get_unit

router = APIRouter(prefix="/clients", tags=["partner clients"])
Admin = Annotated[Principal, Depends(require_roles("admin"))]


async def _get(session: Session, admin: Principal, client_id: uuid.UUID) -> tuple[PartnerClient, OrgUnit]:
    row = (
        await session.execute(
            select(PartnerClient, OrgUnit)
            .join(OrgUnit, col(OrgUnit.id) == PartnerClient.org_unit_id)
            .where(col(PartnerClient.id) == client_id)
        )
    ).first()
    if row is None:
        raise Problem(404, "No such client.")
    ensure_visible(admin, row[1].path, what="client")
    return row[0], row[1]


@router.get("", response_model=list[ClientPublic])
async def list_clients(session: Session, admin: Admin) -> list[PartnerClient]:
    stmt = (
        select(PartnerClient)
        .join(OrgUnit, col(OrgUnit.id) == PartnerClient.org_unit_id)
        .where(col(OrgUnit.path).startswith(admin.org_path))
        .order_by(PartnerClient.name)
    )
    return list((await session.execute(stmt)).scalars().all())


@router.post(
    "", response_model=ClientWithSecret, status_code=201, summary="Register a client; the secret is shown once"
)
async def create_client(body: ClientCreate, session: Session, admin: Admin) -> ClientWithSecret:
    unit = await get_unit(session, body.org_unit_id)
    if not admin.sees(unit.path):
        raise Problem(403, "You can bind clients only to units inside your own region.")
    client, secret = await service.create_client(
        session, name=body.name, agency=body.agency, scopes=list(body.scopes), org_unit=unit
    )
    record(
        session,
        AuditEntry,
        actor=admin,
        action="client.create",
        entity_type="client",
        entity_id=client.id,
        org_path=unit.path,
        client_id=client.client_id,
        scopes=client.scopes,
    )
    await session.commit()
    return ClientWithSecret.model_validate({**client.model_dump(), "client_secret": secret})


@router.patch("/{client_id}", response_model=ClientPublic, summary="Rename, change scopes or disable (send If-Match)")
async def update_client(
    client_id: uuid.UUID, body: ClientUpdate, session: Session, admin: Admin, request: Request, response: Response
) -> PartnerClient:
    client, unit = await _get(session, admin, client_id)
    check_if_match(request, client.version)
    if body.name is not None:
        client.name = body.name
    if body.scopes is not None:
        client.scopes = sorted(set(body.scopes))
    if body.disabled is not None:
        client.disabled = body.disabled
    client.version += 1
    record(
        session,
        AuditEntry,
        actor=admin,
        action="client.update",
        entity_type="client",
        entity_id=client.id,
        org_path=unit.path,
        changes=body.model_dump(exclude_unset=True),
    )
    await session.commit()
    if body.scopes is not None or body.disabled is not None:
        await revocation.reload_now(request)  # its tokens stop here at once, elsewhere within seconds
    set_etag(response, client.version)
    return client


@router.post("/{client_id}/rotate-secret", response_model=ClientWithSecret, summary="Issue a new secret")
async def rotate_secret(client_id: uuid.UUID, session: Session, admin: Admin) -> ClientWithSecret:
    client, unit = await _get(session, admin, client_id)
    secret = await service.rotate_secret(client)
    record(
        session,
        AuditEntry,
        actor=admin,
        action="client.rotate_secret",
        entity_type="client",
        entity_id=client.id,
        org_path=unit.path,
    )
    await session.commit()
    return ClientWithSecret.model_validate({**client.model_dump(), "client_secret": secret})
