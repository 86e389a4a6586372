"""Start the whole system on one machine: database, migrations, key pair, three services, gateway.

`make run` calls `python -m halfsky_gateway.stack`; the end-to-end tests use `Stack` the same way, on free ports.
"""

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
import psutil

from halfsky_common.keys import ensure_key_pair
from halfsky_common.migrations import upgrade
from halfsky_common.pgserver import DATABASES, create_database, start_embedded, stop_embedded

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("cases", "projects", "indicators")
DEFAULT_PORTS = {"gateway": 8000, "cases": 8101, "projects": 8102, "indicators": 8103}
# uvicorn's --timeout-keep-alive for every component (the images use the same). It must stay well above the idle time
# after which a client stops reusing a connection (the gateway's GATEWAY_PROXY_KEEPALIVE_SECONDS, 5 s; httpx's 5 s;
# an ingress's 60 s): at uvicorn's default of 5 s a request sent just as the server closed an idle connection failed.
SERVER_KEEPALIVE_SECONDS = 75


class StartError(RuntimeError):
    """A step of the start failed; the message says which and why."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def end_process_tree(proc: "subprocess.Popen[Any]", *, sig: int = signal.SIGTERM, timeout: float = 10.0) -> None:
    """Signal `proc`, wait for it, then kill whatever of its descendants is left (a uvicorn's worker processes after
    their supervisor was killed, say): nothing it started outlives it."""
    descendants: list[psutil.Process] = []
    if proc.poll() is None:  # not reaped yet, so the pid is still its own
        with contextlib.suppress(psutil.NoSuchProcess):
            descendants = psutil.Process(proc.pid).children(recursive=True)
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for child in descendants:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    psutil.wait_procs(descendants, timeout=timeout)


def component_dir(name: str) -> Path:
    return ROOT / "gateway" if name == "gateway" else ROOT / "services" / name


@dataclass
class Stack:
    """The running system; `start()` brings it up, `stop()` takes everything down again."""

    data_dir: Path = ROOT / ".data"
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    database_url: str | None = None
    spa_dir: Path | None = None
    host: str = "127.0.0.1"
    log_to_files: bool = False
    demo: bool = True
    db_prefix: str = ""  # tests on a shared external server keep their databases apart with it
    extra_env: dict[str, dict[str, str]] = field(default_factory=dict)
    workers: dict[str, int] = field(default_factory=dict)  # uvicorn worker processes per component (default 1)
    admin_password: str | None = None
    urls: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _server: Any = None
    _logs: dict[str, IO[bytes]] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.ports['gateway']}"

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        base = self.database_url or os.environ.get("DATABASE_URL")
        if not base:
            self._server, base = start_embedded(self.data_dir / "pg")
        self.urls = asyncio.run(self._create_databases(base))
        self.private_key, self.public_key = ensure_key_pair(self.data_dir / "keys")
        for name in ("gateway", *SERVICES):
            upgrade(component_dir(name), self.urls[name])
        self.admin_password = self._create_admin()
        if self.demo:
            self._cli("demo-data")
            self._cli("demo-data", module="halfsky_indicators.cli", component="indicators")
        client_id, secret = self._cli("service-client", "indicators-service").split()
        self.extra_env.setdefault("indicators", {}).update(
            {
                "INDICATORS_CLIENT_ID": client_id,
                "INDICATORS_CLIENT_SECRET": secret,
            }
        )
        for name in (*SERVICES, "gateway"):
            self.start_process(name)
        for name in (*SERVICES, "gateway"):
            self.wait_healthy(name)

    async def _create_databases(self, base: str) -> dict[str, str]:
        return {name: await create_database(base, self.db_prefix + db) for name, db in DATABASES.items()}

    def env_for(self, name: str) -> dict[str, str]:
        prefix = name.upper() + "_"
        env = {
            **os.environ,
            f"{prefix}DATABASE_URL": self.urls[name],
            f"{prefix}JWT_PUBLIC_KEY_FILE": str(self.public_key),
        }
        if name in SERVICES:
            env[f"{prefix}GATEWAY_URL"] = self.base_url  # its revocation list (and the indicators' stats feeds)
        if name == "cases":
            env["CASES_DATA_DIR"] = str(self.data_dir / "cases")  # attachments and the field-encryption key
        if name == "gateway":
            env["GATEWAY_JWT_PRIVATE_KEY_FILE"] = str(self.private_key)
            for service in SERVICES:
                env[f"GATEWAY_{service.upper()}_URL"] = f"http://{self.host}:{self.ports[service]}"
            if self.spa_dir is not None:
                env["GATEWAY_SPA_DIR"] = str(self.spa_dir)
        env.update(self.extra_env.get(name, {}))  # the internal client's credentials, test-only settings
        return env

    def start_process(self, name: str) -> None:
        """Start (or restart) one component's uvicorn."""
        cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            f"halfsky_{name}.main:create_app",
            "--factory",
            "--host",
            self.host,
            "--port",
            str(self.ports[name]),
            "--timeout-graceful-shutdown",
            "5",
            "--timeout-keep-alive",
            str(SERVER_KEEPALIVE_SECONDS),
        ]
        if self.workers.get(name, 1) > 1:
            cmd += ["--workers", str(self.workers[name])]
        out: IO[bytes] | None = None
        if self.log_to_files:
            (self.data_dir / "logs").mkdir(exist_ok=True)
            out = self._logs.get(name) or open(self.data_dir / "logs" / f"{name}.log", "ab")  # noqa: SIM115
            self._logs[name] = out
        self.processes[name] = subprocess.Popen(  # noqa: S603
            cmd, env=self.env_for(name), stdout=out, stderr=subprocess.STDOUT if out else None
        )

    def stop_process(self, name: str, *, sig: int = signal.SIGTERM) -> None:
        proc = self.processes.pop(name, None)
        if proc is not None:
            end_process_tree(proc, sig=sig)

    def wait_healthy(self, name: str, timeout: float = 60.0) -> None:
        url = f"http://{self.host}:{self.ports[name]}/health"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self.processes.get(name)
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"{name} exited with code {proc.returncode}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(url, timeout=1.0).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"{name} did not become healthy at {url}")

    def restart_process(self, name: str) -> None:
        self.stop_process(name)
        self.start_process(name)
        self.wait_healthy(name)

    def _cli(self, *args: str, module: str = "halfsky_gateway.cli", component: str = "gateway") -> str:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", module, *args],
            env=self.env_for(component),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:  # the command's own words (a refused admin password says why), not just the code
            raise StartError(f"`{module} {' '.join(args)}` failed (exit {result.returncode}):\n{result.stderr.strip()}")
        return result.stdout

    def _create_admin(self) -> str | None:
        out = self._cli("create-admin")
        marker = "password: "
        return out.split(marker, 1)[1].strip() if marker in out else None

    def stop(self) -> None:
        """Every process down, whatever happened to it (killed, restarted, the database restarted): the database by
        its data folder, not by the pid it had when it started."""
        try:
            for name in ("gateway", *SERVICES, *self.processes):  # the gateway first, as it was started last
                self.stop_process(name)
        finally:
            for log in self._logs.values():
                log.close()
            self._logs.clear()
            server, self._server = self._server, None
            if server is not None:
                stop_embedded(server)


