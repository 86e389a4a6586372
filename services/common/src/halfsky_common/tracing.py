"""Distributed traces with OpenTelemetry, imported only when HALFSKY_OTEL_ENABLED=true (see observability.py).

One TracerProvider per process, handed to FastAPI's own server spans (`FastAPI(telemetry=...)`: it continues the
trace of an incoming W3C `traceparent`) and to the gateway's client spans around each proxied call, whose context
goes to the service in a fresh `traceparent`. Spans go to the OTLP/HTTP exporter when OTEL_EXPORTER_OTLP_ENDPOINT
(or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, with the standard OTEL_* variables for everything else.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_provider: TracerProvider | None = None


class RedactQuery(SpanProcessor):
    """FastAPI records the query string on its spans; ours carry names and phone numbers searched for."""

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        if span.attributes and "url.query" in span.attributes:
            span.set_attribute("url.query", "REDACTED")


def tracer_provider(service: str) -> TracerProvider:
    """The process's provider, made on the first call (named after the first service that asks)."""
    global _provider
    if _provider is None:
        provider = TracerProvider(resource=Resource.create({"service.name": f"halfsky-{service}"}))
        provider.add_span_processor(RedactQuery())
        if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        _provider = provider
    return _provider


def current_trace_id() -> str:
    """The trace id (32 hex digits) of the current span, or "" outside one."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else ""


@contextmanager
def client_span(service: str, method: str, url: str, headers: list[tuple[bytes, bytes]]) -> Iterator[trace.Span]:
    """A client span around a call the gateway makes; `headers` get its traceparent (and tracestate, baggage)
    in place of the caller's, so the service's span is this span's child."""
    tracer = tracer_provider(service).get_tracer("halfsky.proxy")
    attributes = {"http.request.method": method, "url.full": url.split("?", 1)[0]}
    with tracer.start_as_current_span(method, kind=trace.SpanKind.CLIENT, attributes=attributes) as span:
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        names = {name.lower().encode() for name in carrier}
        headers[:] = [(k, v) for k, v in headers if k not in names]
        headers += [(name.lower().encode(), value.encode("latin-1")) for name, value in carrier.items()]
        yield span
