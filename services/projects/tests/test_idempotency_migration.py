"""The idempotency records kept before the shared columns (halfsky_common.idempotency) stay replayable (issue 13).

The migration renames actor_id/path/body to caller_id/endpoint/response, keys the table by (caller_id, key), stores
the ETag the replay used to derive from the body's version, and turns the unanswered marker (status 0) into NULL.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from halfsky_common.db import make_engine
from halfsky_common.migrations import alembic_config, upgrade_async
from halfsky_common.testing import fresh_database

SERVICE_DIR = Path(__file__).resolve().parents[1]
BEFORE = "7f3a9c1d2e4b"  # the last revision before the shared idempotency columns


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    engine = make_engine(await fresh_database("projects_idempotency"))
    yield engine
    await engine.dispose()


async def test_old_records_keep_their_response_and_get_the_shared_columns(engine: AsyncEngine) -> None:
    await upgrade_async(SERVICE_DIR, engine, BEFORE)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                """
                INSERT INTO idempotency_record (actor_id, key, request_hash, status_code, body, created_at, path)
                VALUES ('u1', 'answered', 'h1', 201, '{"id": "p1", "version": 3}', now(), '/projects'),
                       ('u1', 'unanswered', 'h2', 0, '{}', now(), '/projects/p1/plans')
                """
            )
        )
    await upgrade_async(SERVICE_DIR, engine)
    async with engine.connect() as conn:
        rows = {
            row.key: row
            for row in await conn.execute(
                text(
                    "SELECT caller_id, key, endpoint, request_hash, status_code, response, headers"
                    " FROM idempotency_record"
                )
            )
        }
        primary_key = (
            await conn.execute(
                text(
                    "SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_index i JOIN pg_attribute a"
                    " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                    " WHERE i.indrelid = 'idempotency_record'::regclass AND i.indisprimary"
                )
            )
        ).scalar_one()
    answered, unanswered = rows["answered"], rows["unanswered"]
    assert (answered.caller_id, answered.endpoint, answered.request_hash) == ("u1", "POST /projects", "h1")
    assert (answered.status_code, answered.response, answered.headers) == (
        201,
        {"id": "p1", "version": 3},
        {"ETag": 'W/"3"'},
    )
    assert (unanswered.endpoint, unanswered.status_code, unanswered.response, unanswered.headers) == (
        "POST /projects/p1/plans",
        None,
        None,
        None,
    )
    assert primary_key == ["caller_id", "key"]


async def test_the_migration_goes_back(engine: AsyncEngine) -> None:
    await upgrade_async(SERVICE_DIR, engine)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO idempotency_record (caller_id, key, endpoint, request_hash, created_at)"
                " VALUES ('u1', 'k', 'POST /projects', 'h', now())"
            )
        )
    cfg = alembic_config(SERVICE_DIR, engine.url.render_as_string(hide_password=False))

    def downgrade(conn: Connection) -> None:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, BEFORE)

    async with engine.begin() as conn:
        await conn.run_sync(downgrade)
        row = (await conn.execute(text("SELECT id, actor_id, path, status_code, body FROM idempotency_record"))).one()
    assert (row.actor_id, row.path, row.status_code, row.body) == ("u1", "/projects", 0, {})
