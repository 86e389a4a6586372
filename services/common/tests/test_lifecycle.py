"""How a service starts and stops: its own lifespan passed to the factory, inside the common one; and the runtime
library free of the development-only helpers (embedded PostgreSQL, test helpers)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import text

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
