"""Scheduled pulls: every interval, the current and previous period of each derived source, each in its own
transaction; failures are recorded and logged, and the next round tries again.

The loop is `halfsky_common.background.repeat`, as every other background loop: a round that fails is logged and
the next round tries again. Several replicas each pull; the lock per source and period in `service.pull` serialises
them, so no round-wide lock is needed.
"""

import asyncio
import logging
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from halfsky_common import background
from halfsky_common.audit import record
from halfsky_common.clock import today
from halfsky_indicators.base import AuditEntry
from halfsky_indicators.derived.client import FeedClient
from halfsky_indicators.derived.models import DerivedPull
from halfsky_indicators.derived.service import SYSTEM, due_pulls, pull

log = logging.getLogger("halfsky.indicators.pulls")


async def run_once(
    maker: async_sessionmaker[AsyncSession], client: FeedClient, *, on: date | None = None
) -> list[DerivedPull]:
    """One scheduled round."""
    async with maker() as session:
        wanted = await due_pulls(session, today=on or today())
    done = []
    for source, period in wanted:
        async with maker() as session:
            result = await pull(session, client=client, source=source, period=period, actor=SYSTEM)
            record(
                session,
                AuditEntry,
                actor=SYSTEM,
                action="pull.scheduled",
                entity_type="derived_pull",
                entity_id=result.id,
                source=source,
                period=period.code,
                status=result.status,
            )
            await session.commit()
            if result.status != "ok":
                log.warning("pull of %s %s failed: %s", source, period.code, result.error)
            done.append(result)
    return done


def start(
    maker: async_sessionmaker[AsyncSession], client: FeedClient, interval: float, first_delay: float = 0
) -> asyncio.Task[None] | None:
    """Pull every `interval` seconds, the first time after `first_delay`, until stopped (`background.stop`);
    nothing when the interval is 0 or the service has no gateway client."""
    if interval <= 0 or not client.configured:
        return None
    return background.repeat(
        lambda: run_once(maker, client), every=interval, first_delay=first_delay, what="scheduled pull round"
    )
