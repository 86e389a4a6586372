"""Append-only, tamper-evident audit tables: triggers chain each row to the one before it by SHA-256.

A migration calls `op.execute(sql)` for each of `install_sql(table)`: a BEFORE INSERT trigger numbers the row
(`chain_seq`, under a transaction-scoped advisory lock, so concurrent writers queue for the next number) and sets
`row_hash = sha256(prev_hash || canonical row text)`; BEFORE UPDATE/DELETE triggers refuse every change. The check
recomputes the chain in SQL and names the first broken link:

    python -m halfsky_common.auditchain <database url> [<database url> …]
    python -m halfsky_common.auditchain --server <server url>     # every HalfSky database on that server

What it cannot see: a superuser who rewrites the whole chain from some row on, or empties the table (TRUNCATE).
Keep the printed head (`seq` and `hash`) somewhere else and compare it with `--expect DB.TABLE=SEQ:HASH`; run the
services under a role that may only INSERT and SELECT the audit tables.
"""

import argparse
import asyncio
import re
import sys
from dataclasses import dataclass, replace

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from halfsky_common.db import DATABASES, async_url, database_url

GENESIS = "0" * 64
CHAIN_COLUMNS = ("chain_seq", "prev_hash", "row_hash")


def canonical_text(row: str) -> str:
    """SQL for a row's canonical text: its JSON without the chain columns or nulls (a new nullable column
    leaves old hashes valid). Timestamps render in the session's time zone, so callers pin it to UTC."""
    return f"jsonb_strip_nulls(to_jsonb({row}) - 'chain_seq' - 'prev_hash' - 'row_hash')::text"


def hash_sql(prev: str, row: str) -> str:
    """SQL for the hash of a row chained to `prev`."""
    return f"encode(sha256(convert_to(coalesce({prev}, '') || {canonical_text(row)}, 'UTF8')), 'hex')"


def _identifier(table: str) -> str:
    """Table names go into SQL text: plain lower-case identifiers only."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", table):
        raise ValueError(f"not a plain table name: {table!r}")
    return table


def install_sql(table: str) -> list[str]:
    """Statements that chain the existing rows of `table` (in id order) and install its triggers."""
    table = _identifier(table)
    return [
        f"""
        DO $$
        DECLARE r record; prev text := '{GENESIS}'; seq bigint := 0; h text;
        BEGIN
          PERFORM set_config('timezone', 'UTC', true);
          FOR r IN SELECT * FROM {table} ORDER BY id LOOP
            seq := seq + 1;
            h := {hash_sql("prev", "r")};
            UPDATE {table} SET chain_seq = seq, prev_hash = prev, row_hash = h WHERE id = r.id;
            prev := h;
          END LOOP;
        END $$
        """,  # noqa: S608 (a checked identifier)
        f"""
        CREATE FUNCTION {table}_chain() RETURNS trigger LANGUAGE plpgsql SET timezone = 'UTC' AS $$
        DECLARE last_seq bigint; last_hash text;
        BEGIN
          PERFORM pg_advisory_xact_lock(hashtextextended('halfsky.auditchain.{table}', 0));
          SELECT chain_seq, row_hash INTO last_seq, last_hash FROM {table}
            WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1;
          NEW.chain_seq := coalesce(last_seq, 0) + 1;
          NEW.prev_hash := coalesce(last_hash, '{GENESIS}');
          NEW.row_hash := {hash_sql("NEW.prev_hash", "NEW")};
          RETURN NEW;
        END $$
        """,  # noqa: S608 (a checked identifier)
        f"CREATE TRIGGER {table}_chain BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_chain()",
        f"""
        CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '{table} is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END $$
        """,
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
    ]


def uninstall_sql(table: str) -> list[str]:
    """The downgrade of `install_sql` (the chain columns are the migration's to drop)."""
    table = _identifier(table)
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"DROP FUNCTION IF EXISTS {table}_append_only()",
        f"DROP TRIGGER IF EXISTS {table}_chain ON {table}",
        f"DROP FUNCTION IF EXISTS {table}_chain()",
    ]


def _check_sql(table: str) -> str:
    table = _identifier(table)
    return f"""
    WITH c AS (
      SELECT id::text AS id, chain_seq, prev_hash, row_hash,
             row_number() OVER w AS n,
             lag(row_hash) OVER w AS expected_prev,
             {hash_sql("t.prev_hash", "t")} AS recomputed
      FROM {table} t
      WINDOW w AS (ORDER BY chain_seq NULLS FIRST, id)
    ), verdict AS (
      SELECT n, id, chain_seq, CASE
        WHEN chain_seq IS NULL THEN 'the row is not chained (written while the trigger was off)'
        WHEN chain_seq <> n THEN 'chain_seq skips: a row before this one was removed'
        WHEN prev_hash IS DISTINCT FROM coalesce(expected_prev, '{GENESIS}')
          THEN 'prev_hash does not match the previous row (a row was removed or rewritten)'
        WHEN row_hash IS DISTINCT FROM recomputed THEN 'the row was changed after it was written'
      END AS problem
      FROM c
    )
    SELECT n, id, chain_seq, problem FROM verdict WHERE problem IS NOT NULL ORDER BY n LIMIT 1
    """  # noqa: S608 (table names come from the database's own catalogue)


