"""Bulk loading into a service's database: COPY in batches, with secondary indexes dropped and rebuilt."""

import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

BATCH = 50_000


def words(text: str) -> list[str]:
    """Column names written as one string."""
    return text.split()


def dsn(url: str) -> str:
    """An asyncpg DSN from a service's SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def connect(url: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(dsn(url))
    await conn.execute("SET maintenance_work_mem = '512MB'; SET synchronous_commit = off")
    return conn


async def copy(conn: asyncpg.Connection, table: str, columns: Sequence[str], records: Iterable[tuple[Any, ...]]) -> int:
    """COPY records into `table` in batches; returns how many."""
    batch: list[tuple[Any, ...]] = []
    n = 0
    for record in records:
        batch.append(record)
        if len(batch) >= BATCH:
            await conn.copy_records_to_table(table, records=batch, columns=list(columns))
            n += len(batch)
            batch = []
    if batch:
        await conn.copy_records_to_table(table, records=batch, columns=list(columns))
        n += len(batch)
    return n


@asynccontextmanager
async def without_indexes(conn: asyncpg.Connection, tables: Sequence[str]) -> AsyncIterator[None]:
    """Drop the tables' unique constraints and secondary indexes (primary keys stay), then build them again from
    their own definitions, so the schema ends exactly as the migrations made it."""
    constraints: list[tuple[str, str, str]] = []
    indexes: list[str] = []
    for table in tables:
        for name, definition in await conn.fetch(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass "
            "AND contype = 'u'",
            table,
        ):
            constraints.append((table, name, definition))
        owned = {name for t, name, _ in constraints if t == table}
        for name, definition in await conn.fetch(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = $1::regclass AND NOT x.indisprimary",
            table,
        ):
            if name not in owned:
                indexes.append(definition)
                await conn.execute(f'DROP INDEX "{name}"')
        for _, name, _ in (c for c in constraints if c[0] == table):
            await conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    try:
        yield
    finally:
        start = time.perf_counter()
        for table, name, definition in constraints:
            await conn.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        for definition in indexes:
            await conn.execute(definition)
        print(f"    indexes of {', '.join(tables)} rebuilt in {time.perf_counter() - start:.0f} s", flush=True)
