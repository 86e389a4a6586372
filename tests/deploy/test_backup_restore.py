"""deploy/backup.sh and deploy/restore.sh: a working system is backed up, loses its databases, is restored, and then
holds the same rows and answers the same questions.

Each component has a Probe: `write` puts real data in through its real entry point (the gateway's bootstrap and CLI,
the services' routes, the indicator service's CLI), `read` asks the running app what an operator would check
afterwards, statistics and analytics included. To cover more, extend a probe's `read` or add one to PROBES; every
table and sequence of every database is compared as well.
"""

import asyncio
import hashlib
import os
import shutil
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest
from deploy_system import DEPLOY, PG_BIN, System

from halfsky_cases.config import Settings as CasesSettings
from halfsky_cases.main import create_app as cases_app
from halfsky_common.pgserver import DATABASES
from halfsky_common.testing import auth, make_token, running
from halfsky_gateway.cli import DEMO_USERS
from halfsky_gateway.config import Settings as GatewaySettings
from halfsky_gateway.main import create_app as gateway_app
from halfsky_indicators.config import Settings as IndicatorsSettings
from halfsky_indicators.main import create_app as indicators_app
from halfsky_projects.config import Settings as ProjectsSettings
from halfsky_projects.main import create_app as projects_app

TIANHE = "/44/4401/440106/"
DEMO_PASSWORD = "Demo-2026-halfsky"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def user(roles: list[str], org_path: str = TIANHE, name: str = "李晓红") -> dict[str, str]:
    code = org_path.strip("/").rsplit("/", 1)[-1]
    return auth(make_token(roles=roles, org_path=org_path, org_code=code, name=name, sub=str(uuid.uuid4())))


def without(item: dict[str, Any], *keys: str) -> dict[str, Any]:
    """The item less fields that change with the clock."""
    return {k: v for k, v in item.items() if k not in keys}


class GatewayProbe:
    """The one-host bootstrap (demo tree and users, first admin, indicator client); sign-ins and lists after."""

    name = "gateway"

    def __init__(self) -> None:
        self.client_id = ""
        self.client_secret = ""

    def write(self, s: System, tmp: Path) -> None:
        out = tmp / "bootstrap"
        out.mkdir()
        result = s.run(
            "sh",
            DEPLOY / "docker" / "bootstrap.sh",
            GATEWAY_DATABASE_URL=s.urls["gateway"],
            HALFSKY_DEMO="1",
            HALFSKY_ADMIN_PASSWORD=s.admin_password,
            HALFSKY_BOOTSTRAP_DIR=str(out),
        )
        assert "created admin user 'admin'" in result.stdout, result.stdout + result.stderr
        assert s.admin_password not in result.stdout + result.stderr  # the secret stays out of the log
        self.client_id = (out / "indicators_client_id").read_text()
        self.client_secret = (out / "indicators_client_secret").read_text()
        assert self.client_id.startswith("hs_")

    async def read(self, s: System) -> dict[str, Any]:
        settings = GatewaySettings(
            database_url=s.urls["gateway"], jwt_private_key=s.private_key, jwt_public_key=s.public_key
        )
        async with running(gateway_app(settings)) as c:

            async def login(username: str, password: str) -> dict[str, str]:
                r = await c.post("/api/auth/login", json={"username": username, "password": password})
                assert r.status_code == 200, r.text
                return {"Authorization": f"Bearer {r.json()['access_token']}"}

            admin = await login("admin", s.admin_password)
            users = (await c.get("/api/users?limit=100", headers=admin)).json()["items"]
            me = (await c.get("/api/auth/me", headers=await login("th_caseworker", DEMO_PASSWORD))).json()
            token = await c.post(
                "/api/auth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                },
            )
            roots = (await c.get("/api/org-units", headers=admin)).json()
        return {
            "users": sorted((u["username"], tuple(u["roles"]), u["org_unit"]["code"]) for u in users),
            "me": me,
            "client_scope": token.json().get("scope"),
            "roots": sorted((u["code"], u["name"]) for u in roots),
        }


