"""A disabled account's still-valid access tokens stop working at the gateway within seconds, not at expiry.

Every gateway replica keeps the ids of disabled users in memory, reloaded from the database every few seconds; the
replica that disables a user drops its tokens at once. Services called directly (inside the cluster) do not
check: there the 15-minute lifetime of access tokens is the bound.
"""

import asyncio
import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from halfsky_common import background
from halfsky_common.auth import Principal, TokenVerifier, unauthorized
from halfsky_gateway.users.models import User

log = logging.getLogger("halfsky.revocation")


class DisabledAccounts:
    """The ids of disabled users, as of the last reload."""

    def __init__(self) -> None:
        self.ids: frozenset[str] = frozenset()

    async def reload(self, engine: AsyncEngine) -> None:
        async with engine.connect() as conn:
            found = await conn.execute(select(col(User.id)).where(col(User.disabled)))
            self.ids = frozenset(str(user_id) for user_id in found.scalars())

    def set(self, user_id: str, *, disabled: bool) -> None:
        """This replica's own change, effective before the next reload."""
        self.ids = self.ids | {user_id} if disabled else self.ids - {user_id}


class RevocationAwareVerifier(TokenVerifier):
    """Verifies as every service does, then refuses tokens of accounts disabled since they were issued."""

    def __init__(self, *, public_key_pem: str, issuer: str, audience: str, disabled: DisabledAccounts) -> None:
        super().__init__(public_key_pem=public_key_pem, issuer=issuer, audience=audience)
        self.disabled = disabled

    def verify(self, token: str) -> Principal:
        principal = super().verify(token)
        if principal.kind == "user" and principal.id in self.disabled.ids:
            raise unauthorized("This account is disabled.", code="account_disabled")
        return principal


async def start(disabled: DisabledAccounts, engine: AsyncEngine, every: float) -> asyncio.Task[None]:
    """Load the set once (a failure leaves it empty and retries) and keep it fresh in the background."""
    try:
        await disabled.reload(engine)
    except Exception as exc:  # the database may not be up yet; the loop retries
        log.warning("could not load disabled accounts at start: %r", exc)
    # a failed reload keeps the last known set (the database may be restarting)
    return background.repeat(
        lambda: disabled.reload(engine), every=every, first_delay=every, what="reload of disabled accounts"
    )
