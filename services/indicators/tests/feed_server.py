"""A tiny real HTTP server playing the gateway for the stats feeds: it issues client-credentials tokens (RS256,
signed with the test key like the gateway's), checks them on every feed request (scope stats:read) and serves the
contract's feed shape, scoped to the token's region like the real services."""

import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any

import uvicorn
from fastapi import FastAPI, Form, Header, HTTPException

from halfsky_common.auth import TokenVerifier
from halfsky_common.settings import AUDIENCE, ISSUER
from halfsky_common.testing import make_token, shared_key_pair

CLIENT_ID = "indicators-service"
CLIENT_SECRET = "s3cret-for-tests"


@dataclass
class FeedServer:
    """Rows per (source, period); counters of what was asked."""

    rows: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    tokens_issued: int = 0
    feed_requests: int = 0
    broken: bool = False
    url: str = ""

    def app(self) -> FastAPI:
        app = FastAPI()
        verifier = TokenVerifier(public_key_pem=shared_key_pair()[1], issuer=ISSUER, audience=AUDIENCE)

        @app.post("/api/auth/token")
        async def token(
            grant_type: Annotated[str, Form()], client_id: Annotated[str, Form()], client_secret: Annotated[str, Form()]
        ) -> dict[str, Any]:
            if grant_type != "client_credentials" or (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
                raise HTTPException(401, "invalid_client")
            self.tokens_issued += 1
            access = make_token(
                roles=["partner"],
                org_path="/44/",
                org="44",
                typ="client",
                scope="stats:read",
                sub=f"client:{client_id}",
                ttl=timedelta(minutes=15),
            )
            return {"access_token": access, "expires_in": 900, "scope": "stats:read"}

        @app.get("/api/{source}/stats/feed")
        async def feed(source: str, period: str, authorization: Annotated[str, Header()] = "") -> Any:
            principal = verifier.verify(authorization.removeprefix("Bearer "))
            if "stats:read" not in principal.scopes:
                raise HTTPException(403, "scope")
            self.feed_requests += 1
            if self.broken:
                return {"period": period, "rows": "not a list"}
            rows = [r for r in self.rows.get((source, period), []) if r["org_path"].startswith(principal.org_path)]
            return {"period": period, "source": source, "generated_at": "2026-10-01T02:00:00Z", "rows": rows}

        return app

    def __enter__(self) -> "FeedServer":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(self.app(), host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("feed server did not start")
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
