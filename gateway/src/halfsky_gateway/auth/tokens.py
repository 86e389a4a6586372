"""Issuing access tokens (RS256) and rotating refresh tokens."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.audit import record
from halfsky_common.auth import Principal
from halfsky_common.keys import sign_access_token
from halfsky_common.problems import Problem
from halfsky_gateway.auth.models import RefreshToken
from halfsky_gateway.auth.passwords import fingerprint, new_secret
from halfsky_gateway.base import AuditEntry
from halfsky_gateway.clients.models import PartnerClient
from halfsky_gateway.config import Settings
from halfsky_gateway.orgunits.models import OrgUnit
from halfsky_gateway.users.models import User


def access_token_for_user(settings: Settings, user: User, unit: OrgUnit) -> str:
    return sign_access_token(
        private_key_pem=settings.private_key_pem(),
        subject=str(user.id),
        ttl=timedelta(minutes=settings.access_token_minutes),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        typ="user",
        name=user.name,
        username=user.username,
        roles=list(user.roles),
        org=str(unit.id),
        org_code=unit.code,
        org_path=unit.path,
    )


def access_token_for_client(settings: Settings, client: PartnerClient, unit: OrgUnit) -> str:
    return sign_access_token(
        private_key_pem=settings.private_key_pem(),
        subject=f"client:{client.client_id}",
        ttl=timedelta(minutes=settings.client_token_minutes),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        typ="client",
        name=client.name,
        roles=["partner"],
        scope=" ".join(client.scopes),
        org=str(unit.id),
        org_code=unit.code,
        org_path=unit.path,
        agency=client.agency,
    )


async def new_refresh_token(
    session: AsyncSession, settings: Settings, *, user_id: uuid.UUID, family_id: uuid.UUID | None = None
) -> str:
    """Store the fingerprint of a fresh refresh token and return the token itself (shown once)."""
    token = new_secret()
    session.add(
        RefreshToken(
            token_hash=fingerprint(token),
            user_id=user_id,
            family_id=family_id or uuid.uuid4(),
            expires_at=datetime.now(UTC) + timedelta(days=settings.refresh_token_days),
        )
    )
    await session.flush()
    return token


async def rotate(session: AsyncSession, settings: Settings, token: str) -> tuple[uuid.UUID, str]:
    """Spend a refresh token for a new one; a replayed token revokes its whole family.

    Returns the user id and the new refresh token. The caller commits.
    """
    now = datetime.now(UTC)
    row = (
        await session.execute(
            select(RefreshToken).where(col(RefreshToken.token_hash) == fingerprint(token)).with_for_update()
        )
    ).scalar_one_or_none()
    if row is None or row.expires_at <= now:
        raise Problem(401, "The refresh token is not valid; sign in again.", code="invalid_grant")
    if row.revoked_at is not None or row.used_at is not None:
        await revoke_family(session, row.family_id)
        await audit_user(session, row.user_id, "auth.refresh_reused", family=str(row.family_id))
        await session.commit()
        raise Problem(
            401, "The refresh token was already used; every session of that sign-in is now ended.", code="token_reused"
        )
    row.used_at = now
    return row.user_id, await new_refresh_token(session, settings, user_id=row.user_id, family_id=row.family_id)


async def revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    await session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


async def revoke(session: AsyncSession, token: str) -> None:
    """Logout: end the sign-in this refresh token belongs to."""
    row = (
        await session.execute(select(RefreshToken).where(col(RefreshToken.token_hash) == fingerprint(token)))
    ).scalar_one_or_none()
    if row is not None:
        await revoke_family(session, row.family_id)
        await audit_user(session, row.user_id, "auth.logout", family=str(row.family_id))


async def audit_user(session: AsyncSession, user_id: uuid.UUID, action: str, **detail: str) -> None:
    """An audit row of a session event, with the token's owner as the actor (no access token is sent)."""
    user = await session.get(User, user_id)
    unit = await session.get(OrgUnit, user.org_unit_id) if user else None
    if user is None or unit is None:
        return
    actor = Principal(
        id=str(user.id), name=user.name, roles=frozenset(user.roles), org=str(unit.id), org_path=unit.path
    )
    record(
        session,
        AuditEntry,
        actor=actor,
        action=action,
        entity_type="user",
        entity_id=user.id,
        org_path=unit.path,
        **detail,
    )
