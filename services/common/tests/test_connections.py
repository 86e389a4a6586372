"""What a service tells a pooling client (the gateway) about the connection, over real HTTP behind uvicorn."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import uvicorn
from fastapi import APIRouter, FastAPI

from halfsky_common.app import create_service_app
from halfsky_common.settings import ServiceSettings
from halfsky_common.testing import shared_key_pair

router = APIRouter()


@router.get("/bug")
async def bug() -> None:
    raise RuntimeError("a bug")


@router.get("/database-gone")
async def database_gone() -> None:
    raise ConnectionRefusedError(111, "Connection refused")  # what asyncpg raises when the server is down


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[int]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        await task


@pytest.fixture(scope="module")
async def port() -> AsyncIterator[int]:
    # No database behind it: the routes here never reach one.
    settings = ServiceSettings(database_url="postgresql://postgres@127.0.0.1:9/x", jwt_public_key=shared_key_pair()[1])
    async with served(create_service_app(name="t", title="t", settings=settings, routers=[router])) as p:
        yield p


async def exchange(port: int, path: str) -> tuple[int, dict[str, str], bool]:
    """One request on a fresh keep-alive connection: status, headers, and whether the server then closed it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in head[1:] if line)
        await reader.readexactly(int(headers["content-length"]))
        closed = await asyncio.wait_for(reader.read(1), timeout=10) == b""  # the server's FIN (it sends nothing else)
        return int(head[0].split()[1]), headers, closed
    finally:
        writer.close()


@pytest.mark.parametrize(("path", "status"), [("/t/bug", 500), ("/t/database-gone", 503)])
async def test_an_answer_after_which_the_server_closes_the_connection_says_so(
    port: int, path: str, status: int
) -> None:
    """uvicorn closes the connection after an error that reached Starlette's last handler: a client that pooled it
    would send its next request into a closed socket, so the answer must carry `Connection: close`."""
    got, headers, closed = await exchange(port, path)
    assert got == status and headers["content-type"] == "application/problem+json"
    assert closed
    assert headers.get("connection") == "close"
