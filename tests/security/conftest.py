"""The security suite's own stack (settings of its own, independent of the fault tests) and the world in it."""

import json
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from halfsky_gateway.stack import Stack, free_port

sys.path.insert(0, str(Path(__file__).parent))  # security_world, authz_probe (uniquely named modules)

from security_world import World, build

INTAKE_LIMIT = 12  # per partner client and window, low so the limit test stays short
LOGIN_DELAY_AFTER = 5
LOGIN_LIMIT_PER_IP = 30


def stack_settings() -> dict[str, dict[str, str]]:
    """Trust X-Forwarded-For (tests stand at other addresses), known limits, no background pulls."""
    return {
        "gateway": {
            "GATEWAY_CLIENT_IP_HEADER": "X-Forwarded-For",
            "GATEWAY_LOGIN_DELAY_AFTER": str(LOGIN_DELAY_AFTER),
            "GATEWAY_LOGIN_LIMIT_PER_IP": str(LOGIN_LIMIT_PER_IP),
        },
        "cases": {"CASES_INTAKE_LIMIT_PER_CLIENT": str(INTAKE_LIMIT)},
        "indicators": {"INDICATORS_PULL_INTERVAL_SECONDS": "0"},
    }


@pytest.fixture(scope="session")
def secstack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole system as `make run` starts it, with the suite's own settings."""
    running = os.environ.get("HALFSKY_SECURITY_STACK")
    if running:  # quick reruns against a stack started by hand: JSON of its data_dir, ports, admin password, URLs
        info = json.loads(Path(running).read_text())
        yield Stack(
            data_dir=Path(info["data_dir"]),
            ports=info["ports"],
            extra_env=stack_settings(),
            admin_password=info["admin"],
            urls=info["urls"],
        )
        return
    s = Stack(
        data_dir=tmp_path_factory.mktemp("secstack"),
        ports={name: free_port() for name in ("gateway", "cases", "projects", "indicators")},
        log_to_files=True,
        demo=True,
        db_prefix=f"sec_{uuid.uuid4().hex[:6]}_" if os.environ.get("DATABASE_URL") else "",
        extra_env=stack_settings(),
    )
    try:
        s.start()
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="session")
def world(secstack: Stack) -> Iterator[World]:
    w = build(secstack)
    try:
        yield w
    finally:
        w.http.close()
