"""The gateway's own cost per proxied call, measured in isolation: `python -m bench.gateway_overhead`.

Starts a trivial upstream (a uvicorn process answering a small JSON body) and the gateway (a uvicorn process started
as `make run` starts it: JSON logs, access log on) pointed at it, then sends N calls one at a time, first straight at
the upstream and then through the gateway, and reports the gateway's CPU time per proxied call (from the kernel's
accounting of its process, so the load generator's own cost is not in it) and the p50 latency of both paths.
No database is needed: a proxied call never touches it.

`--profile` instead drives the gateway's ASGI app in this process under cProfile (the upstream still a real HTTP
server) and prints the functions that cost the most; uvicorn's own work (HTTP parsing, the access log) is not in it.
"""

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil

from halfsky_common.keys import generate_key_pair, sign_access_token
from halfsky_gateway.stack import free_port

BODY = b'{"id":"9b1c","status":"accepted","title":"ok"}'


async def upstream(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The trivial service: drain the request, answer a small JSON body."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})


def _wait(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers at {url}")


@contextmanager
def process(args: list[str], env: dict[str, str], url: str) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "uvicorn", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        _wait(url)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def gateway_env(upstream_url: str, private_pem: str) -> dict[str, str]:
    return {
        **os.environ,
        "GATEWAY_JWT_PRIVATE_KEY": private_pem,
        "GATEWAY_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:9/none",  # never used by a proxied call
        "GATEWAY_DISABLED_RELOAD_SECONDS": "3600",
        "GATEWAY_CASES_URL": upstream_url,
    }


def token_for(private_pem: str) -> str:
    return sign_access_token(
        private_key_pem=private_pem,
        subject="bench",
        ttl=timedelta(hours=1),
        typ="user",
        name="bench",
        roles=["case_worker"],
        org="440106",
        org_path="/44/4401/440106/",
    )


def timed_calls(client: httpx.Client, url: str, headers: dict[str, str], n: int) -> list[float]:
    took = []
    for _ in range(n):
        start = time.perf_counter()
        r = client.get(url, headers=headers)
        took.append(time.perf_counter() - start)
        if r.status_code != 200:
            raise RuntimeError(f"{url}: {r.status_code} {r.text[:200]}")
    return took


def measure(calls: int, warmup: int) -> None:
    private, _ = generate_key_pair()
    up_port, gw_port = free_port(), free_port()
    up_url, gw_url = f"http://127.0.0.1:{up_port}", f"http://127.0.0.1:{gw_port}"
    headers = {"Authorization": f"Bearer {token_for(private)}", "X-Request-ID": "bench"}
    up_args = ["bench.gateway_overhead:upstream", "--port", str(up_port), "--no-access-log", "--lifespan", "off"]
    gw_args = ["halfsky_gateway.main:create_app", "--factory", "--port", str(gw_port)]
    with (
        process(up_args, dict(os.environ), f"{up_url}/") as up,
        process(gw_args, gateway_env(up_url, private), f"{gw_url}/health") as gw,
        httpx.Client() as client,
    ):
        timed_calls(client, f"{up_url}/cases/x", headers, warmup)
        timed_calls(client, f"{gw_url}/api/cases/x", headers, warmup)
        direct = timed_calls(client, f"{up_url}/cases/x", headers, calls)
        gw_proc, up_proc = psutil.Process(gw.pid), psutil.Process(up.pid)
        gw_before, up_before = sum(gw_proc.cpu_times()[:2]), sum(up_proc.cpu_times()[:2])
        through = timed_calls(client, f"{gw_url}/api/cases/x", headers, calls)
        gw_cpu = sum(gw_proc.cpu_times()[:2]) - gw_before
        up_cpu = sum(up_proc.cpu_times()[:2]) - up_before
    p50_direct, p50_gw = statistics.median(direct) * 1e3, statistics.median(through) * 1e3
    print(f"calls: {calls} (after {warmup} warm-up calls each way), one at a time")
    print(f"gateway CPU per proxied call: {gw_cpu / calls * 1e3:.3f} ms (upstream's: {up_cpu / calls * 1e3:.3f} ms)")
    print(f"p50 direct {p50_direct:.3f} ms, through the gateway {p50_gw:.3f} ms (+{p50_gw - p50_direct:.3f} ms)")


async def _drive(app: Any, path: str, headers: list[tuple[bytes, bytes]], n: int) -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    status: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    for _ in range(n):
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        await app(scope, receive, send)
    if set(status) != {200}:
        raise RuntimeError(f"unexpected statuses {set(status)}")


def profile(calls: int, top: int) -> None:
    from halfsky_gateway.config import Settings
    from halfsky_gateway.main import create_app

    private, _ = generate_key_pair()
    up_port = free_port()
    up_url = f"http://127.0.0.1:{up_port}"
    up_args = ["bench.gateway_overhead:upstream", "--port", str(up_port), "--no-access-log", "--lifespan", "off"]
    headers = [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {token_for(private)}".encode())]
    settings = Settings(
        jwt_private_key=private,
        database_url="postgresql+asyncpg://nobody@127.0.0.1:9/none",
        disabled_reload_seconds=3600,
        cases_url=up_url,
    )
    app = create_app(settings)

    async def run() -> None:
        async with app.router.lifespan_context(app):
            await _drive(app, "/api/cases/x", headers, 200)
            profiler = cProfile.Profile()
            profiler.enable()
            await _drive(app, "/api/cases/x", headers, calls)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(top)

    with process(up_args, dict(os.environ), f"{up_url}/"):
        asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="cProfile the ASGI app in-process instead")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    if args.profile:
        profile(args.calls, args.top)
    else:
        measure(args.calls, args.warmup)


if __name__ == "__main__":
    main()