class CasesProbe:
    """A 12338 hotline case with encrypted victim details and a photo as evidence."""

    name = "cases"

    def __init__(self) -> None:
        self.case_id = ""

    def settings(self, s: System) -> CasesSettings:
        return CasesSettings(
            database_url=s.urls["cases"], jwt_public_key=s.public_key, data_dir=s.data_dir, data_key=s.data_key
        )

    def write(self, s: System, tmp: Path) -> None:
        asyncio.run(self._write(s))

    async def _write(self, s: System) -> None:
        body = {
            "channel": "hotline",
            "summary": "丈夫多次殴打，要求帮助",
            "description": "来电人称丈夫酒后多次殴打她，最近一次致手臂淤青，担心孩子安全。",
            "primary_category": "domestic_violence",
            "subcategory": "physical",
            "victim": {
                "name": "王芳",
                "sex": "female",
                "birth_date": "1988-03-12",
                "id_number": "440106198803120025",
                "phone": "13800138000",
                "address": "广州市天河区林和街道某小区5栋",
            },
        }
        async with running(cases_app(self.settings(s))) as c:
            r = await c.post("/cases", json=body, headers=user(["hotline_operator"], name="张敏"))
            assert r.status_code == 201, r.text
            self.case_id = r.json()["id"]
            r = await c.post(
                f"/cases/{self.case_id}/attachments",
                files={"file": ("伤情照片.png", PNG, "image/png")},
                data={"description": "手臂淤青"},
                headers=user(["case_worker"]),
            )
            assert r.status_code == 201, r.text

    async def read(self, s: System) -> dict[str, Any]:
        worker = user(["case_worker"])
        async with running(cases_app(self.settings(s))) as c:
            listed = (await c.get("/cases?limit=50", headers=worker)).json()["items"]
            detail = (await c.get(f"/cases/{self.case_id}", headers=worker)).json()
            victim = (
                await c.get(f"/cases/persons/{detail['victim']['id']}?reveal=true&reason=恢复演练核对", headers=worker)
            ).json()
            files = (await c.get(f"/cases/{self.case_id}/attachments", headers=worker)).json()
            content = await c.get(f"/cases/{self.case_id}/attachments/{files[0]['id']}/content", headers=worker)
            leader = user(["leader"], "/44/4401/", name="陈秀英")
            year = str(datetime.now(UTC).year)
            stats = await c.get("/cases/stats", params={"period": year, "level": 3}, headers=leader)
            feed = await c.get("/cases/stats/feed", params={"period": year}, headers=leader)
        assert stats.status_code == 200 and feed.status_code == 200, stats.text + feed.text
        assert feed.json()["rows"], "the case is counted in the feed"
        return {
            "stats": stats.json(),
            "feed": without(feed.json(), "generated_at"),
            "list": [without(i, "overdue") for i in listed],
            "detail": without(detail, "overdue"),
            "revealed": {k: victim[k] for k in ("id_number", "phone", "address")},
            "files": files,
            "content": (content.status_code, hashlib.sha256(content.content).hexdigest()),
        }


class ProjectsProbe:
    """A skills-training project of 天河区."""

    name = "projects"
    BODY: ClassVar[dict[str, Any]] = {
        "name": "巾帼创业就业技能培训",
        "kind": "government_purchase",
        "category": "skills_training",
        "responsible_person": "刘芳",
        "supervising_leader": "吴桂兰",
        "overall_goal": "全年培训农村妇女10000人，扶持创业1000人，带动就业5000人",
        "stage_goals": [{"title": "一季度完成1500人培训", "due_date": "2026-03-31"}],
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "target_groups": ["农村妇女", "城镇大龄女性"],
        "target_beneficiaries": 10000,
        "partner_agencies": ["人社局", "县职业技术学校"],
        "funder": "区财政",
    }

    def __init__(self) -> None:
        self.project_id = ""

    def settings(self, s: System) -> ProjectsSettings:
        return ProjectsSettings(database_url=s.urls["projects"], jwt_public_key=s.public_key)

    def write(self, s: System, tmp: Path) -> None:
        async def create() -> None:
            async with running(projects_app(self.settings(s))) as c:
                r = await c.post("/projects", json=self.BODY, headers=user(["project_manager"], name="刘芳"))
                assert r.status_code == 201, r.text
                self.project_id = r.json()["id"]

        asyncio.run(create())

    async def read(self, s: System) -> dict[str, Any]:
        pm = user(["project_manager"], name="刘芳")
        async with running(projects_app(self.settings(s))) as c:
            detail = (await c.get(f"/projects/{self.project_id}", headers=pm)).json()
            listed = (await c.get("/projects", headers=pm)).json()["items"]
            stats = await c.get("/projects/stats", params={"period": "2026"}, headers=user(["leader"]))
        assert stats.status_code == 200, stats.text
        return {"detail": detail, "list": [(p["code"], p["status"]) for p in listed], "stats": stats.json()}


