"""The whole system on free ports with the built SPA, and a runner for the node/playwright-core scenarios.

Run by `make browser-test` (HALFSKY_BROWSER_TESTS=1); a plain `pytest tests` skips this folder, so the Python
suites need neither chromium nor a built SPA.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from halfsky_gateway.stack import Stack

ROOT = Path(__file__).resolve().parents[2]
SPA = ROOT / "frontend" / "dist"
ARTIFACTS = ROOT / "tests" / "artifacts"
SCENARIOS = Path(__file__).parent / "scenarios"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "Demo-2026-halfsky"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("HALFSKY_BROWSER_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="browser tests run with `make browser-test` (HALFSKY_BROWSER_TESTS=1)")
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(skip)


@dataclass
class System:
    base_url: str
    admin_password: str
    data_dir: Path
    service_paths: dict[str, set[str]]

    def require(self, service: str, path: str) -> None:
        """Skip when `service` in this checkout is still the placeholder without `path` (not merged yet)."""
        if path not in self.service_paths.get(service, set()):
            pytest.skip(f"the {service} service in this checkout has no {path} yet")


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    from halfsky_gateway.stack import SERVICES, Stack, free_port

    if not (SPA / "index.html").exists():
        pytest.fail("frontend/dist is missing: run `make frontend` first")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` first")
    for stale in ARTIFACTS.glob("FAILED-*.png"):
        stale.unlink()  # failure screenshots of an earlier run would mislead
    data_dir = tmp_path_factory.mktemp("stack")
    ports = {name: free_port() for name in ("gateway", *SERVICES)}
    os.environ.setdefault("HALFSKY_DEMO_PASSWORD", DEMO_PASSWORD)
    stack = Stack(
        data_dir=data_dir,
        ports=ports,
        spa_dir=SPA,
        log_to_files=True,
        # On a shared server (DATABASE_URL set) this run's databases must not meet another run's.
        db_prefix=f"browser_{uuid.uuid4().hex[:6]}_" if os.environ.get("DATABASE_URL") else "",
    )
    try:
        stack.start()
        assert stack.admin_password
        _seed_indicator_catalogue(stack)
        paths = {
            name: set(httpx.get(f"http://{stack.host}:{ports[name]}/openapi.json", timeout=10).json()["paths"])
            for name in SERVICES
        }
        yield System(
            base_url=stack.base_url, admin_password=stack.admin_password, data_dir=data_dir, service_paths=paths
        )
    finally:
        stack.stop()
        logs = data_dir / "logs"
        if logs.exists():
            shutil.copytree(logs, ARTIFACTS / "logs", dirs_exist_ok=True)


def _seed_indicator_catalogue(stack: "Stack") -> None:
    """The programme catalogue (data sets, indicators) the indicator scenario reports against; idempotent."""
    if importlib.util.find_spec("halfsky_indicators.cli") is None:
        return
    subprocess.run(
        [sys.executable, "-m", "halfsky_indicators.cli", "seed-catalogue"],
        env=stack.env_for("indicators"),
        check=True,
        capture_output=True,
        timeout=120,
    )


def run_scenario(system: System, name: str, timeout: float = 240) -> dict[str, object]:
    """Run scenarios/<name>.mjs against the system; its last stdout line is a JSON summary."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "BASE_URL": system.base_url,
        "ADMIN_PASSWORD": system.admin_password,
        "DEMO_PASSWORD": os.environ.get("HALFSKY_DEMO_PASSWORD", DEMO_PASSWORD),
        "ARTIFACTS": str(ARTIFACTS),
        "CHROMIUM": CHROMIUM,
    }
    failures = []
    for _attempt in range(2):  # one retry, as Playwright's own `retries`: a real fault fails both, a flake is reported
        proc = subprocess.run(
            ["node", str(SCENARIOS / f"{name}.mjs")],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )
        if proc.returncode == 0:
            break
        failures.append(f"exit {proc.returncode}:\n{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}")
        warnings.warn(f"browser scenario {name} failed once, retrying:\n{failures[-1]}", stacklevel=1)
    if proc.returncode != 0:
        pytest.fail(f"scenario {name} failed twice:\n" + "\n---\n".join(failures))
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else {}


@pytest.fixture
def scenario(system: System) -> Callable[..., dict[str, object]]:
    """scenario(name, needs={"cases": "/cases/{case_id}/transitions"}) runs one scenario, skipping when a service
    it needs is still the placeholder in this checkout."""

    def run(name: str, needs: dict[str, str] | None = None) -> dict[str, object]:
        for service, path in (needs or {}).items():
            system.require(service, path)
        return run_scenario(system, name)

    return run
