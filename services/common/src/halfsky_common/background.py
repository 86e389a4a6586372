"""Work a process repeats in the background (reloads, retries, daily re-checks): one loop, one way to stop it.

A round that fails is logged and the next round tries again (the database may be restarting); the loop never dies
of it. Several replicas each run their own loop; the work itself decides who does what (advisory locks).
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("halfsky.background")


async def _repeat(work: Callable[[], Awaitable[object]], every: float, first_delay: float, what: str) -> None:
    await asyncio.sleep(first_delay)
    while True:
        try:
            await work()
        except Exception as exc:  # any trouble in one round: log it, try again next round
            log.warning("%s failed: %r", what, exc)
        await asyncio.sleep(every)


def repeat(
    work: Callable[[], Awaitable[object]], *, every: float, first_delay: float = 0.0, what: str
) -> asyncio.Task[None]:
    """Run `work` after `first_delay` seconds and then every `every` seconds until stopped."""
    return asyncio.create_task(_repeat(work, every, first_delay, what))


async def stop(task: asyncio.Task[None] | None) -> None:
    """Cancel a background task and wait until it has ended."""
    if task:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
