"""Autogenerate a migration for one component against a throwaway embedded PostgreSQL at the current head.

.venv/bin/python scripts/new_migration.py gateway "add rate counters"
"""

import asyncio
import sys
import tempfile
from pathlib import Path

from alembic import command

from halfsky_common.migrations import alembic_config, upgrade
from halfsky_common.pgserver import create_database, start_embedded

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    component, message = sys.argv[1], sys.argv[2]
    folder = ROOT / "gateway" if component == "gateway" else ROOT / "services" / component
    server, base = start_embedded(Path(tempfile.mkdtemp(prefix="halfsky-migration-")))
    try:
        url = asyncio.run(create_database(base, f"halfsky_{component}"))
        upgrade(folder, url)
        command.revision(alembic_config(folder, url), message=message, autogenerate=True)
    finally:
        server.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
