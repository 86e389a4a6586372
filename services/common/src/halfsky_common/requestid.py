"""X-Request-ID: taken from the caller or generated, kept for logs and audit rows, echoed back; the access line."""

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
_HEADER = HEADER.encode()
ACCESS_LOGGER = "halfsky.access"
access_log = logging.getLogger(ACCESS_LOGGER)
_TRACEPARENT = b"traceparent"
request_id_var: ContextVar[str] = ContextVar("request_id", default="")
trace_id_var: ContextVar[str] = ContextVar("trace_id", default="")
_TRACE_ID = re.compile(rb"[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}")


def _no_span() -> str:
    return ""


# With traces on (observability.telemetry_config) the current span's trace id; otherwise none, and the id of an
# incoming W3C traceparent is logged as it came.
current_trace_id: Callable[[], str] = _no_span


def trace_id_of(traceparent: bytes) -> str:
    """The trace id of a W3C traceparent header, or "" when it is not one (all zeros is invalid too)."""
    match = _TRACE_ID.fullmatch(traceparent.strip())
    if match is None or match.group(1) == b"0" * 32:
        return ""
    return match.group(1).decode()


def clean_request_id(value: str | None) -> str:
    """Keep a caller's id only when it is short and printable; otherwise make one."""
    if value and len(value) <= 128 and value.isascii() and value.isprintable():
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware: it would buffer streamed bodies); the outermost layer of every app.

    Also writes the access line, one per request, on `halfsky.access` (request id, method, path without the query,
    which may carry names searched for, status, duration in ms), when that logger is on at INFO.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        given, traceparent = b"", b""
        for name, value in scope["headers"]:
            if name == _HEADER:
                given = value
            elif name == _TRACEPARENT:
                traceparent = value
        rid = clean_request_id(given.decode("latin-1"))
        raw_rid = rid.encode("latin-1")
        token = request_id_var.set(rid)
        tid = current_trace_id() or (trace_id_of(traceparent) if traceparent else "")
        trace_token = trace_id_var.set(tid)
        status = 500

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                nonlocal status
                status = message["status"]
                message["headers"] = [
                    *(h for h in message.get("headers", ()) if h[0].lower() != _HEADER),
                    (_HEADER, raw_rid),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                line = {
                    "request_id": rid,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                }
                if tid:
                    line["trace_id"] = tid
                access_log.info(line)
            trace_id_var.reset(trace_token)
            request_id_var.reset(token)


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeadersMiddleware:
    """Adds the headers every response of ours should carry; an app may add a CSP of its own."""

    def __init__(self, app: ASGIApp, extra: dict[str, str] | None = None) -> None:
        self.app = app
        self.headers = {**SECURITY_HEADERS, **(extra or {})}
        self.raw = [(name.encode(), value.encode()) for name, value in self.headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers += [header for header in self.raw if header[0] not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
