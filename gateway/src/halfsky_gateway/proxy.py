"""The reverse proxy to the services: a plain ASGI middleware ahead of FastAPI's router (the hot path).

`/api/{service}/…` goes to `{service_url}/{service}/…` byte for byte: method, raw path and query, headers minus
hop-by-hop ones, streamed bodies both ways. A refused connection is 503, a timeout 504, a connection the service
closed without answering 502, each for that service's routes only.

Pooled connections are reused only while idle for less than `GATEWAY_PROXY_KEEPALIVE_SECONDS`, which must stay
well below the services' own keep-alive (uvicorn's `--timeout-keep-alive`, `SERVER_KEEPALIVE_SECONDS` in the stack
and the images): with both at uvicorn's 5 s, a request sent on a connection the service was closing that instant
(more likely on a busy machine: the headers wait for the caller's first body chunk) failed as if the service were
down, whatever the request was.
"""

import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from halfsky_common.auth import TokenVerifier
from halfsky_common.observability import otel_enabled
from halfsky_common.problems import Problem, problem_response
from halfsky_common.requestid import request_id_var

log = logging.getLogger("halfsky.proxy")

# RFC 9110 §7.6.1 hop-by-hop fields, plus Host (set for the upstream) — never forwarded.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"host",
    }
)
RESPONSE_DROP = HOP_BY_HOP | {b"x-request-id", b"date", b"server"}  # ours replace them
BODYLESS = frozenset({"GET", "HEAD", "OPTIONS"})


class BodyTooLarge(Exception):
    """A streamed request body passed the gateway's limit."""


class Upstream:
    """The pooled connections to the services (aiohttp, see DESIGN.md for the measurements) and their timeouts.

    The proxy sends on the aiohttp session itself, with httpx's exceptions (the 503/504 mapping is in terms of
    them): building an httpx request cost ~75 µs a call, and httpx's client would also merge in its default headers
    (an `Accept-Encoding` the caller never sent) and keep the services' cookies in one jar shared by every caller.
    `client` is an httpx client on the same pool for the gateway's own calls (readiness checks).
    """

    def __init__(
        self, *, connect_timeout: float, read_timeout: float, max_connections: int, keepalive_seconds: float
    ) -> None:
        self._max_connections = max_connections
        self._keepalive_seconds = keepalive_seconds
        self._session: aiohttp.ClientSession | None = None
        self._timeout = aiohttp.ClientTimeout(
            sock_connect=connect_timeout, sock_read=read_timeout, connect=connect_timeout
        )
        timeout = httpx.Timeout(read_timeout, connect=connect_timeout, pool=connect_timeout)
        self.client = httpx.AsyncClient(transport=AiohttpTransport(client=self.session), timeout=timeout)

    def session(self) -> aiohttp.ClientSession:
        """The one session, made on first use (inside the running event loop)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._max_connections, keepalive_timeout=self._keepalive_seconds),
                cookie_jar=aiohttp.DummyCookieJar(),  # one caller's cookies must never reach another's request
                skip_auto_headers=("User-Agent", "Accept-Encoding"),  # forward the caller's, add none
            )
        return self._session

    async def send(self, method: str, url: str, headers: list[tuple[bytes, bytes]], body: Any) -> "UpstreamResponse":
        """Send a request as it is (no added headers but Host), the response's body left to stream."""
        with transport_errors():
            response = await self.session().request(
                method,
                url,
                headers=[(k.decode("latin-1"), _text(v)) for k, v in headers],
                data=body,
                allow_redirects=False,
                auto_decompress=False,
                compress=False,
                timeout=self._timeout,
            )
        return UpstreamResponse(response)

    async def aclose(self) -> None:
        await self.client.aclose()
        if self._session is not None:
            await self._session.close()


@contextlib.contextmanager
def transport_errors() -> Iterator[None]:
    """aiohttp's errors as httpx's, by what happened (the 503/502/504 mapping is in terms of them).

    httpx-aiohttp's own mapping turns every `ClientConnectionError` into `ConnectTimeout`, so a service closing a
    connection under a request it may already have read looked like a service that could not be reached at all.
    """
    try:
        yield
    except aiohttp.ClientConnectorError as exc:  # refused, unresolvable: nothing was sent
        raise httpx.ConnectError(str(exc)) from exc
    except aiohttp.ConnectionTimeoutError as exc:  # no connection in time: nothing was sent
        raise httpx.ConnectTimeout(str(exc)) from exc
    except aiohttp.ServerTimeoutError as exc:  # sent, no answer in time
        raise httpx.ReadTimeout(str(exc)) from exc
    except aiohttp.ClientPayloadError as exc:  # the response's body broke off
        raise httpx.ReadError(str(exc)) from exc
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:  # closed or reset under the request
        raise httpx.RemoteProtocolError(str(exc)) from exc
    except aiohttp.ClientConnectionError as exc:
        raise httpx.TransportError(str(exc)) from exc


def _text(value: bytes) -> str:
    """A header value as aiohttp wants it (str, which it writes as UTF-8): UTF-8 bytes arrive unchanged."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


class UpstreamResponse:
    """A service's answer: status, raw headers, the body as it streams in (errors raised as httpx's)."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response
        self.status_code = response.status
        self.raw_headers = response.raw_headers

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        with transport_errors():
            async for chunk in self._response.content.iter_chunked(16 * 1024):
                yield chunk

    async def aclose(self) -> None:
        with transport_errors():
            self._response.release()


