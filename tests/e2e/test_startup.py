"""`make run`'s start-up, for real: the printed admin signs in and reaches every service through the gateway."""

import http.client
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from halfsky_gateway.config import Settings as GatewaySettings
from halfsky_gateway.stack import Stack, end_process_tree, free_port

SERVICES = ("cases", "projects", "indicators")


def test_make_run_prints_an_admin_who_reaches_every_service(tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("gateway", *SERVICES)}
    env = {
        **os.environ,
        "HALFSKY_DATA_DIR": str(tmp_path),
        "HALFSKY_DEMO": "0",
        **{f"HALFSKY_{n.upper()}_PORT": str(p) for n, p in ports.items()},
    }
    env.pop("DATABASE_URL", None)  # the embedded server, as on a fresh machine
    proc = subprocess.Popen(
        [sys.executable, "-m", "halfsky_gateway.stack"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        password = None
        deadline = time.monotonic() + 120
        assert proc.stdout is not None
        while time.monotonic() < deadline and password is None:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            found = re.search(r"username 'admin', password '([^']+)'", line)
            password = found.group(1) if found else None
        assert password, "make run printed no admin password"
        base = f"http://127.0.0.1:{ports['gateway']}"
        login = httpx.post(f"{base}/api/auth/login", json={"username": "admin", "password": password})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        for service in SERVICES:
            r = httpx.get(f"{base}/api/{service}", headers=headers)
            assert r.status_code == 200, (service, r.text)
            assert r.json()["items"] == []
        assert httpx.get(f"{base}/ready").json()["services"] == dict.fromkeys(SERVICES, "ok")
    finally:
        # Ctrl-C; if that does not end it within a minute, it and its components are killed (no test leaves them).
        end_process_tree(proc, sig=signal.SIGINT, timeout=60)
    assert proc.returncode == 0
    # Ctrl-C took every process down, the database included.
    pg_pid_file = tmp_path / "pg" / "postmaster.pid"
    assert not pg_pid_file.exists()


def test_services_verify_tokens_themselves_when_called_directly(stack: Stack) -> None:
    for service in SERVICES:
        url = f"http://127.0.0.1:{stack.ports[service]}/{service}"
        r = httpx.get(url)
        assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
        assert httpx.get(url, headers={"Authorization": "Bearer a.b.c"}).status_code == 401


def test_a_stopped_service_takes_down_only_its_own_routes(stack: Stack) -> None:
    base = stack.base_url
    token = httpx.post(
        f"{base}/api/auth/login", json={"username": "th_caseworker", "password": "Demo-2026-halfsky"}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    stack.stop_process("projects")
    try:
        down = httpx.get(f"{base}/api/projects", headers=headers)
        assert down.status_code == 503 and down.headers["content-type"] == "application/problem+json"
        assert httpx.get(f"{base}/api/cases", headers=headers).status_code == 200
        assert httpx.get(f"{base}/api/indicators", headers=headers).status_code == 200
        assert httpx.get(f"{base}/api/auth/me", headers=headers).status_code == 200
    finally:
        stack.start_process("projects")
        stack.wait_healthy("projects")
    assert httpx.get(f"{base}/api/projects", headers=headers).status_code == 200


def test_a_weak_admin_password_stops_the_first_start_with_the_reason_and_the_policy(tmp_path: Path) -> None:
    """Not a bare CalledProcessError: what was wrong, what the policy asks, and everything stopped again."""
    env = {
        **os.environ,
        "HALFSKY_DATA_DIR": str(tmp_path),
        "HALFSKY_DEMO": "0",
        "HALFSKY_ADMIN_PASSWORD": "abcdefghij",  # a run of the alphabet
        **{f"HALFSKY_{n.upper()}_PORT": str(free_port()) for n in ("gateway", *SERVICES)},
    }
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "halfsky_gateway.stack"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, stderr = proc.communicate(timeout=240)
    except subprocess.TimeoutExpired:  # it started after all: stop it as Ctrl-C would, then fail
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        raise AssertionError("the stack started with a weak admin password") from None
    assert proc.returncode == 1, stderr
    assert "HalfSky did not start" in stderr
    assert "HALFSKY_ADMIN_PASSWORD was refused: too easy to guess" in stderr
    assert "The password policy: at least 10 characters; hard to guess" in stderr
    assert "Traceback" not in stderr and "CalledProcessError" not in stderr
    assert not (tmp_path / "pg" / "postmaster.pid").exists()


def test_every_component_keeps_an_idle_connection_longer_than_its_clients_reuse_one(stack: Stack) -> None:
    """The gateway reuses a pooled connection to a service while it has been idle for less than
    GATEWAY_PROXY_KEEPALIVE_SECONDS (httpx clients of the gateway: 5 s too). A server closing idle connections as
    soon (uvicorn's default, 5 s) races the next request sent on one, which then fails as if the service were down
    (a 503 to a probe that authorisation should have refused): the servers must hold on clearly longer."""
    reuse = float(GatewaySettings.model_fields["proxy_keepalive_seconds"].default)
    connections = {}
    for name, port in stack.ports.items():
        conn = http.client.HTTPConnection(stack.host, port, timeout=10)
        conn.request("GET", "/health")
        assert conn.getresponse().read()
        connections[name] = conn
    sockets = {conn.sock: name for name, conn in connections.items()}
    # Readable before the deadline means the server closed the idle connection (it sends nothing else unasked).
    deadline = time.monotonic() + reuse + 2
    closed: list[str] = []
    while sockets and (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select(list(sockets), [], [], left)
        for sock in readable:
            closed.append(sockets.pop(sock))
    assert not closed, f"closed an idle connection within {reuse + 2:.0f} s: {sorted(closed)}"
    for conn in connections.values():  # and the same connection still serves
        conn.request("GET", "/health")
        assert conn.getresponse().status == 200
        conn.close()
