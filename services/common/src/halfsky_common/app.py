"""The app factory every service uses: lifespan (engine, verifier), health, readiness, errors, request ids.

A service's own start-up and shut-down (its background loops, extra clients) is a lifespan it passes to the factory
(`lifespan=`), entered inside the common one: the engine and verifier are ready when it starts and still open
while it ends. So each app is built once, whole, rather than having its lifespan replaced afterwards.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.types import ASGIApp, Receive, Scope, Send

from halfsky_common import background, revocation
from halfsky_common.db import make_engine, make_sessionmaker
from halfsky_common.nulguard import NulGuardMiddleware
from halfsky_common.observability import configure_logging, instrument, telemetry_config
from halfsky_common.problems import install_problem_handlers, problem_response
from halfsky_common.requestid import RequestIdMiddleware, SecurityHeadersMiddleware
from halfsky_common.settings import ServiceSettings

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": title, "content": {"application/problem+json": {}}}
    for code, title in {401: "Not authenticated", 403: "Forbidden", 422: "Validation failed"}.items()
}

log = logging.getLogger("halfsky.revocation")

# What a service starts and stops with its app (FastAPI's lifespan shape): entered after the common start-up.
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


async def follow_revocations(
    revocations: revocation.Revocations, settings: ServiceSettings
) -> tuple[httpx.AsyncClient | None, asyncio.Task[None] | None]:
    """Poll the gateway's list of revoked tokens (one try now, then in the background); off without a gateway URL."""
    if not settings.gateway_url:
        log.warning("no gateway URL set: tokens of disabled accounts and clients are accepted until they expire")
        return None, None
    http = httpx.AsyncClient()
    url = settings.gateway_url.rstrip("/") + revocation.PATH
    try:
        await revocations.follow(http, url)
    except Exception as exc:  # the gateway may start after the service; the background rounds try again
        log.warning("could not load the revocation list at start: %r", exc)
    every = settings.revocations_reload_seconds
    task = background.repeat(
        lambda: revocations.follow(http, url), every=every, first_delay=every, what="reload of the revocation list"
    )
    return http, task


def create_service_app(
    *,
    name: str,
    title: str,
    settings: ServiceSettings,
    routers: Sequence[APIRouter],
    version: str = "0.1.0",
    description: str = "",
    lifespan: Lifespan | None = None,
) -> FastAPI:
    """Build a service: all `routers` mount under `/{name}`; `/health` and `/ready` at the root; the service's own
    `lifespan` runs inside the common one (engine, session maker, verifier and settings already on `app.state`)."""

    @asynccontextmanager
    async def common_lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(
            settings.database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
        )
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        revocations = app.state.revocations = revocation.Revocations()
        app.state.verifier = revocation.RevocationAwareVerifier(
            public_key_pem=settings.public_key_pem(),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            revocations=revocations,
        )
        app.state.settings = settings
        http, follower = await follow_revocations(revocations, settings)
        try:
            if lifespan is None:
                yield
            else:
                async with lifespan(app):
                    yield
        finally:
            await background.stop(follower)
            if http is not None:
                await http.aclose()
            await engine.dispose()

    app = FastAPI(
        title=title,
        version=version,
        description=description,
        lifespan=common_lifespan,
        responses=PROBLEM_RESPONSES,
        telemetry=telemetry_config(name),
    )
    install_problem_handlers(app)
    configure_logging(name)
    instrument(app)
    app.add_middleware(NulGuardMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestIdMiddleware)

    @app.get("/health", tags=["ops"], summary="Liveness: the process answers")
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": name}

    @app.get("/ready", tags=["ops"], summary="Readiness: the database answers", response_model=None)
    async def ready(request: Request) -> dict[str, str] | JSONResponse:
        try:
            async with request.app.state.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # any failure means not ready
            return problem_response(503, f"Database not reachable: {type(exc).__name__}")
        return {"status": "ready", "service": name}

    for router in routers:
        app.include_router(router, prefix=f"/{name}")
    if settings.test_delay_seconds > 0:
        app.add_middleware(DelayMiddleware, seconds=settings.test_delay_seconds, prefix=f"/{name}")
    return app


class DelayMiddleware:
    """Test only (a slow-service fault): hold every call under `prefix` for a while before answering."""

    def __init__(self, app: ASGIApp, *, seconds: float, prefix: str) -> None:
        self.app, self.seconds, self.prefix = app, seconds, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            await asyncio.sleep(self.seconds)
        await self.app(scope, receive, send)