class ProxyMiddleware:
    """Forwards `/api/<service>/…` for the configured services; everything else goes on to the app."""

    def __init__(self, app: ASGIApp, *, services: dict[str, str], max_body_bytes: int) -> None:
        self.app = app
        self.services = {name: url.rstrip("/") for name, url in services.items()}
        self.max_body_bytes = max_body_bytes
        # Traces on: a client span around each call and its traceparent to the service. Off: the caller's
        # traceparent and tracestate travel on untouched, like any other header, and no OpenTelemetry is imported.
        self.tracing: ModuleType | None = None
        if otel_enabled():
            from halfsky_common import tracing

            self.tracing = tracing

    def _target(self, path: str) -> str | None:
        # "/api/cases" or "/api/cases/…" → "cases"
        if not path.startswith("/api/"):
            return None
        name = path[5:].split("/", 1)[0]
        return name if name in self.services else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        name = self._target(scope["path"])
        if name is None:
            await self.app(scope, receive, send)
            return
        try:
            await self._forward(scope, receive, send, name)
        except Problem as exc:
            response = problem_response(
                exc.status, exc.detail, headers=exc.headers, instance=scope["path"], **exc.extra
            )
            await response(scope, receive, send)

    async def _forward(self, scope: Scope, receive: Receive, send: Send, name: str) -> None:
        state = scope["app"].state
        verifier: TokenVerifier = state.verifier
        upstreams: Upstream = state.upstream
        headers = [(k, v) for k, v in scope["headers"] if k not in HOP_BY_HOP]
        auth = next((v for k, v in headers if k == b"authorization"), b"").decode("latin-1")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Problem(
                401, "A bearer token is required.", headers={"WWW-Authenticate": "Bearer"}, code="missing_token"
            )
        verifier.verify(token.strip())  # reject forged or expired tokens here; the service checks again

        length = next((v for k, v in headers if k == b"content-length"), None)
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            raise Problem(413, f"The request body exceeds {self.max_body_bytes} bytes.")
        client_host = scope.get("client") or ("", 0)
        headers = [(k, v) for k, v in headers if k not in (b"x-request-id", b"x-forwarded-for", b"x-forwarded-proto")]
        headers += [
            (b"x-request-id", request_id_var.get().encode("latin-1")),
            (b"x-forwarded-for", str(client_host[0]).encode("latin-1")),
            (b"x-forwarded-proto", scope.get("scheme", "http").encode("latin-1")),
        ]
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        url = self.services[name].encode() + raw_path[4:]  # strip "/api"
        if scope["query_string"]:
            url += b"?" + scope["query_string"]
        method = scope["method"]
        has_body = method not in BODYLESS or length is not None
        body = _LimitedBody(receive, self.max_body_bytes)
        target = url.decode("latin-1")
        try:
            if self.tracing is None:
                upstream = await upstreams.send(method, target, headers, body if has_body else None)
            else:
                with self.tracing.client_span("gateway", method, target, headers) as span:
                    upstream = await upstreams.send(method, target, headers, body if has_body else None)
                    span.set_attribute("http.response.status_code", upstream.status_code)
        except Exception as exc:
            raise self._problem(name, exc, body_too_large=body.too_large) from None
        try:
            out_headers = [(k.lower(), v) for k, v in upstream.raw_headers if k.lower() not in RESPONSE_DROP]
            await send({"type": "http.response.start", "status": upstream.status_code, "headers": out_headers})
            async for chunk in upstream.aiter_raw():
                if chunk:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except httpx.TransportError as exc:
            log.warning("%s broke off a response: %r", name, exc)  # headers are gone; the client sees a cut body
        finally:
            await upstream.aclose()

    def _problem(self, name: str, exc: Exception, *, body_too_large: bool) -> Exception:
        """Map a failed upstream call: not connected → 503, no answer in time → 504, connection closed or reset
        under the request → 502 (the service may have acted on it: a client retries only what is idempotent)."""
        # The transport wraps whatever the body iterator raised; the flag says what really happened.
        if body_too_large:
            return Problem(413, f"The request body exceeds {self.max_body_bytes} bytes.")
        if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
            log.warning("%s unreachable: %r", name, exc)
            return Problem(
                503,
                f"The {name} service is unavailable; other services are unaffected.",
                headers={"Retry-After": "5"},
                service=name,
            )
        if isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout)):
            log.warning("%s timed out: %r", name, exc)
            return Problem(504, f"The {name} service did not answer in time.", service=name)
        if isinstance(exc, httpx.RemoteProtocolError):
            log.warning("%s closed the connection under a request: %r", name, exc)
            return Problem(
                502,
                f"The {name} service closed the connection without answering.",
                service=name,
                code="service_closed_connection",
            )
        if isinstance(exc, httpx.TransportError):
            log.warning("%s transport error: %r", name, exc)
            return Problem(503, f"The {name} service is unavailable.", headers={"Retry-After": "5"}, service=name)
        return exc


class _LimitedBody:
    """The client's request body, streamed to the upstream, cut off past the limit."""

    def __init__(self, receive: Receive, limit: int) -> None:
        self.receive = receive
        self.limit = limit
        self.too_large = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        while True:
            message: Message = await self.receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.limit:
                self.too_large = True
                raise BodyTooLarge()  # the upstream sees a cut body and drops it
            if chunk:
                yield chunk
            if not message.get("more_body", False):
                return
