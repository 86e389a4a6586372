"""The gateway app: its own routes under /api, the proxy for the services, the SPA at /."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy import text

from halfsky_common import background
from halfsky_common.app import PROBLEM_RESPONSES
from halfsky_common.db import make_engine, make_sessionmaker
from halfsky_common.keys import public_pem_of
from halfsky_common.nulguard import NulGuardMiddleware
from halfsky_common.observability import configure_logging, instrument, instrumentator, telemetry_config
from halfsky_common.problems import install_problem_handlers, problem_response
from halfsky_common.requestid import RequestIdMiddleware, SecurityHeadersMiddleware
from halfsky_common.revocation import RevocationAwareVerifier, Revocations
from halfsky_gateway.auth import passwords, revocation
from halfsky_gateway.auth.routes import router as auth_router
from halfsky_gateway.bodylimit import BodyLimitMiddleware
from halfsky_gateway.clients.routes import router as clients_router
from halfsky_gateway.config import Settings
from halfsky_gateway.orgunits import propagation
from halfsky_gateway.orgunits.routes import router as orgunits_router
from halfsky_gateway.proxy import ProxyMiddleware, Upstream
from halfsky_gateway.spa import CSP, SPAFiles
from halfsky_gateway.users.routes import router as users_router


def verification_keys(settings: Settings) -> str:
    """The PEM bundle the gateway verifies with and publishes: its signing key's public half first, then every key in
    GATEWAY_JWT_PUBLIC_KEY[_FILE] (during a rotation the other key of the two; see deploy/README.md, Keys)."""
    given = settings.public_key_pem() if settings.jwt_public_key or settings.jwt_public_key_file else ""
    return public_pem_of(settings.private_key_pem()) + given


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    public_pem = verification_keys(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(
            settings.database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
        )
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        app.state.upstream = Upstream(
            connect_timeout=settings.proxy_connect_timeout,
            read_timeout=settings.proxy_read_timeout,
            max_connections=settings.proxy_max_connections,
            keepalive_seconds=settings.proxy_keepalive_seconds,
        )
        app.state.http = app.state.upstream.client
        reloader = await revocation.start(revocations, engine, settings)
        app.state.background = set()  # tasks started by requests (a move's delivery), kept until they end
        mover = propagation.start(app.state.sessionmaker, app.state.http, settings)
        try:
            yield
        finally:
            await background.stop(mover)
            await background.stop(reloader)
            await app.state.upstream.aclose()
            await engine.dispose()

    app = FastAPI(
        title="HalfSky gateway",
        version="0.1.0",
        description="Sign-in, users, org units and partner clients; `/api/cases`, `/api/projects` and "
        "`/api/indicators` are forwarded to their services (see each service's own OpenAPI).",
        lifespan=lifespan,
        responses=PROBLEM_RESPONSES,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        telemetry=telemetry_config("gateway"),
    )
    app.state.settings = settings
    passwords.configure(threads=settings.argon2_threads, max_waiting=settings.argon2_max_waiting)
    revocations = app.state.revocations = Revocations()
    app.state.verifier = RevocationAwareVerifier(
        public_key_pem=public_pem, issuer=settings.jwt_issuer, audience=settings.jwt_audience, revocations=revocations
    )
    install_problem_handlers(app)
    configure_logging("gateway")

    api = APIRouter(prefix="/api")
    for router in (auth_router, revocation.router, users_router, orgunits_router, clients_router):
        api.include_router(router)
    app.include_router(api)

    published = {"keys": [key.jwk() for key in app.state.verifier.keys]}  # the signing key first

    @app.get("/.well-known/jwks.json", tags=["auth"], summary="The public keys tokens are verified with")
    async def jwks() -> dict[str, Any]:
        return published

    @app.get("/health", tags=["ops"])
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": "gateway"}

    @app.get("/ready", tags=["ops"], response_model=None)
    async def ready(request: Request) -> dict[str, Any] | JSONResponse:
        try:
            async with request.app.state.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            return problem_response(503, f"Database not reachable: {type(exc).__name__}")
        services = {}
        for name, url in settings.service_urls().items():
            try:
                r = await request.app.state.http.get(f"{url}/health", timeout=2.0)
                services[name] = "ok" if r.status_code == 200 else f"http {r.status_code}"
            except Exception as exc:
                services[name] = type(exc).__name__
        return {"status": "ready", "service": "gateway", "services": services}

    metrics = instrumentator()
    metrics.expose(app, endpoint="/metrics", include_in_schema=False)  # before the SPA's catch-all mount
    if settings.spa_dir is not None and (settings.spa_dir / "index.html").exists():
        app.mount("/", SPAFiles(directory=settings.spa_dir, html=True), name="spa")

    # Added innermost first: the NUL guard and the body limit for the gateway's own routes, then the proxy (which
    # guards forwarded bodies itself) right before them; metrics see proxied calls too; request ids wrap everything.
    app.add_middleware(NulGuardMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(ProxyMiddleware, services=settings.service_urls(), max_body_bytes=settings.max_body_bytes)
    instrument(app, metrics, prefixes=[f"/api/{name}" for name in settings.service_urls()])  # outside the proxy
    if settings.cors_origins:  # none in production (the SPA is same-origin): then no CORS layer on every call
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=False,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["ETag", "X-Request-ID", "Retry-After", "Location"],
            max_age=600,
        )
    app.add_middleware(SecurityHeadersMiddleware, extra={"content-security-policy": CSP})
    app.add_middleware(RequestIdMiddleware)
    return app
