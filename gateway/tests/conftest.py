"""Fixtures of the gateway suite: a migrated database, the app in-process, a small region tree, users."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from halfsky_common.db import make_engine, make_sessionmaker
from halfsky_common.migrations import upgrade_async
from halfsky_common.testing import fresh_database, running, shared_key_pair, truncate_all
from halfsky_gateway.config import Settings
from halfsky_gateway.main import create_app
from halfsky_gateway.models import Base
from halfsky_gateway.orgunits import service as orgunits
from halfsky_gateway.orgunits.models import OrgUnit
from halfsky_gateway.stack import free_port
from halfsky_gateway.users import service as users

GATEWAY_DIR = Path(__file__).resolve().parents[1]
PASSWORD = "Correct-horse-42"


@pytest.fixture(scope="session")
async def db_url() -> str:
    url = await fresh_database("gateway")
    engine = make_engine(url)
    await upgrade_async(GATEWAY_DIR, engine)
    await engine.dispose()
    return url


def settings_for(db_url: str, **overrides: object) -> Settings:
    private, public = shared_key_pair()
    values: dict[str, object] = {
        "database_url": db_url,
        "jwt_private_key": private,
        "jwt_public_key": public,
        # Nothing listens on port 9: the services are "down" unless a test points them elsewhere.
        "cases_url": "http://127.0.0.1:9",
        "projects_url": "http://127.0.0.1:9",
        "indicators_url": "http://127.0.0.1:9",
        **overrides,
    }
    return Settings.model_validate(values)


@pytest.fixture(scope="session")
def settings_factory(db_url: str) -> Callable[..., Settings]:
    """Gateway settings on the test database; keyword arguments override fields."""
    return lambda **overrides: settings_for(db_url, **overrides)


@pytest.fixture(scope="session")
def app(db_url: str) -> FastAPI:
    return create_app(settings_for(db_url))


@pytest.fixture(scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as c:
        yield c


@pytest.fixture(autouse=True)
async def clean_tables(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[None]:
    yield
    await truncate_all(app.state.engine, Base.metadata)


@dataclass
class Tree:
    province: OrgUnit  # 广东省 44
    city: OrgUnit  # 广州市 4401
    tianhe: OrgUnit  # 天河区 440106
    liwan: OrgUnit  # 荔湾区 440103
    street: OrgUnit  # 五山街道 440106001


@pytest.fixture
async def tree(app: FastAPI) -> Tree:
    async with make_sessionmaker(app.state.engine)() as session:
        gd = await orgunits.create_unit(session, code="44", name="广东省", level=None, parent_id=None)
        gz = await orgunits.create_unit(session, code="4401", name="广州市", level=None, parent_id=gd.id)
        th = await orgunits.create_unit(session, code="440106", name="天河区", level=None, parent_id=gz.id)
        lw = await orgunits.create_unit(session, code="440103", name="荔湾区", level=None, parent_id=gz.id)
        ws = await orgunits.create_unit(session, code="440106001", name="五山街道", level=None, parent_id=th.id)
        await session.commit()
    return Tree(gd, gz, th, lw, ws)


MakeUser = Callable[..., Awaitable[str]]
Login = Callable[..., Awaitable[dict[str, str]]]


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def make_user(app: FastAPI) -> MakeUser:
    """Create a user with PASSWORD in `unit`; return the username."""

    async def make(*, unit: OrgUnit, roles: list[str], username: str | None = None) -> str:
        name = username or f"u{uuid.uuid4().hex[:8]}"
        async with make_sessionmaker(app.state.engine)() as session:
            await users.create_user(
                session,
                username=name,
                name="测试",
                password=PASSWORD,
                roles=roles,
                org_unit=unit,
                min_length=10,
                min_score=3,
            )
            await session.commit()
        return name

    return make


@pytest.fixture
def login(client: httpx.AsyncClient) -> Login:
    """Sign in and return the token pair; the headers for it are `bearer(pair)`."""

    async def sign_in(username: str, password: str = PASSWORD) -> dict[str, str]:
        r = await client.post("/api/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        pair: dict[str, str] = r.json()
        pair["bearer"] = f"Bearer {pair['access_token']}"
        return pair

    return sign_in


@asynccontextmanager
async def _serve(app: Any) -> AsyncIterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture(scope="session")
def serve() -> Callable[[Any], AbstractAsyncContextManager[str]]:
    """`async with serve(asgi_app) as url`: the app on loopback behind uvicorn, so the proxy's transport runs for
    real (lifespan off: an app that needs one is wrapped in `running` first or needs none)."""
    return _serve


async def _refused_within(
    http: httpx.AsyncClient, method: str, path: str, headers: dict[str, str], seconds: float, **kwargs: Any
) -> httpx.Response:
    """Call until the answer is a 401 or `seconds` have passed; the last answer (a change another replica makes
    reaches this one at its next reload: there is no event to await)."""
    deadline = time.monotonic() + seconds
    r = await http.request(method, path, headers=headers, **kwargs)
    while r.status_code != 401 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        r = await http.request(method, path, headers=headers, **kwargs)
    return r


@pytest.fixture(scope="session")
def refused_within() -> Callable[..., Awaitable[httpx.Response]]:
    """`await refused_within(http, method, path, headers, seconds, json=…)`: the answer once it is a 401."""
    return _refused_within
