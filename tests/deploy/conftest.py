"""Fixtures of the deployment tests (helpers in deploy_system.py, uniquely named: one pytest run covers all)."""

import asyncio
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy"))  # check.py

from deploy_system import System

from halfsky_common.migrations import upgrade
from halfsky_common.pgserver import DATABASES, create_database
from halfsky_common.testing import server_url
from halfsky_gateway.stack import component_dir


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """Fresh, migrated databases under a prefix of their own (so a shared DATABASE_URL server is safe too)."""
    server = server_url()
    prefix = f"bk{uuid.uuid4().hex[:6]}_"

    async def create() -> dict[str, str]:
        return {name: await create_database(server, prefix + db) for name, db in DATABASES.items()}

    urls = asyncio.run(create())
    for name, url in urls.items():
        upgrade(component_dir(name), url)
    s = System(server=server, prefix=prefix, urls=urls, data_dir=tmp_path_factory.mktemp("cases-data"))
    try:
        yield s
    finally:
        s.drop_databases()