class IndicatorsProbe:
    """The programme catalogue and the demo values, loaded by the indicator service's own CLI."""

    name = "indicators"

    def write(self, s: System, tmp: Path) -> None:
        result = s.run(
            "python", "-m", "halfsky_indicators.cli", "demo-data", INDICATORS_DATABASE_URL=s.urls["indicators"]
        )
        assert result.returncode == 0

    async def read(self, s: System) -> dict[str, Any]:
        settings = IndicatorsSettings(database_url=s.urls["indicators"], jwt_public_key=s.public_key)
        admin = user(["admin"], org_path="/44/", name="系统管理员")
        async with running(indicators_app(settings)) as c:
            catalogue = (await c.get("/indicators?limit=100", headers=admin)).json()["items"]
            values = (await c.get("/indicators/data-values?limit=100", headers=admin)).json()["items"]
            reports = (await c.get("/indicators/reports?limit=100", headers=admin)).json()["items"]
            # the analytics over the demo values, from both analytics tables and the values themselves
            codes = ",".join(i["code"] for i in catalogue[:40])
            query = {"indicators": codes, "orgs": "4401", "periods": "2024,2025", "level": "3"}
            analytics = {}
            for engine in ("table", "values", "raw"):
                r = await c.get("/indicators/analytics", params={**query, "engine": engine}, headers=admin)
                assert r.status_code == 200, r.text
                analytics[engine] = r.json()["rows"]
        assert catalogue and values
        assert analytics["table"] == analytics["values"] == analytics["raw"]
        assert any(row["value"] is not None for row in analytics["table"])
        return {"catalogue": catalogue, "values": values, "reports": reports, "analytics": analytics["table"]}


PROBES = [GatewayProbe(), CasesProbe(), ProjectsProbe(), IndicatorsProbe()]


def answers(s: System) -> dict[str, Any]:
    """What every probe reads from its running app."""

    async def read_all() -> dict[str, Any]:
        return {p.name: await p.read(s) for p in PROBES}

    return asyncio.run(read_all())


