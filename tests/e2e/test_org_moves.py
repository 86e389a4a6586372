"""A township moved to another county in the gateway's region tree: its cases, projects and indicator forms follow
it in the services (the new county's staff see them, the old county's no longer), also when a service was down at
the time of the move and the gateway's outbox has to deliver it later."""

import time
import uuid
from typing import Any

import httpx

from halfsky_gateway.stack import Stack

PASSWORD = "Org-move-2026-test"


def login(stack: Stack, username: str, password: str) -> dict[str, str]:
    r = httpx.post(f"{stack.base_url}/api/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def call(method: str, stack: Stack, path: str, headers: dict[str, str], **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{stack.base_url}/api{path}", headers=headers, timeout=30, **kwargs)


def unit_id(stack: Stack, admin: dict[str, str], code: str) -> str:
    found = [u for u in call("GET", stack, "/org-units", admin, params={"q": code}).json() if u["code"] == code]
    return str(found[0]["id"])


def user_at(stack: Stack, admin: dict[str, str], unit: str, roles: list[str]) -> dict[str, str]:
    username = f"move_{uuid.uuid4().hex[:8]}"
    body = {"username": username, "name": "测试员", "password": PASSWORD, "roles": roles, "org_unit_id": unit}
    assert call("POST", stack, "/users", admin, json=body).status_code == 201
    return login(stack, username, PASSWORD)


def move(stack: Stack, admin: dict[str, str], unit: str, parent: str) -> None:
    etag = call("GET", stack, f"/org-units/{unit}", admin).headers["etag"]
    r = call("POST", stack, f"/org-units/{unit}/move", {**admin, "If-Match": etag}, json={"parent_id": parent})
    assert r.status_code == 200, r.text


def pending(stack: Stack, admin: dict[str, str], until: list[list[str]], seconds: float = 90) -> list[list[str]]:
    """The services still to tell of each undelivered move, once they are `until` (or time is up)."""
    deadline = time.monotonic() + seconds
    while True:
        moves = call("GET", stack, "/org-units/moves", admin, params={"pending_only": "true"}).json()
        left = [m["pending"] for m in moves]
        if left == until or time.monotonic() > deadline:
            return left
        time.sleep(0.3)


def sees(stack: Stack, headers: dict[str, str], marker: str, project_name: str) -> tuple[int, int]:
    cases = call("GET", stack, "/cases", headers, params={"q": marker}).json()["items"]
    projects = call("GET", stack, "/projects", headers, params={"q": project_name}).json()["items"]
    return len(cases), len(projects)


def test_a_moved_township_takes_its_cases_and_projects_along(stack: Stack) -> None:
    assert stack.admin_password
    admin = login(stack, "admin", stack.admin_password)
    tianhe, yuexiu = unit_id(stack, admin, "440106"), unit_id(stack, admin, "440104")
    code = f"440106{uuid.uuid4().int % 900 + 100}"[:9]
    created = call("POST", stack, "/org-units", admin, json={"code": code, "name": "迁移测试街道", "parent_id": tianhe})
    assert created.status_code == 201, created.text
    street = created.json()["id"]

    hotline = user_at(stack, admin, street, ["hotline_operator"])
    manager = user_at(stack, admin, street, ["project_manager"])
    old_county = user_at(stack, admin, tianhe, ["case_worker", "project_manager", "statistician"])
    new_county = user_at(stack, admin, yuexiu, ["case_worker", "project_manager", "statistician"])

    marker = f"迁移{uuid.uuid4().hex[:6]}"
    case = {
        "channel": "hotline",
        "summary": f"{marker} 丈夫殴打求助",
        "description": "来电人称丈夫多次殴打",
        "primary_category": "domestic_violence",
        "subcategory": "physical",
        "victim": {"name": "王芳", "sex": "female", "age": 36},
    }
    assert call("POST", stack, "/cases", hotline, json=case).status_code == 201
    project_name = f"巾帼技能培训{marker}"
    project = {
        "name": project_name,
        "kind": "self_initiated",
        "category": "skills_training",
        "responsible_person": "刘芳",
        "supervising_leader": "吴桂兰",
        "overall_goal": "培训农村妇女200人",
        "start_date": "2026-03-01",
        "end_date": "2026-12-31",
    }
    r = call("POST", stack, "/projects", manager, json=project)
    assert r.status_code == 201, r.text
    form = f"/indicators/forms/safe_family_annual/{code}/2026"
    values = {"values": [{"element": "communities_total", "value": 7}]}
    assert call("PUT", stack, form, old_county, json=values).status_code == 200
    assert sees(stack, old_county, marker, project_name) == (1, 1)
    assert sees(stack, new_county, marker, project_name) == (0, 0)
    assert call("GET", stack, form, new_county).status_code == 403

    move(stack, admin, street, yuexiu)
    assert pending(stack, admin, until=[]) == []
    assert sees(stack, new_county, marker, project_name) == (1, 1)
    assert sees(stack, old_county, marker, project_name) == (0, 0)
    # the street's form is the new county's to read and write, by its code or its new path; the old one's no more
    r = call("GET", stack, form, new_county)
    assert r.status_code == 200 and r.json()["org_path"] == f"/44/4401/440104/{code}/", r.text
    r = call("PUT", stack, form, {**new_county, "If-Match": r.headers["etag"]}, json=values)
    assert r.status_code == 200, r.text
    by_path = call("GET", stack, "/indicators/data-values", new_county, params={"org": f"/44/4401/440104/{code}/"})
    assert by_path.status_code == 200 and len(by_path.json()["items"]) == 1
    assert call("GET", stack, form, old_county).status_code == 403
    assert call("PUT", stack, form, old_county, json=values).status_code == 403
    assert sees(stack, login_again(stack, hotline), marker, project_name)[0] == 1  # its own staff, with a new token

    # moved back while the projects service is down: cases follow at once, projects once it is back
    stack.stop_process("projects")
    try:
        move(stack, admin, street, tianhe)
        assert pending(stack, admin, until=[["projects"]], seconds=30) == [["projects"]]
        assert call("GET", stack, "/cases", old_county, params={"q": marker}).json()["items"]
    finally:
        stack.start_process("projects")
    assert pending(stack, admin, until=[]) == []  # the outbox retries every 30 s
    assert sees(stack, old_county, marker, project_name) == (1, 1)
    assert sees(stack, new_county, marker, project_name) == (0, 0)
    assert call("GET", stack, form, old_county).json()["org_path"] == f"/44/4401/440106/{code}/"
    assert call("GET", stack, form, new_county).status_code == 403


def login_again(stack: Stack, headers: dict[str, str]) -> dict[str, str]:
    """A user's token carries the org path of sign-in time; the moved unit's staff sign in again."""
    me = httpx.get(f"{stack.base_url}/api/auth/me", headers=headers).json()
    return login(stack, me["username"], PASSWORD)
