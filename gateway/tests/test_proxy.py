"""The proxy: byte-for-byte forwarding to a real upstream over HTTP, request ids, 503/504 per service, 413."""

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from halfsky_common.testing import auth, make_token, running
from halfsky_gateway.main import create_app
from halfsky_gateway.stack import free_port

Serve = Callable[[Any], AbstractAsyncContextManager[str]]


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """An upstream that answers with what it received; paths ending in /slow sleep first."""
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["path"].endswith("/slow"):
        await asyncio.sleep(3)
    payload = {
        "method": scope["method"],
        "raw_path": scope["raw_path"].decode(),
        "query": scope["query_string"].decode(),
        "headers": {k.decode(): v.decode() for k, v in scope["headers"]},
        "body_hex": body.hex(),
    }
    headers = [(b"content-type", b"application/json"), (b"x-upstream", b"yes")]
    if scope["path"].endswith("/set-cookie"):
        headers.append((b"set-cookie", b"session=someone-elses; Path=/"))
    await send({"type": "http.response.start", "status": 207, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps(payload).encode()})


@pytest.fixture(scope="module")
async def upstream_url(serve: Serve) -> AsyncIterator[str]:
    async with serve(echo) as url:
        yield url


@pytest.fixture(scope="module")
async def proxied(upstream_url: str, settings_factory: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway with cases and projects on the echo server and indicators on a closed port."""
    settings = settings_factory(
        cases_url=upstream_url,
        projects_url=upstream_url,
        indicators_url=f"http://127.0.0.1:{free_port()}",
        proxy_read_timeout=1.0,
        max_body_bytes=1000,
    )
    async with running(create_app(settings)) as client:
        yield client


TOKEN = auth(make_token(roles=["case_worker"], org_path="/44/4401/440106/"))


async def test_path_query_and_body_pass_through_byte_for_byte(proxied: httpx.AsyncClient) -> None:
    body = "受理 \x00\xff".encode() + bytes(range(256))[:200]
    r = await proxied.post(
        "/api/cases/a%2Fb/%E7%8E%8B?q=%E7%8E%8B%E8%8A%B3&x=1&x=2&empty=",
        content=body,
        headers={
            **TOKEN,
            "content-type": "application/octet-stream",
            "connection": "keep-alive",
            "x-custom": "v",
            "x-name": "王芳".encode(),
        },
    )
    assert r.status_code == 207
    seen = r.json()
    assert seen["method"] == "POST"
    assert seen["raw_path"] == "/cases/a%2Fb/%E7%8E%8B"
    assert seen["query"] == "q=%E7%8E%8B%E8%8A%B3&x=1&x=2&empty="
    assert bytes.fromhex(seen["body_hex"]) == body
    assert seen["headers"]["x-custom"] == "v"
    assert seen["headers"]["x-name"] == "王芳"  # UTF-8 header bytes arrive as they were sent
    assert seen["headers"]["authorization"] == TOKEN["Authorization"]
    assert "connection" not in seen["headers"] or seen["headers"]["connection"] != "keep-alive-forwarded"
    assert r.headers["x-upstream"] == "yes"


async def test_request_id_round_trips_and_is_generated_when_absent(proxied: httpx.AsyncClient) -> None:
    r = await proxied.get("/api/projects/x", headers={**TOKEN, "X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    assert r.json()["headers"]["x-request-id"] == "abc-123"
    generated = await proxied.get("/api/projects/x", headers=TOKEN)
    rid = generated.headers["x-request-id"]
    assert len(rid) == 32 and generated.json()["headers"]["x-request-id"] == rid


async def test_a_stopped_service_is_503_for_its_routes_only(proxied: httpx.AsyncClient) -> None:
    down = await proxied.get("/api/indicators", headers=TOKEN)
    assert down.status_code == 503
    assert down.headers["content-type"] == "application/problem+json"
    assert down.json()["service"] == "indicators"
    assert (await proxied.get("/api/cases", headers=TOKEN)).status_code == 207
    assert (await proxied.get("/api/projects", headers=TOKEN)).status_code == 207
    assert (await proxied.get("/health")).status_code == 200


async def test_a_slow_service_times_out_with_504(proxied: httpx.AsyncClient) -> None:
    r = await proxied.get("/api/cases/slow", headers=TOKEN)
    assert r.status_code == 504
    assert r.json()["service"] == "cases"


async def test_a_service_closing_the_connection_unanswered_is_502_not_unavailable(settings_factory: Any) -> None:
    """The request reached the service, which closed the connection without a word (a worker dying, a socket closed
    under the request): not "unavailable" (503, nothing sent), since the service may have acted on it."""
    seen: list[bytes] = []

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await reader.readuntil(b"\r\n\r\n"))
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with running(create_app(settings_factory(cases_url=f"http://127.0.0.1:{port}"))) as client:
            r = await client.post("/api/cases/intake", json={"summary": "x"}, headers=TOKEN)
    finally:
        server.close()
        await server.wait_closed()
    assert seen and seen[0].startswith(b"POST /cases/intake ")
    assert r.status_code == 502, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["service"] == "cases" and r.json()["code"] == "service_closed_connection"


async def test_no_token_or_a_bad_one_is_stopped_at_the_gateway(proxied: httpx.AsyncClient) -> None:
    assert (await proxied.get("/api/cases")).status_code == 401
    r = await proxied.get("/api/cases", headers={"Authorization": "Bearer x.y.z"})
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"


async def test_bodies_over_the_limit_are_413(proxied: httpx.AsyncClient) -> None:
    r = await proxied.post("/api/cases", content=b"x" * 1001, headers=TOKEN)
    assert r.status_code == 413

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"y" * 300

    streamed = await proxied.post("/api/cases", content=chunks(), headers=TOKEN)
    assert streamed.status_code == 413


async def test_unknown_api_prefix_is_a_404_problem(proxied: httpx.AsyncClient) -> None:
    r = await proxied.get("/api/nothing-here", headers=TOKEN)
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"


async def test_security_headers_on_every_response(proxied: httpx.AsyncClient) -> None:
    r = await proxied.get("/health")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


async def test_the_gateways_own_routes_refuse_oversized_bodies_and_nul(settings_factory: Any) -> None:
    small = create_app(settings_factory(max_body_bytes=2000))
    async with running(small) as client:
        big = {"username": "x" * 3000, "password": "y"}
        r = await client.post("/api/auth/login", json=big)
        assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"

        async def stream() -> AsyncIterator[bytes]:
            for _ in range(5):
                yield b" " * 1000

        streamed = await client.post("/api/auth/login", content=stream(), headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413
        nul = await client.post("/api/auth/login", json={"username": "admin\x00", "password": "x" * 12})
        assert nul.status_code == 422 and nul.json()["errors"][0]["field"] == "username"
        fine = await client.post("/api/auth/login", json={"username": "nobody", "password": "x" * 12})
        assert fine.status_code == 401


async def test_the_proxy_keeps_no_cookies_and_adds_no_headers(proxied: httpx.AsyncClient) -> None:
    """One caller's cookie, set by a service, must never ride along on another caller's request."""
    r = await proxied.get("/api/cases/set-cookie", headers=TOKEN)
    assert r.status_code == 207 and "someone-elses" in r.headers["set-cookie"]  # passed on to its caller
    proxied.cookies.clear()  # the test client itself would keep it
    seen = (await proxied.get("/api/cases/next", headers={**TOKEN, "user-agent": "ua/1"})).json()["headers"]
    assert "cookie" not in seen
    assert seen["user-agent"] == "ua/1"
    sent = {k.lower() for k in ("authorization", "user-agent", "accept", "accept-encoding", "host", "connection")}
    added = set(seen) - sent - {"x-request-id", "x-forwarded-for", "x-forwarded-proto", "content-length"}
    assert added == set(), added


def _unrouted(metrics: str) -> float:
    """Requests counted under handler "none" (no route of the gateway's own matched)."""
    return sum(
        float(ln.rsplit(" ", 1)[1])
        for ln in metrics.splitlines()
        if ln.startswith("http_requests_total{") and 'handler="none"' in ln
    )


async def test_proxied_calls_are_counted_by_service_prefix(proxied: httpx.AsyncClient) -> None:
    before = _unrouted((await proxied.get("/metrics")).text)
    await proxied.get("/api/cases/a/b", headers=TOKEN)
    await proxied.get("/api/projects", headers=TOKEN)
    await proxied.get("/api/indicators/x", headers=TOKEN)  # 503: counted too
    text = (await proxied.get("/metrics")).text
    counted = [ln for ln in text.splitlines() if ln.startswith("http_requests_total{")]
    assert any('handler="/api/cases"' in ln and 'status="2xx"' in ln for ln in counted), counted
    assert any('handler="/api/projects"' in ln for ln in counted), counted
    assert any('handler="/api/indicators"' in ln and 'status="5xx"' in ln for ln in counted), counted
    assert not any('handler="/api/cases/a/b"' in ln for ln in counted)
    assert _unrouted(text) == before  # none of them lumped with unknown paths any more


async def test_one_access_line_per_call_with_id_and_duration(
    proxied: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    await proxied.get("/api/cases/x?q=%E7%8E%8B%E8%8A%B3", headers={**TOKEN, "X-Request-ID": "acc-1"})
    lines = [json.loads(ln) for ln in capsys.readouterr().err.splitlines() if ln.startswith("{")]
    access = [ln for ln in lines if ln.get("logger") == "halfsky.access"]
    assert len(access) == 1, lines
    line = access[0]
    assert line["request_id"] == "acc-1" and line["method"] == "GET" and line["status"] == 207
    assert line["path"] == "/api/cases/x"  # the query (names searched for) stays out of the log
    assert isinstance(line["duration_ms"], float) and line["service"] == "gateway"


async def test_cors_only_when_origins_are_configured(settings_factory: Any) -> None:
    preflight = {"Origin": "https://app.example.org", "Access-Control-Request-Method": "GET"}
    async with running(create_app(settings_factory(cors_origins=["https://app.example.org"]))) as client:
        r = await client.options("/api/org-units", headers=preflight)
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://app.example.org"
    async with running(create_app(settings_factory(cors_origins=[]))) as client:
        r = await client.options("/api/org-units", headers=preflight)
        assert "access-control-allow-origin" not in r.headers
        assert "origin" not in r.headers.get("vary", "").lower()  # no CORS layer at all
