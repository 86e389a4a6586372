"""Alembic plumbing shared by every service's `migrations/env.py`, and a programmatic upgrade."""

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from halfsky_common.db import async_url
from halfsky_common.settings import ServiceSettings


def alembic_config(service_dir: Path, url: str) -> Config:
    """The Alembic config of a service folder (holding alembic.ini and migrations/), aimed at `url`."""
    cfg = Config(str(service_dir / "alembic.ini"))
    cfg.set_main_option("script_location", str(service_dir / "migrations"))
    cfg.set_main_option("sqlalchemy.url", async_url(url).replace("%", "%%"))
    return cfg


def _configure_and_run(connection: Connection, metadata: MetaData) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_env(metadata: MetaData, settings: ServiceSettings) -> None:
    """Body of a service's env.py: online migrations over asyncpg, or over a connection handed in.

    The URL comes from the Alembic config when set (programmatic use), else from the service's settings.
    """
    config = context.config
    if not config.get_main_option("sqlalchemy.url"):
        config.set_main_option("sqlalchemy.url", async_url(settings.database_url).replace("%", "%%"))
    given = config.attributes.get("connection")
    if given is not None:
        _configure_and_run(given, metadata)
        return
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    async def online() -> None:
        engine = create_async_engine(str(config.get_main_option("sqlalchemy.url")), poolclass=pool.NullPool)
        async with engine.connect() as conn:
            await conn.run_sync(_configure_and_run, metadata)
            await conn.commit()
        await engine.dispose()

    asyncio.run(online())


def upgrade(service_dir: Path, url: str, revision: str = "head") -> None:
    """Apply migrations synchronously (from a script, not inside a running event loop)."""
    command.upgrade(alembic_config(service_dir, url), revision)


async def upgrade_async(service_dir: Path, engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations on an existing async engine (for tests running inside an event loop)."""
    cfg = alembic_config(service_dir, str(engine.url.render_as_string(hide_password=False)))

    def run(conn: Connection) -> None:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)
