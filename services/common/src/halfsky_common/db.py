"""The async engine and the per-request session."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

# Each component's database on a shared server (make run, the tests, the audit-chain check across a server).
DATABASES = {
    "gateway": "halfsky_gateway",
    "cases": "halfsky_cases",
    "projects": "halfsky_projects",
    "indicators": "halfsky_indicators",
}

# asyncpg prepares every statement. After five runs PostgreSQL may switch a prepared statement to a generic plan,
# which cannot turn `org_path LIKE $1 || '%'` into an index range: once a province-wide caller has run a list, the
# same statement scans the whole table for a county's caller too. Planning each run keeps the prefix on its index.
SERVER_SETTINGS = {"plan_cache_mode": "force_custom_plan"}


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> AsyncEngine:
    """An asyncpg engine that checks connections before use, so a restarted database heals the pool."""
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"server_settings": SERVER_SETTINGS},
    )


def database_url(base_url: str, database: str) -> str:
    """The same server, another database."""
    url = make_url(base_url).set(database=database)
    return url.render_as_string(hide_password=False)


def async_url(url: str) -> str:
    """Accept plain postgresql:// URLs and point them at asyncpg."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError(f"not a PostgreSQL URL: {url.split('://')[0]}://…")


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; the route commits its unit of work once, anything else rolls back."""
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with maker() as session:
        yield session


Session = Annotated[AsyncSession, Depends(get_session)]