def ports_from_env() -> dict[str, int]:
    """HALFSKY_GATEWAY_PORT, HALFSKY_CASES_PORT, … override the default ports."""
    return {name: int(os.environ.get(f"HALFSKY_{name.upper()}_PORT", port)) for name, port in DEFAULT_PORTS.items()}


def main() -> int:
    os.environ.setdefault("HALFSKY_LOG_FORMAT", "console")  # readable in a terminal; JSON elsewhere
    spa = ROOT / "frontend" / "dist"
    stack = Stack(
        data_dir=Path(os.environ.get("HALFSKY_DATA_DIR", ROOT / ".data")),
        ports=ports_from_env(),
        spa_dir=spa if (spa / "index.html").exists() else None,
        demo=os.environ.get("HALFSKY_DEMO", "1") != "0",
    )
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        stack.start()
        print("\n" + "=" * 64)
        print(f"  HalfSky 半边天 is running at {stack.base_url}/")
        print(f"  API docs: {stack.base_url}/api/docs")
        if stack.admin_password:
            print(f"  first admin: username 'admin', password '{stack.admin_password}' (shown once)")
        else:
            print("  admin user exists already (reset with HALFSKY_ADMIN_PASSWORD on a fresh .data/)")
        if stack.demo:
            print("  demo users (e.g. th_caseworker) use the password 'Demo-2026-halfsky'")
        print("  Ctrl-C stops everything.")
        print("=" * 64 + "\n", flush=True)
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(0.5)
        print("a component exited; stopping", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
        return 0
    except StartError as failed:
        print(f"HalfSky did not start: {failed}", file=sys.stderr)
        return 1
    finally:
        stack.stop()


if __name__ == "__main__":
    raise SystemExit(main())
