"""The behind-schedule flags, recomputed in the background: time passing alone can put a project behind (a
quarter's expected share grows every day), and the list filters on the stored flag, so every running project is
re-checked once per `PROJECTS_PROGRESS_REFRESH_HOURS` (daily by default) without anyone asking.

Each round takes a PostgreSQL advisory lock, so with several replicas one does the work; projects are locked and
committed in batches, so a round never holds a region's projects for long, and a project someone is editing
right now is left for the next round (its own write refreshes its flag anyway).
"""

import asyncio
import logging
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from halfsky_common import background
from halfsky_common.audit import record
from halfsky_common.auth import Principal
from halfsky_common.clock import today
from halfsky_projects.base import AuditEntry
from halfsky_projects.plans.progress import TRACKED, refresh_flag
from halfsky_projects.projects.models import Project

log = logging.getLogger("halfsky.projects.nightly")
LOCK_KEY = 0x70726F67  # advisory lock id of a refresh round ('prog')
BATCH = 200
SYSTEM = Principal(
    id="system:progress-refresh", name="每日进度核查", roles=frozenset(), org="", org_path="/", kind="service"
)


async def refresh_all(maker: async_sessionmaker[AsyncSession], *, as_of: date) -> tuple[int, int]:
    """One round over every tracked project; (checked, changed), or (-1, 0) when another replica has the lock."""
    async with maker() as guard, guard.begin():
        if not (await guard.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK_KEY})).scalar():
            return -1, 0
        ids = list(
            (
                await guard.execute(
                    select(col(Project.id)).where(col(Project.status).in_(TRACKED)).order_by(col(Project.id))
                )
            ).scalars()
        )
        checked = changed = 0
        for i in range(0, len(ids), BATCH):
            async with maker() as session, session.begin():
                stmt = select(Project).where(col(Project.id).in_(ids[i : i + BATCH])).with_for_update(skip_locked=True)
                for project in (await session.execute(stmt)).scalars():
                    checked += 1
                    changed += await refresh_flag(session, project=project, as_of=as_of)
        async with maker() as session, session.begin():
            record(
                session,
                AuditEntry,
                actor=SYSTEM,
                action="progress.refresh",
                entity_type="project",
                entity_id="*",
                org_path="/",
                checked=checked,
                changed=changed,
            )
        return checked, changed


async def refresh_and_report(maker: async_sessionmaker[AsyncSession]) -> None:
    checked, changed = await refresh_all(maker, as_of=today())
    if checked >= 0:
        log.info("behind-schedule flags refreshed: %d checked, %d changed", checked, changed)


def start(maker: async_sessionmaker[AsyncSession], hours: float, first_delay: float) -> asyncio.Task[None] | None:
    if hours <= 0:
        return None
    return background.repeat(
        lambda: refresh_and_report(maker), every=hours * 3600, first_delay=first_delay, what="behind-schedule refresh"
    )
