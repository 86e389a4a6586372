"""Telling the services that a unit moved: an outbox row written in the move's own transaction, delivered to every
service by `POST /{service}/org-moves` right after the commit and retried in the background until each has
answered (a service may be down or restarting). Moves reach each service in the order they were made; a service
that fails holds back its later moves until it answers. Several gateway replicas deliver in turn (an advisory
lock), and applying a move twice changes nothing, so a retry after a lost answer is harmless.
"""

import asyncio
import logging
import uuid
from datetime import datetime, timedelta

import httpx
from sqlalchemy import ARRAY, BigInteger, Column, DateTime, Identity, Text, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import Field, col

from halfsky_common import background
from halfsky_common.audit import utcnow
from halfsky_common.keys import sign_access_token
from halfsky_common.orgmoves import SCOPE
from halfsky_gateway.base import Base, timestamp_field, uuid_pk
from halfsky_gateway.config import Settings

log = logging.getLogger("halfsky.orgmoves")
LOCK_KEY = 0x6F72676D  # pg advisory lock id of the delivery run ('orgm')


class OrgMoveOutbox(Base, table=True):
    """A move in the region tree, with the services not yet told."""

    __tablename__ = "org_move"

    id: uuid.UUID = uuid_pk()
    seq: int | None = Field(default=None, sa_column=Column(BigInteger, Identity(), unique=True, nullable=False))
    from_path: str = Field(sa_column=Column(Text, nullable=False))
    to_path: str = Field(sa_column=Column(Text, nullable=False))
    pending: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(Text), nullable=False))
    attempts: int = 0
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = timestamp_field()
    delivered_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), nullable=True)  # type: ignore[call-overload]


def enqueue(session: AsyncSession, settings: Settings, *, from_path: str, to_path: str) -> OrgMoveOutbox:
    """Record a move for every service; part of the caller's transaction."""
    move = OrgMoveOutbox(from_path=from_path, to_path=to_path, pending=sorted(settings.service_urls()))
    session.add(move)
    return move


def service_token(settings: Settings) -> str:
    """The gateway's own short-lived token for the services' org-moves route."""
    return sign_access_token(
        private_key_pem=settings.private_key_pem(),
        subject="service:gateway",
        ttl=timedelta(minutes=5),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        typ="service",
        name="gateway",
        roles=[],
        scope=SCOPE,
        org_path="/",
    )


async def deliver(maker: async_sessionmaker[AsyncSession], http: httpx.AsyncClient, settings: Settings) -> int:
    """Send every undelivered move to the services still pending; returns how many moves are still undelivered."""
    urls = settings.service_urls()
    async with maker() as session, session.begin():
        if not (await session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK_KEY})).scalar():
            return -1  # another replica is delivering
        moves = (
            await session.execute(
                select(OrgMoveOutbox).where(col(OrgMoveOutbox.delivered_at).is_(None)).order_by(col(OrgMoveOutbox.seq))
            )
        ).scalars()
        headers = {"Authorization": f"Bearer {service_token(settings)}"}
        blocked: set[str] = set()
        left = 0
        for move in moves:
            still = []
            for name in move.pending:
                error = "" if name not in blocked else "an earlier move is still pending"
                if not error:
                    error = await _tell(http, urls.get(name), name, move, headers)
                if error:
                    blocked.add(name)
                    still.append(name)
                    move.last_error = f"{name}: {error}"[:500]
            if still != move.pending:
                move.pending = still
            if still:
                move.attempts += 1
                left += 1
            else:
                move.delivered_at = utcnow()
        return left


async def _tell(
    http: httpx.AsyncClient, url: str | None, name: str, move: OrgMoveOutbox, headers: dict[str, str]
) -> str:
    """'' when the service applied the move, else why not."""
    if not url:
        return "no URL configured"
    try:
        r = await http.post(
            f"{url}/{name}/org-moves",
            json={"from_path": move.from_path, "to_path": move.to_path},
            headers=headers,
            timeout=60.0,
        )
    except httpx.HTTPError as exc:
        return type(exc).__name__
    return "" if r.status_code == 200 else f"HTTP {r.status_code}"


async def deliver_and_report(
    maker: async_sessionmaker[AsyncSession], http: httpx.AsyncClient, settings: Settings
) -> None:
    left = await deliver(maker, http, settings)
    if left > 0:
        log.warning("org moves not yet delivered: %d (retrying every %s s)", left, settings.org_move_retry_seconds)


async def deliver_quietly(maker: async_sessionmaker[AsyncSession], http: httpx.AsyncClient, settings: Settings) -> None:
    """One delivery right after a move; a failure is left to the background rounds."""
    try:
        await deliver_and_report(maker, http, settings)
    except Exception as exc:  # the database may be down; the next round tries again
        log.warning("org move delivery failed: %r", exc)


def start(maker: async_sessionmaker[AsyncSession], http: httpx.AsyncClient, settings: Settings) -> asyncio.Task[None]:
    return background.repeat(
        lambda: deliver_and_report(maker, http, settings),
        every=settings.org_move_retry_seconds,
        what="org move delivery",
    )
