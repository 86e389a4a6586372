"""Fixtures of the projects suite: a migrated database of its own, the app in-process, a clean slate per test."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from halfsky_common.db import make_engine
from halfsky_common.migrations import upgrade_async
from halfsky_common.testing import auth, fresh_database, make_token, running, shared_key_pair, truncate_all
from halfsky_projects.config import Settings
from halfsky_projects.main import create_app
from halfsky_projects.models import Base

SERVICE_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
async def db_url() -> str:
    url = await fresh_database("projects")
    engine = make_engine(url)
    await upgrade_async(SERVICE_DIR, engine)
    await engine.dispose()
    return url


@pytest.fixture(scope="session")
def app(db_url: str) -> FastAPI:
    return create_app(Settings(database_url=db_url, jwt_public_key=shared_key_pair()[1]))


@pytest.fixture(scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as c:
        yield c


@pytest.fixture(autouse=True)
async def clean_tables(app: FastAPI, client: httpx.AsyncClient) -> AsyncIterator[None]:
    yield
    await truncate_all(app.state.engine, Base.metadata)


TIANHE = "/44/4401/440106/"
YUEXIU = "/44/4401/440103/"
GUANGZHOU = "/44/4401/"
SHIPAI = "/44/4401/440106/440106001/"  # a street (township level) of 天河区
SHIPAI_VILLAGE = "/44/4401/440106/440106001/440106001001/"

PATH_TO = {
    "draft": [],
    "submitted": ["submit"],
    "under_review": ["submit", "start_review"],
    "approved": ["submit", "start_review", "@review", "approve"],
    "in_progress": ["submit", "start_review", "@review", "approve", "start"],
}


class Api:
    """Test helper: tokens of the demo staff and shortcuts for the common requests."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.pm = auth(make_token(roles=["project_manager"], org_path=TIANHE, name="刘芳", sub="pm-th"))
        self.leader = auth(make_token(roles=["leader"], org_path=TIANHE, name="吴桂兰", sub="leader-th"))
        self.city_leader = auth(make_token(roles=["leader"], org_path=GUANGZHOU, name="陈秀英", sub="leader-gz"))
        self.city_pm = auth(make_token(roles=["project_manager"], org_path=GUANGZHOU, name="王慧", sub="pm-gz"))
        self.other_pm = auth(make_token(roles=["project_manager"], org_path=YUEXIU, name="何美玲", sub="pm-yx"))
        self.other_leader = auth(make_token(roles=["leader"], org_path=YUEXIU, name="林小燕", sub="leader-yx"))
        self.statistician = auth(make_token(roles=["statistician"], org_path=TIANHE, name="周静", sub="stat-th"))
        self.auditor = auth(make_token(roles=["auditor"], org_path=TIANHE, name="郑雪梅", sub="aud-th"))
        self.street_pm = auth(make_token(roles=["project_manager"], org_path=SHIPAI, name="邓丽", sub="pm-sp"))

    def project_body(self, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
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
        body.update(overrides)
        return body

    async def create(self, headers: dict[str, str] | None = None, **overrides: Any) -> dict[str, Any]:
        r = await self.client.post("/projects", json=self.project_body(**overrides), headers=headers or self.pm)
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def act(self, pid: str, action: str, headers: dict[str, str], reason: str = "") -> httpx.Response:
        body = {"reason": reason} if reason else None
        return await self.client.post(f"/projects/{pid}/actions/{action}", json=body, headers=headers)

    async def review(self, pid: str, headers: dict[str, str] | None = None, score: int = 86) -> httpx.Response:
        body = {"score": score, "recommendation": "approve", "opinion": "目标明确，预算合理，同意立项"}
        return await self.client.post(f"/projects/{pid}/reviews", json=body, headers=headers or self.leader)

    async def advance(self, pid: str, status: str) -> None:
        """Walk a draft project through the lifecycle to `status`."""
        for step in PATH_TO[status]:
            if step == "@review":
                r = await self.review(pid)
                assert r.status_code == 201, r.text
                continue
            who = self.pm if step in {"submit", "start"} else self.leader
            r = await self.act(pid, step, who)
            assert r.status_code == 200, (step, r.text)

    async def running_project(self, **overrides: Any) -> dict[str, Any]:
        """A project already in progress (实施)."""
        project = await self.create(**overrides)
        await self.advance(project["id"], "in_progress")
        return project


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    return Api(client)