@dataclass(frozen=True)
class ChainReport:
    """The verdict on one table."""

    table: str
    rows: int
    head_seq: int | None
    head_hash: str | None
    broken_at: int | None = None  # chain_seq (or position) of the first bad row
    broken_id: str | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def line(self) -> str:
        if self.ok:
            return f"{self.table}: {self.rows} rows, chain intact; head seq {self.head_seq} hash {self.head_hash}"
        return f"{self.table}: BROKEN at row {self.broken_at} (id {self.broken_id}): {self.problem}"


async def chained_tables(url: str) -> list[str]:
    """Tables of the database's current schema that carry the chain columns."""
    engine = create_async_engine(async_url(url))
    try:
        async with engine.connect() as conn:
            found = await conn.execute(
                text(
                    "SELECT table_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND column_name = 'row_hash' ORDER BY table_name"
                )
            )
            return [str(name) for name in found.scalars()]
    finally:
        await engine.dispose()


async def verify(
    url: str, tables: list[str] | None = None, expect: dict[str, tuple[int, str]] | None = None
) -> list[ChainReport]:
    """Recompute the chain of each table (default: every chained one); `expect` pins a noted (seq, hash) per table."""
    tables = tables if tables is not None else await chained_tables(url)
    engine = create_async_engine(async_url(url))
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SET TIME ZONE 'UTC'"))
            return [await _verify_table(conn, table, (expect or {}).get(table)) for table in tables]
    finally:
        await engine.dispose()


async def _verify_table(conn: AsyncConnection, table: str, pin: tuple[int, str] | None) -> ChainReport:
    count, head_seq = (await conn.execute(text(f"SELECT count(*), max(chain_seq) FROM {table}"))).one()  # noqa: S608
    head_hash = await _hash_at(conn, table, head_seq)
    base = ChainReport(table=table, rows=int(count), head_seq=head_seq, head_hash=head_hash)
    bad = (await conn.execute(text(_check_sql(table)))).first()
    if bad is not None:
        return replace(base, broken_at=int(bad[0]), broken_id=str(bad[1]), problem=str(bad[3]))
    if pin is not None:
        found = await _hash_at(conn, table, pin[0])
        if found is None:
            return replace(base, broken_at=pin[0], problem="the noted row is gone (the table was emptied or cut short)")
        if found != pin[1]:
            return replace(base, broken_at=pin[0], problem="the noted row's hash changed (the chain was rewritten)")
    return base


async def _hash_at(conn: AsyncConnection, table: str, seq: int | None) -> str | None:
    if seq is None:
        return None
    found = await conn.execute(text(f"SELECT row_hash FROM {table} WHERE chain_seq = :s"), {"s": seq})  # noqa: S608
    return found.scalar()


def _expectations(values: list[str]) -> dict[str, tuple[int, str]]:
    out = {}
    for value in values:
        table, _, pin = value.partition("=")
        seq, _, row_hash = pin.partition(":")
        out[table] = (int(seq), row_hash)
    return out


async def _main(urls: list[str], expect: dict[str, tuple[int, str]]) -> int:
    broken = 0
    for url in urls:
        name = str(make_url(async_url(url)).database)
        pins = {key.split(".", 1)[1]: pin for key, pin in expect.items() if key.startswith(name + ".")}
        reports = await verify(url, expect=pins)
        if not reports:
            print(f"{name}: no hash-chained tables (not migrated yet?)")
        for report in reports:
            print(f"{name}.{report.line()}")
            broken += not report.ok
    return 1 if broken else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m halfsky_common.auditchain", description=__doc__.split("\n")[0])
    parser.add_argument("urls", nargs="*", help="database URLs to check")
    parser.add_argument("--server", help="check every HalfSky database on this server (a URL of any database)")
    parser.add_argument(
        "--expect", action="append", default=[], metavar="DB.TABLE=SEQ:HASH", help="a head noted earlier"
    )
    args = parser.parse_args(argv)
    urls = list(args.urls)
    if args.server:
        urls += [database_url(args.server, name) for name in DATABASES.values()]
    if not urls:
        parser.error("give database URLs or --server")
    return asyncio.run(_main(urls, _expectations(args.expect)))


if __name__ == "__main__":
    sys.exit(main())
