"""What every test session checks at its end, whichever suites it ran: no process a test started is left running.

Servers started by fixtures (the stacks' uvicorns and their workers, embedded PostgreSQL) must end with them, whatever
a test did to them (killed, restarted). Neither a PostgreSQL server (pg_ctl detaches it) nor the workers of a killed
supervisor are children of the test process any more, so processes are found by a mark in their environment, which
every process started from this one inherits, and PostgreSQL servers also by their data folder (one under this
session's temporary folder, or this process's own test server's).
"""

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from halfsky_common import testing
from halfsky_common.pgserver import stop_postmaster

MARK = "HALFSKY_TEST_SESSION"


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _marked(mark: str) -> list[psutil.Process]:
    """Running processes, other than this one, that carry this session's mark."""
    found = []
    for proc in psutil.process_iter():
        if proc.pid == os.getpid():
            continue
        with contextlib.suppress(psutil.Error):  # gone meanwhile, or another user's (not ours then)
            if proc.environ().get(MARK) == mark and _running(proc):
                found.append(proc)
    return found


def _postmasters_under(folders: list[Path]) -> dict[Path, psutil.Process]:
    """Running postmasters (`postgres -D <folder> …`) whose data folder lies under one of `folders`."""
    found: dict[Path, psutil.Process] = {}
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] != "postgres" or "-D" not in cmdline[:-1] or not _running(proc):
            continue
        data_dir = Path(cmdline[cmdline.index("-D") + 1]).resolve()
        if any(data_dir.is_relative_to(folder) for folder in folders):
            found[data_dir] = proc
    return found


def _ppid(proc: psutil.Process) -> int:
    try:
        return proc.ppid()
    except psutil.NoSuchProcess:
        return 0


def _describe(proc: psutil.Process) -> str:
    try:
        return f"pid {proc.pid}: {' '.join(proc.cmdline())[:200]}"
    except psutil.Error:
        return f"pid {proc.pid}"


@pytest.fixture(scope="session", autouse=True)
def no_process_outlives_the_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Set up first and torn down last: after every other fixture has stopped what it started."""
    basetemp = tmp_path_factory.getbasetemp().resolve()
    mark = os.environ[MARK] = uuid.uuid4().hex
    yield
    testing.stop_server()
    servers = _postmasters_under([basetemp, *(d.resolve() for d in testing.server_dirs)])
    marked = _marked(mark)
    server_pids = {p.pid for p in servers.values()}
    pids = {p.pid for p in marked} | server_pids
    others = [p for p in marked if p.pid not in server_pids and _ppid(p) not in pids]  # each tree at its root
    left = [f"  PostgreSQL pid {p.pid} on {data_dir}" for data_dir, p in servers.items()]
    left += [f"  {_describe(p)}" for p in others]
    # End them, so that a failed check leaves nothing behind either: the servers first (their backends carry the
    # mark too and end with them), then whatever else is left.
    for data_dir in servers:
        stop_postmaster(data_dir)
    rest = _marked(mark)
    for p in rest:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()
    psutil.wait_procs(rest, timeout=10)
    assert not left, "processes started by tests outlived the session:\n" + "\n".join(left)
