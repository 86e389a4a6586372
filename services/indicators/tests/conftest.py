"""Fixtures of the indicators suite: a migrated database of its own, the app in-process, a clean slate per test."""

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from halfsky_common.db import make_engine
from halfsky_common.migrations import upgrade_async
from halfsky_common.testing import fresh_database, running, shared_key_pair, truncate_all
from halfsky_indicators.config import Settings
from halfsky_indicators.main import create_app
from halfsky_indicators.models import Base

SERVICE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))  # for indicators_factories (uniquely named: one pytest run covers all)


@pytest.fixture(scope="session")
async def db_url() -> str:
    url = await fresh_database("indicators")
    engine = make_engine(url)
    await upgrade_async(SERVICE_DIR, engine)
    await engine.dispose()
    return url


@pytest.fixture(scope="session")
def app(db_url: str) -> FastAPI:
    return create_app(Settings(database_url=db_url, jwt_public_key=shared_key_pair()[1]))


@pytest.fixture(scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as c:
        yield c


@pytest.fixture(autouse=True)
async def clean_tables(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[None]:
    yield
    await truncate_all(app.state.engine, Base.metadata)
