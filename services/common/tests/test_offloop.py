"""Work off the event loop (halfsky_common.offloop) behind a real uvicorn: it stops when the client goes away, and
answers as usual when the client stays."""

import asyncio
import threading
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request

from halfsky_common.offloop import abandonable
from halfsky_common.problems import install_problem_handlers
from halfsky_common.tabular import Abandoned, Stop
from halfsky_common.testing import free_port

started = threading.Event()
stopped = threading.Event()


def busy(stop: Stop, seconds: float) -> str:
    """Rows that take a while: `stop` checked between them, as the readers do."""
    started.set()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            stop.check()
            time.sleep(0.005)  # one "row"
    except Abandoned:
        stopped.set()
        raise
    return "done"


def make_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/work")
    async def work_route(request: Request, seconds: float) -> dict[str, str]:
        await request.body()
        async with abandonable(request, workers=1) as work:
            return {"result": await work.run(busy, work.stop, seconds)}

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, int]]:
    port = free_port()
    served = uvicorn.Server(uvicorn.Config(make_app(), host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(served.serve())
    while not served.started:
        await asyncio.sleep(0.02)
    try:
        yield "127.0.0.1", port
    finally:
        served.should_exit = True
        await task


async def test_work_stops_when_the_client_disconnects(server: tuple[str, int]) -> None:
    started.clear()
    stopped.clear()
    host, port = server
    _, writer = await asyncio.open_connection(host, port)
    writer.write(b"POST /work?seconds=30 HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}")
    await writer.drain()
    assert await asyncio.to_thread(started.wait, 10)
    writer.close()  # the client gives up
    await writer.wait_closed()
    assert await asyncio.to_thread(stopped.wait, 10)  # within a row of it, not after the 30 s of work
    async with httpx.AsyncClient(base_url=f"http://{host}:{port}") as client:
        assert (await client.get("/health")).status_code == 200


async def test_work_the_client_waits_for_is_answered(server: tuple[str, int]) -> None:
    stopped.clear()
    host, port = server
    async with httpx.AsyncClient(base_url=f"http://{host}:{port}") as client:
        r = await client.post("/work", params={"seconds": 0.05}, content=b"{}")
        assert r.json() == {"result": "done"}
        # the one worker thread is shared: two at once both finish, one after the other
        both = await asyncio.gather(*(client.post("/work", params={"seconds": 0.05}) for _ in range(2)))
        assert [b.json() for b in both] == [{"result": "done"}] * 2
    assert not stopped.is_set()
