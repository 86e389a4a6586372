"""The small scripts the images and compose run: the secret-file entrypoint and compose's database set-up."""

import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from deploy_system import DEPLOY, PG_BIN, System

from halfsky_common.pgserver import DATABASES

ENTRYPOINT = DEPLOY / "docker" / "entrypoint.sh"


def entrypoint(*command: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(ENTRYPOINT), *command], env={"PATH": os.environ["PATH"], **env}, capture_output=True, text=True
    )


def test_entrypoint_turns_secret_files_into_settings(tmp_path: Path) -> None:
    (tmp_path / "key").write_text("q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJ+/0=\n")
    (tmp_path / "pw").write_text("s3cr3t 'with' $pecial chars")
    result = entrypoint(
        "sh",
        "-c",
        'printf "%s|%s|%s|%s" "$CASES_DATA_KEY" "$PGPASSWORD" "${CASES_DATA_KEY_FROM_FILE-gone}" '
        '"$CASES_JWT_PUBLIC_KEY_FILE"',
        CASES_DATA_KEY_FROM_FILE=str(tmp_path / "key"),
        PGPASSWORD_FROM_FILE=str(tmp_path / "pw"),
        CASES_JWT_PUBLIC_KEY_FILE="/run/secrets/jwt_public_key",  # a setting that takes a file itself: untouched
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJ+/0=|s3cr3t 'with' $pecial chars|gone|/run/secrets/jwt_public_key"
    )


def test_entrypoint_refuses_to_start_without_its_secret(tmp_path: Path) -> None:
    result = entrypoint("true", CASES_DATA_KEY_FROM_FILE=str(tmp_path / "missing"))
    assert result.returncode == 64
    assert "CASES_DATA_KEY_FROM_FILE" in result.stderr


def test_entrypoint_prepares_an_empty_folder_for_the_workers_metrics(tmp_path: Path) -> None:
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    (metrics / "counter_1234.db").write_bytes(b"stale")  # left by a worker of the previous start
    result = entrypoint("true", PROMETHEUS_MULTIPROC_DIR=str(metrics))
    assert result.returncode == 0, result.stderr
    assert metrics.is_dir() and list(metrics.iterdir()) == []


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="creates a cluster-wide role: embedded server only")
def test_compose_db_init_creates_the_role_and_databases_and_can_run_again(system: System, tmp_path: Path) -> None:
    socket_dir = parse_qs(urlsplit(system.server).query)["host"][0]
    (tmp_path / "postgres_password").write_text("unused-with-trust-auth")
    (tmp_path / "db_password").write_text("Fulian-2026-db")
    prefix = f"init{uuid.uuid4().hex[:6]}_"
    env = {"PATH": f"{PG_BIN}:{os.environ['PATH']}", "PGHOST": socket_dir, "SECRETS_DIR": str(tmp_path)}
    for _ in range(2):
        result = subprocess.run(
            ["sh", str(DEPLOY / "compose" / "db-init.sh")],
            env={**env, "HALFSKY_DB_PREFIX": prefix},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
    assert system.databases(prefix) == {f"{prefix}halfsky_{c}": "halfsky" for c in DATABASES}
    system.drop_databases(prefix)
