"""W3C trace context: passed through untouched with traces off; with them on, one trace from gateway to service."""

import asyncio
import json
import subprocess
import sys
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from halfsky_common.app import create_service_app
from halfsky_common.settings import ServiceSettings
from halfsky_common.testing import auth, make_token, running, shared_key_pair
from halfsky_gateway.main import create_app

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
TOKEN = auth(make_token(roles=["case_worker"], org_path="/44/4401/440106/"))

router = APIRouter()


@router.get("/seen")
async def seen(request: Request) -> dict[str, str | None]:
    """What a service received of the trace context."""
    return {name: request.headers.get(name) for name in ("traceparent", "tracestate")}


def a_service(db_url: str) -> FastAPI:
    settings = ServiceSettings(database_url=db_url, jwt_public_key=shared_key_pair()[1])
    return create_service_app(name="cases", title="cases", settings=settings, routers=[router])


async def test_traces_off_the_callers_traceparent_reaches_the_service_unchanged(
    db_url: str, settings_factory: Any, serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    async with serve(a_service(db_url)) as url, running(create_app(settings_factory(cases_url=url))) as gateway:
        capsys.readouterr()
        headers = {**TOKEN, "traceparent": TRACEPARENT, "tracestate": "vendor=abc"}
        r = await gateway.get("/api/cases/seen", headers=headers)
        assert r.status_code == 200, r.text
        assert r.json() == {"traceparent": TRACEPARENT, "tracestate": "vendor=abc"}
        lines = [json.loads(ln) for ln in capsys.readouterr().err.splitlines() if ln.startswith("{")]
        access = [ln for ln in lines if ln.get("logger") == "halfsky.access"]
        assert len(access) == 2  # the gateway's and the service's (one process here: one service name in both)
        assert all(ln["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736" for ln in access), access


def test_traces_off_nothing_of_the_sdk_is_imported() -> None:
    code = (
        "import sys; from halfsky_common.testing import shared_key_pair; from halfsky_gateway.config import Settings;"
        "from halfsky_gateway.main import create_app; p, _ = shared_key_pair();"
        "create_app(Settings(jwt_private_key=p));"
        "print(sorted(m for m in sys.modules if m.startswith(('opentelemetry.sdk', 'halfsky_common.tracing'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout


async def _finished(exporter: InMemorySpanExporter, count: int) -> tuple[ReadableSpan, ...]:
    for _ in range(100):
        spans = exporter.get_finished_spans()
        if len([s for s in spans if s.kind in (SpanKind.SERVER, SpanKind.CLIENT)]) >= count:
            return spans
        await asyncio.sleep(0.02)
    return exporter.get_finished_spans()


@pytest.mark.parametrize("incoming", [None, TRACEPARENT])
async def test_traces_on_one_trace_runs_from_the_gateway_into_the_service(
    db_url: str,
    settings_factory: Any,
    serve: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    incoming: str | None,
) -> None:
    from halfsky_common import tracing

    monkeypatch.setenv("HALFSKY_OTEL_ENABLED", "true")
    exporter = InMemorySpanExporter()
    tracing.tracer_provider("gateway").add_span_processor(SimpleSpanProcessor(exporter))
    async with serve(a_service(db_url)) as url, running(create_app(settings_factory(cases_url=url))) as gateway:
        capsys.readouterr()
        headers = {**TOKEN, **({"traceparent": incoming} if incoming else {})}
        r = await gateway.get("/api/cases/seen?q=%E7%8E%8B%E8%8A%B3", headers=headers)
        assert r.status_code == 200, r.text
        spans = await _finished(exporter, 3)
    gateway_span = next(s for s in spans if s.kind == SpanKind.SERVER and s.attributes["url.path"] == "/api/cases/seen")
    client_span = next(s for s in spans if s.kind == SpanKind.CLIENT)
    service_span = next(s for s in spans if s.kind == SpanKind.SERVER and s.attributes["url.path"] == "/cases/seen")
    trace_id = gateway_span.context.trace_id
    assert client_span.context.trace_id == trace_id == service_span.context.trace_id
    assert client_span.parent is not None and client_span.parent.span_id == gateway_span.context.span_id
    assert service_span.parent is not None and service_span.parent.span_id == client_span.context.span_id
    if incoming:  # the caller's trace is continued
        assert format(trace_id, "032x") == "4bf92f3577b34da6a3ce929d0e0e4736"
        assert gateway_span.parent is not None and gateway_span.parent.span_id == int("00f067aa0ba902b7", 16)
    # The service saw the gateway's client span as its parent, in the traceparent it received.
    assert r.json()["traceparent"].startswith(f"00-{trace_id:032x}-{client_span.context.span_id:016x}-")
    assert gateway_span.attributes.get("url.query") == "REDACTED"  # names searched for stay out of traces
    lines = [json.loads(ln) for ln in capsys.readouterr().err.splitlines() if ln.startswith("{")]
    access = [ln for ln in lines if ln.get("logger") == "halfsky.access"]
    assert len(access) == 2 and all(ln["trace_id"] == f"{trace_id:032x}" for ln in access), access
