"""Partner clients: registered with a hashed secret; authenticate for a scoped token."""

import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.problems import Problem
from halfsky_gateway.auth.passwords import hash_password, new_secret, verify_password
from halfsky_gateway.clients.models import PartnerClient
from halfsky_gateway.orgunits.models import OrgUnit


async def create_client(
    session: AsyncSession, *, name: str, agency: str, scopes: list[str], org_unit: OrgUnit
) -> tuple[PartnerClient, str]:
    """Register a client; returns it and its secret (the only time the secret is seen)."""
    secret = new_secret()
    client = PartnerClient(
        client_id=f"hs_{secrets.token_hex(8)}",
        name=name,
        agency=agency,
        scopes=sorted(set(scopes)),
        org_unit_id=org_unit.id,
        secret_hash=await hash_password(secret),
    )
    session.add(client)
    await session.flush()
    return client, secret


async def authenticate_client(
    session: AsyncSession, *, client_id: str, client_secret: str
) -> tuple[PartnerClient, OrgUnit]:
    row = (
        await session.execute(
            select(PartnerClient, OrgUnit)
            .join(OrgUnit, col(OrgUnit.id) == PartnerClient.org_unit_id)
            .where(col(PartnerClient.client_id) == client_id)
        )
    ).first()
    client, unit = (row[0], row[1]) if row else (None, None)
    right = await verify_password(client.secret_hash if client else None, client_secret)
    if not right or client is None or unit is None:
        raise Problem(401, "The client id or secret is wrong.", code="invalid_client")
    if client.disabled:
        raise Problem(401, "This client is disabled.", code="invalid_client")
    return client, unit


async def rotate_secret(client: PartnerClient) -> str:
    secret = new_secret()
    client.secret_hash = await hash_password(secret)
    client.version += 1
    return secret
