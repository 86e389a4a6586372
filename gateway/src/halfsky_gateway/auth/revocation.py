"""Still-valid access tokens that must stop working within seconds, not at expiry (see halfsky_common.revocation).

Every gateway replica keeps the list in memory, reloaded from the database every GATEWAY_DISABLED_RELOAD_SECONDS;
the replica that disables a user, ends sign-ins or changes a client reloads at once. It publishes the list at
`GET /api/auth/revocations` for the services, which poll it: a service refuses such a token at most one gateway
reload plus one service poll (5 + 5 s by default) after the change.
"""

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from halfsky_common import background
from halfsky_common.revocation import PATH, Revocations, Snapshot
from halfsky_gateway.auth.models import RefreshToken
from halfsky_gateway.clients.models import PartnerClient
from halfsky_gateway.config import Settings
from halfsky_gateway.users.models import User

log = logging.getLogger("halfsky.revocation")

# An ended sign-in stays listed while an access token issued before its end may still be alive; the minute on top
# covers clocks a little apart.
SKEW = timedelta(minutes=1)


async def load(engine: AsyncEngine, settings: Settings) -> Snapshot:
    """The list as the database has it now."""
    since = datetime.now(UTC) - timedelta(minutes=settings.access_token_minutes) - SKEW
    async with engine.connect() as conn:
        users = (await conn.execute(select(col(User.id)).where(col(User.disabled)))).scalars()
        sessions = (
            await conn.execute(
                select(col(RefreshToken.family_id)).where(col(RefreshToken.revoked_at) > since).distinct()
            )
        ).scalars()
        clients = await conn.execute(
            select(col(PartnerClient.client_id), col(PartnerClient.scopes), col(PartnerClient.disabled))
        )
        return Snapshot.of(
            disabled_users=[str(u) for u in users],
            ended_sessions=[str(s) for s in sessions],
            clients=[(row[0], row[1], row[2]) for row in clients],
        )


async def reload(revocations: Revocations, engine: AsyncEngine, settings: Settings) -> None:
    revocations.replace(await load(engine, settings))


async def reload_now(request: Request) -> None:
    """After this replica committed a change that revokes tokens: make it effective here before the next round."""
    app = request.app
    try:
        await reload(app.state.revocations, app.state.engine, app.state.settings)
    except Exception as exc:  # the change is committed; the background rounds pick it up
        log.warning("could not reload the revocation list after a change: %r", exc)


async def start(revocations: Revocations, engine: AsyncEngine, settings: Settings) -> asyncio.Task[None]:
    """Load the list once (a failure leaves it empty and retries) and keep it fresh in the background."""
    try:
        await reload(revocations, engine, settings)
    except Exception as exc:  # the database may not be up yet; the loop retries
        log.warning("could not load the revocation list at start: %r", exc)
    every = settings.disabled_reload_seconds
    # a failed reload keeps the last known list (the database may be restarting)
    return background.repeat(
        lambda: reload(revocations, engine, settings), every=every, first_delay=every, what="reload of revocations"
    )


router = APIRouter(tags=["auth"])


@router.get(
    PATH.removeprefix("/api"),
    summary="Revoked tokens, for the services (digests only; see halfsky_common.revocation)",
    response_model=None,
    responses={200: {"content": {"application/json": {}}}, 304: {"description": "Unchanged since the ETag sent"}},
)
async def revocations(request: Request) -> Response:
    current: Revocations = request.app.state.revocations
    headers = {"ETag": current.etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == current.etag:
        return Response(status_code=304, headers=headers)
    return Response(current.document, media_type="application/json", headers=headers)
