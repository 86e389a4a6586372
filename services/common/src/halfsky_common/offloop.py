"""Heavy work of one request (reading and checking an uploaded file) in a worker thread, never on the event loop,
and stopped when the client goes away.

    async with abandonable(request, workers=settings.import_workers) as work:
        rows = await work.run(read_rows, upload.file, limits, work.stop)

Each service process has one bounded pool for such work (`workers` threads, shared by every route using it), so
a burst of uploads queues instead of taking every thread anyio has. The functions run there must call
`work.stop.check()` between rows: when the client disconnects, the loop sets the flag and the thread raises
`Abandoned` at its next check. Nothing is cancelled on the loop itself (a query in flight finishes normally).
"""

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request
from starlette.types import Receive

from halfsky_common.tabular import Stop

log = logging.getLogger("halfsky.offloop")

T = TypeVar("T")


class Work:
    """Runs functions of one request in the process's worker pool; `stop` is set once the client has gone."""

    def __init__(self, limiter: anyio.CapacityLimiter) -> None:
        self.limiter = limiter
        self.stop = Stop()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        self.stop.check()
        return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=self.limiter)


def _limiter(app: FastAPI, workers: int) -> anyio.CapacityLimiter:
    # one per app, made on first use inside its event loop (no await between the look and the set)
    limiter: anyio.CapacityLimiter | None = getattr(app.state, "offloop_limiter", None)
    if limiter is None:
        limiter = anyio.CapacityLimiter(workers)
        app.state.offloop_limiter = limiter
    return limiter


async def _watch(receive: Receive, stop: Stop) -> None:
    """Wait for the client to disconnect. The body has been read by then, so receive() only answers that
    (uvicorn says so on a lost connection, and once the response is complete)."""
    while (await receive())["type"] != "http.disconnect":
        pass
    stop.set()


@asynccontextmanager
async def abandonable(request: Request, *, workers: int) -> AsyncIterator[Work]:
    """Off-loop work for this request, stopped if the client disconnects; use it after the body has been read."""
    work = Work(_limiter(request.app, workers))
    watcher = asyncio.create_task(_watch(request.receive, work.stop))
    try:
        yield work
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        if work.stop.is_set():
            log.info("client went away; stopped the work of %s %s", request.method, request.url.path)
