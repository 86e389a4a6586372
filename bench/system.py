"""The running system under test: HalfSky's own `Stack` on free ports with the bench's data folder and database
prefix, the bench users, their tokens, and the peak memory of every process."""

import contextlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil  # type: ignore[import-untyped]

from bench.config import BenchConfig
from halfsky_gateway.stack import SERVICES, Stack, free_port

ADMIN_PASSWORD = "Bench-2026-root-pw"  # noqa: S105 (a throwaway system on 127.0.0.1)
PASSWORD = "Bench-2026-halfsky"  # noqa: S105
COMPONENTS = ("gateway", *SERVICES)

# username: (name, roles, org code); the hotline operators and case worker are in Guangzhou's districts.
USERS: dict[str, tuple[str, list[str], str]] = {
    "bench_leader": ("省妇联 陈秀英", ["leader"], "44"),
    "bench_stats": ("省妇联 周静", ["statistician"], "44"),
    "bench_city_leader": ("广州市妇联 黄丽娟", ["leader"], "4401"),
    "bench_caseworker": ("天河区妇联 李晓红", ["case_worker"], "440106"),
    **{
        f"bench_hotline_{code}": (f"{code} 12338 热线", ["hotline_operator"], code)
        for code in ("440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114")
    },
}


def make_stack(config: BenchConfig) -> Stack:
    """The system as `make run` starts it, with bench ports, data folder, database prefix and worker counts."""
    os.environ["HALFSKY_ADMIN_PASSWORD"] = ADMIN_PASSWORD
    workers = {name: config.workers for name in COMPONENTS}
    return Stack(
        data_dir=config.data_dir / "stack",
        ports={name: free_port() for name in COMPONENTS},
        demo=False,
        db_prefix=config.db_prefix,
        log_to_files=True,
        workers=workers,
        extra_env={
            # the hourly pull of case and project statistics and the daily re-check of 20,000 projects' schedules
            # would land in the middle of a run at random
            "indicators": {"INDICATORS_PULL_INTERVAL_SECONDS": "0"},
            "projects": {"PROJECTS_PROGRESS_REFRESH_HOURS": "0"},
            "gateway": {"GATEWAY_ACCESS_TOKEN_MINUTES": "240"},
        },
    )


def cli(stack: Stack, component: str, module: str, *args: str) -> str:
    """Run an operator command of a component with its environment (as an operator would)."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", module, *args], env=stack.env_for(component), capture_output=True, text=True, check=True
    )
    return result.stdout


def login(base: str, username: str, password: str) -> str:
    r = httpx.post(f"{base}/api/auth/login", json={"username": username, "password": password}, timeout=30)
    r.raise_for_status()
    return str(r.json()["access_token"])


@dataclass
class Users:
    """Tokens of the bench users, by username."""

    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def header(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}


async def ensure_users(stack: Stack, unit_ids: dict[str, str]) -> None:
    """Create the bench users through the gateway's API (as an admin would), unless they exist."""
    token = login(stack.base_url, "admin", ADMIN_PASSWORD)
    async with httpx.AsyncClient(base_url=stack.base_url, headers={"Authorization": f"Bearer {token}"}) as client:
        for username, (name, roles, code) in USERS.items():
            body = {"username": username, "name": name, "password": PASSWORD, "roles": roles}
            r = await client.post("/api/users", json={**body, "org_unit_id": unit_ids[code]}, timeout=30)
            if r.status_code not in (201, 409):
                raise RuntimeError(f"creating {username}: {r.status_code} {r.text}")


def sign_in(stack: Stack) -> Users:
    """Fresh access tokens for every bench user (and the admin)."""
    users = Users()
    for username in USERS:
        users.tokens[username] = login(stack.base_url, username, PASSWORD)
        me = httpx.get(f"{stack.base_url}/api/auth/me", headers=users.header(username), timeout=30).json()
        users.ids[username] = str(me["id"])
    users.tokens["admin"] = login(stack.base_url, "admin", ADMIN_PASSWORD)
    return users


def restart_all(stack: Stack) -> None:
    """Fresh processes, so their peak memory covers the benchmark only, not start-up and data loading."""
    for name in ("gateway", *SERVICES):
        stack.stop_process(name)
    for name in (*SERVICES, "gateway"):
        stack.start_process(name)
    for name in (*SERVICES, "gateway"):
        stack.wait_healthy(name, timeout=120)
    time.sleep(1.0)


def postmaster(stack: Stack) -> psutil.Process | None:
    """The PostgreSQL server of this stack's data folder."""
    pgdata = str(stack.data_dir / "pg")
    for p in psutil.process_iter(["name", "cmdline"]):
        if p.info["name"] == "postgres" and pgdata in " ".join(p.info["cmdline"] or []):
            return p
    return None


def cpu_seconds(stack: Stack) -> dict[str, float]:
    """CPU time so far of each component (supervisor and workers) and of PostgreSQL (ended backends included)."""
    out: dict[str, float] = {}
    for name in COMPONENTS:
        proc = stack.processes.get(name)
        if proc is None:
            continue
        parent = psutil.Process(proc.pid)
        out[name] = sum(sum(p.cpu_times()[:2]) for p in [parent, *parent.children(recursive=True)])
    master = postmaster(stack)
    if master is not None:
        t = master.cpu_times()
        out["postgres"] = t.user + t.system + t.children_user + t.children_system
        for child in master.children():
            with contextlib.suppress(psutil.NoSuchProcess):
                out["postgres"] += sum(child.cpu_times()[:2])
    return out


def _peak_kib(pid: int) -> int:
    """VmHWM: the most resident memory the process ever had (KiB)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_rss(stack: Stack) -> list[dict[str, Any]]:
    """Peak RSS of every HalfSky process (each uvicorn worker on its own) and of PostgreSQL's processes."""
    out: list[dict[str, Any]] = []
    for name in COMPONENTS:
        proc = stack.processes.get(name)
        if proc is None:
            continue
        parent = psutil.Process(proc.pid)
        children = parent.children(recursive=True)
        role = "supervisor" if children else "server"
        out.append({"process": name, "role": role, "pid": proc.pid, "peak_rss_mb": _peak_kib(proc.pid) / 1024})
        workers = 0
        for child in children:
            if "resource_tracker" in " ".join(child.cmdline()):
                role = "resource tracker"
            else:
                workers += 1
                role = f"worker {workers}"
            out.append({"process": name, "role": role, "pid": child.pid, "peak_rss_mb": _peak_kib(child.pid) / 1024})
    master = postmaster(stack)
    if master is not None:
        out.append(
            {
                "process": "postgres",
                "role": "postmaster",
                "pid": master.pid,
                "peak_rss_mb": _peak_kib(master.pid) / 1024,
            }
        )
        backends = sorted(((_peak_kib(c.pid), c.pid) for c in master.children()), reverse=True)
        if backends:
            kib, pid = backends[0]
            out.append(
                {
                    "process": "postgres",
                    "role": f"largest of {len(backends)} backends",
                    "pid": pid,
                    "peak_rss_mb": kib / 1024,
                }
            )
    return out
