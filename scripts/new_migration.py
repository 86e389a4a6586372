"""Autogenerate a migration for one component against a throwaway embedded PostgreSQL at the current head.

.venv/bin/python scripts/new_migration.py gateway "add rate counters"
"""

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

from alembic import command

from halfsky_common.migrations import alembic_config, upgrade
from halfsky_common.pgserver import create_database, start_embedded, stop_embedded

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    component, message = sys.argv[1], sys.argv[2]
    folder = ROOT / "gateway" if component == "gateway" else ROOT / "services" / component
    scratch = Path(tempfile.mkdtemp(prefix="halfsky-migration-"))
    server, base = start_embedded(scratch)
    try:
        url = asyncio.run(create_database(base, f"halfsky_{component}"))
        upgrade(folder, url)
        command.revision(alembic_config(folder, url), message=message, autogenerate=True)
    finally:
        stop_embedded(server)
        shutil.rmtree(scratch, ignore_errors=True)  # a throwaway database: nothing in it is kept
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