def test_backup_then_restore_gives_back_every_row_and_the_same_answers(system: System, tmp_path: Path) -> None:
    for probe in PROBES:
        probe.write(system, tmp_path)
    before = answers(system)
    rows_before = system.contents()
    assert len(before["gateway"]["users"]) == len(DEMO_USERS) + 1  # the demo staff and the admin
    assert len(before["cases"]["list"]) == 1 and len(before["projects"]["list"]) == 1
    assert before["cases"]["revealed"]["phone"] == "13800138000"

    backups = tmp_path / "backups"
    result = system.run("bash", DEPLOY / "backup.sh", backups, ATTACHMENTS_DIR=str(system.attachments_dir))
    folder = Path(result.stdout.strip().splitlines()[-1])
    assert folder.parent == backups and folder.name.startswith("halfsky-")
    assert sorted(p.name for p in folder.iterdir()) == [
        "MANIFEST",
        "SHA256SUMS",
        "attachments.tar.gz",
        *sorted(f"halfsky_{c}.dump" for c in ("cases", "gateway", "indicators", "projects")),
    ]
    assert (folder / "halfsky_cases.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    system.drop_databases()
    shutil.rmtree(system.attachments_dir)
    assert system.databases() == {}

    result = system.run("bash", DEPLOY / "restore.sh", "--yes", folder, ATTACHMENTS_DIR=str(system.attachments_dir))
    assert f"restored from {folder}" in result.stdout
    assert set(system.databases()) == {system.prefix + db for db in DATABASES.values()}
    assert system.contents() == rows_before
    assert answers(system) == before


def test_restore_checks_before_it_drops_anything(system: System, tmp_path: Path) -> None:
    folder = Path(system.run("bash", DEPLOY / "backup.sh", tmp_path).stdout.strip().splitlines()[-1])
    rows = system.contents()

    unconfirmed = system.run("bash", DEPLOY / "restore.sh", folder, check=False)
    assert unconfirmed.returncode == 2 and "would replace" in unconfirmed.stderr

    dump = folder / "halfsky_projects.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    corrupt = system.run("bash", DEPLOY / "restore.sh", "--yes", folder, check=False)
    assert corrupt.returncode == 1 and "checksums" in corrupt.stderr

    unknown = system.run("bash", DEPLOY / "restore.sh", "--yes", folder, "payroll", check=False)
    assert unknown.returncode == 1 and "unknown component payroll" in unknown.stderr
    assert system.contents() == rows  # nothing was touched


def test_backup_keeps_the_newest_and_leaves_no_half_backup(system: System, tmp_path: Path) -> None:
    for _ in range(3):
        system.run("bash", DEPLOY / "backup.sh", tmp_path, BACKUP_KEEP="2")
        time.sleep(1.05)  # backups are named by the second
    assert len(list(tmp_path.glob("halfsky-*"))) == 2

    missing = system.run("bash", DEPLOY / "backup.sh", tmp_path / "other", DB_PREFIX="nosuch_", check=False)
    assert missing.returncode == 1 and "nosuch_halfsky_gateway does not exist" in missing.stderr
    assert list((tmp_path / "other").iterdir()) == []


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="knows the embedded server's version (18)")
def test_scripts_pick_a_client_as_new_as_the_server(system: System, tmp_path: Path) -> None:
    """An older pg_dump first on the PATH (as Debian's 15 here) is passed over for one of the server's version."""
    old = tmp_path / "old-bin"
    old.mkdir()
    (old / "pg_dump").write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 15.18'\n")
    (old / "pg_dump").chmod(0o755)
    (old / "psql").symlink_to(PG_BIN / "psql")
    env_path = f"{old}:{system.script_env()['PATH']}"
    result = system.run("bash", DEPLOY / "backup.sh", tmp_path / "b", PATH=env_path)
    manifest = (Path(result.stdout.strip().splitlines()[-1]) / "MANIFEST").read_text()
    assert "pg_dump: pg_dump (PostgreSQL) 18." in manifest and "server_major: 18" in manifest

    only_old = system.run("bash", DEPLOY / "backup.sh", tmp_path / "c", PG_BIN=str(old), check=False)
    assert only_old.returncode == 1 and "no pg_dump of PostgreSQL 18 or newer" in only_old.stderr


@pytest.mark.parametrize("scheme", ["postgresql", "postgresql+asyncpg"])
def test_scripts_read_the_password_from_the_url_not_the_command_line(system: System, scheme: str) -> None:
    """A URL with user:password is split so that pg_dump never sees the password in its arguments."""
    result = system.run(
        "bash",
        "-c",
        f'. {DEPLOY}/pgtools.sh; pg_parse_url; echo "$PG_AUTHORITY|$PG_MAINT_DB|$PG_QUERY|$PGPASSWORD"; '
        'pg_url halfsky_cases; echo; DB_PREFIX=x_; echo "$(pg_db_name cases)"',
        DATABASE_URL=f"{scheme}://halfsky:s%40cr%3At@db.example.org:5432/postgres?sslmode=require",
        DB_PREFIX="",
    )
    assert result.stdout.splitlines() == [
        "halfsky@db.example.org:5432|postgres|?sslmode=require|s@cr:t",
        "postgresql://halfsky@db.example.org:5432/halfsky_cases?sslmode=require",
        "x_halfsky_cases",
    ]
