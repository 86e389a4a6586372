"""Cross-service tests: they start the real processes (embedded PostgreSQL unless DATABASE_URL is set)."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from halfsky_gateway.stack import Stack, free_port


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole system on free ports, as `make run` starts it, with the demo data."""
    data_dir: Path = tmp_path_factory.mktemp("stack")
    s = Stack(
        data_dir=data_dir,
        ports={name: free_port() for name in ("gateway", "cases", "projects", "indicators")},
        log_to_files=True,
        demo=True,
        db_prefix=f"e2e_{uuid.uuid4().hex[:6]}_" if os.environ.get("DATABASE_URL") else "",
    )
    try:
        s.start()
        yield s
    finally:
        s.stop()
