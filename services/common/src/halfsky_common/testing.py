"""Test helpers shared by every service's suite: a real PostgreSQL, a key pair, tokens, a client on the app."""

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine

from halfsky_common.keys import generate_key_pair, sign_access_token
from halfsky_common.pgserver import create_database, start_embedded

_server: Any = None


def test_server_url() -> str:
    """DATABASE_URL when set, else one embedded server per test process (started on first use)."""
    global _server
    external = os.environ.get("DATABASE_URL")
    if external:
        return external
    if _server is None:
        data_dir = Path(tempfile.mkdtemp(prefix="halfsky-test-pg-"))
        _server, _ = start_embedded(data_dir)
    return str(_server.get_uri())


async def fresh_database(prefix: str) -> str:
    """A new, empty database for one test session; its URL."""
    name = f"test_{prefix}_{uuid.uuid4().hex[:8]}"
    return await create_database(test_server_url(), name, drop_first=True)


_keys: tuple[str, str] | None = None


def test_key_pair() -> tuple[str, str]:
    """One RSA pair per test process (private PEM, public PEM)."""
    global _keys
    if _keys is None:
        _keys = generate_key_pair()
    return _keys


def make_token(
    *,
    roles: list[str] | tuple[str, ...] = ("admin",),
    org_path: str = "/44/",
    org: str = "44",
    sub: str | None = None,
    name: str = "测试用户",
    typ: str = "user",
    scope: str = "",
    ttl: timedelta = timedelta(minutes=15),
    private_key_pem: str | None = None,
    **claims: Any,
) -> str:
    """A token signed with the test key, as the gateway would issue it."""
    return sign_access_token(
        private_key_pem=private_key_pem or test_key_pair()[0],
        subject=sub or str(uuid.uuid4()),
        ttl=ttl,
        name=name,
        roles=list(roles),
        org=org,
        org_path=org_path,
        typ=typ,
        scope=scope,
        **claims,
    )


def auth(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan and give an HTTP client talking to it in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


async def truncate_all(engine: AsyncEngine, metadata: MetaData, *, keep: tuple[str, ...] = ()) -> None:
    """Empty every table of `metadata` (fast isolation between tests)."""
    names = [f'"{t.name}"' for t in metadata.sorted_tables if t.name not in keep]
    if names:
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
