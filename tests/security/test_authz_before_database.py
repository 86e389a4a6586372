"""Authorisation comes before the database: with a service's database unreachable, every caller the matrix refuses
(401/403) is still refused, not answered 503.

A 503 there means something ran before the check that should not (a query, a lock, a connection from the pool) and
failed first, or that another caller's failure broke this caller's request (a connection closed under it). Real
stack, real gateway: the one service is restarted with a database URL nothing listens on, then restarted as it was.
"""

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from authz_probe import load_matrix, load_routes, request_for
from security_world import PERSONAS, SERVICES, World

from halfsky_gateway.stack import Stack

REFUSALS = (401, 403)


def closed_port() -> int:
    """A local port nothing listens on (bound and released: connecting to it is refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def database_unreachable(stack: Stack, service: str) -> Iterator[None]:
    key = f"{service.upper()}_DATABASE_URL"
    env = stack.extra_env.setdefault(service, {})
    env[key] = f"postgresql://postgres@127.0.0.1:{closed_port()}/nowhere"
    try:
        stack.restart_process(service)
        yield
    finally:
        del env[key]
        stack.restart_process(service)


@pytest.mark.parametrize("service", SERVICES)
async def test_refused_callers_are_refused_while_the_database_is_down(
    secstack: Stack, world: World, service: str
) -> None:
    if not secstack.processes:
        pytest.skip("a stack started by hand (HALFSKY_SECURITY_STACK) is not ours to restart")
    matrix = load_matrix()[service]
    routes = [r for r in load_routes(world) if r.component == service and r.key in matrix]
    # The allowed callers too, interleaved as in the matrix test: their requests fail on the database (503), and
    # those failures must not spill over onto the refused callers' requests.
    probes = [(r, p) for r in routes for p in PERSONAS]
    seen: dict[tuple[str, str], int | str] = {}
    limit = asyncio.Semaphore(8)

    async def one(
        client: httpx.AsyncClient, route_key: str, persona: str, request: tuple[str, str, dict[str, Any]]
    ) -> None:
        method, url, kwargs = request
        async with limit:
            try:
                r = await client.request(method, url, headers=world.callers[persona].headers, **kwargs)
                seen[(route_key, persona)] = r.status_code
            except httpx.TransportError as exc:  # a streamed answer the database cut off: only allowed callers
                seen[(route_key, persona)] = type(exc).__name__

    with database_unreachable(secstack, service):
        async with httpx.AsyncClient(timeout=30) as client:
            await asyncio.gather(*(one(client, r.key, p, request_for(world, r)) for r, p in probes))
    wrong = [
        f"  {r.key:<60} {p:<17} expected {want}, got {seen[(r.key, p)]}"
        for r, p in probes
        if (want := matrix[r.key][p]) in REFUSALS and seen[(r.key, p)] != want
    ]
    assert not wrong, f"{len(wrong)} refusals of {service} depend on its database:\n" + "\n".join(wrong)
