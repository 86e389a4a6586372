"""Issuing access tokens (RS256) and rotating refresh tokens."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

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


def access_token_for_user(settings: Settings, user: User, unit: OrgUnit, session_id: uuid.UUID) -> str:
    """`sid` names the sign-in (refresh-token family): when it ends, so does this token (halfsky_common.revocation)."""
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
        sid=str(session_id),
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


class Rotated(NamedTuple):
    user_id: uuid.UUID
    family_id: uuid.UUID
    token: str


async def new_refresh_token(
    session: AsyncSession,
    settings: Settings,
    *,
    user_id: uuid.UUID,
    family_id: uuid.UUID,
    signed_in_at: datetime | None = None,
) -> str:
    """Store the fingerprint of a fresh refresh token and return the token itself (shown once).

    A new family (a sign-in) starts its absolute lifetime now; a rotation passes the family's `signed_in_at` on, and
    the new token never outlives it.
    """
    token = new_secret()
    now = datetime.now(UTC)
    signed_in_at = signed_in_at or now
    session.add(
        RefreshToken(
            token_hash=fingerprint(token),
            user_id=user_id,
            family_id=family_id,
            signed_in_at=signed_in_at,
            expires_at=min(
                now + timedelta(days=settings.refresh_token_days),
                signed_in_at + timedelta(days=settings.refresh_token_absolute_days),
            ),
        )
    )
    await session.flush()
    return token


async def rotate(session: AsyncSession, settings: Settings, token: str) -> Rotated:
    """Spend a refresh token for a new one; a replayed token revokes its whole family.

    Returns the user, the sign-in (family) and the new refresh token. The caller commits.
    """
    now = datetime.now(UTC)
    row = (
        await session.execute(
            select(RefreshToken).where(col(RefreshToken.token_hash) == fingerprint(token)).with_for_update()
        )
    ).scalar_one_or_none()
    if row is None:
        raise Problem(401, "The refresh token is not valid; sign in again.", code="invalid_grant")
    if row.used_at is not None:
        await revoke_family(session, row.family_id)
        await audit_user(session, row.user_id, "auth.refresh_reused", family=str(row.family_id))
        await session.commit()
        raise Problem(
            401, "The refresh token was already used; every session of that sign-in is now ended.", code="token_reused"
        )
    if row.revoked_at is not None:  # logged out, password changed, reset or changed by an admin, or replayed
        raise Problem(401, "This sign-in has ended; sign in again.", code="session_ended")
    if row.signed_in_at + timedelta(days=settings.refresh_token_absolute_days) <= now:
        raise Problem(
            401,
            "This sign-in has reached its absolute lifetime, however often it was refreshed; sign in again.",
            code="session_expired",
            signed_in_at=row.signed_in_at.isoformat(),
        )
    if row.expires_at <= now:
        raise Problem(401, "The refresh token is not valid; sign in again.", code="invalid_grant")
    row.used_at = now
    new = await new_refresh_token(
        session, settings, user_id=row.user_id, family_id=row.family_id, signed_in_at=row.signed_in_at
    )
    return Rotated(row.user_id, row.family_id, new)


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
