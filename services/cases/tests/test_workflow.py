"""The workflow: every allowed and forbidden transition, required fields, timestamps, timeline, If-Match."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cases_factories import case_payload, user

WORKER = user(["case_worker"])
STATUSES = ["received", "accepted", "declined", "in_progress", "resolved", "followed_up", "archived"]
# The table as the issue states it, written out independently of the code.
ALLOWED = {
    ("received", "accepted"),
    ("received", "declined"),
    ("accepted", "in_progress"),
    ("declined", "archived"),
    ("in_progress", "resolved"),
    ("resolved", "followed_up"),
    ("followed_up", "archived"),
    ("resolved", "in_progress"),  # reopen
    ("followed_up", "in_progress"),  # reopen
    ("archived", "in_progress"),  # reopen
}
PATH_TO = {
    "received": [],
    "accepted": ["accepted"],
    "declined": ["declined"],
    "in_progress": ["accepted", "in_progress"],
    "resolved": ["accepted", "in_progress", "resolved"],
    "followed_up": ["accepted", "in_progress", "resolved", "followed_up"],
    "archived": ["accepted", "in_progress", "resolved", "followed_up", "archived"],
}
EVERYTHING = {
    "reason": "当事人要求重新处理",
    "outcome": "经调解双方达成协议，男方书面保证不再施暴",
    "resolution_type": "mediated",
    "satisfaction": 4,
    "notes": "电话回访，当事人表示近期未再发生暴力",
}


async def new_case(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    r = await client.post("/cases", json=case_payload(**overrides), headers=WORKER)
    assert r.status_code == 201, r.text
    return r.json()


async def step(client: httpx.AsyncClient, case: dict[str, Any], to: str, **body: Any) -> httpx.Response:
    headers = {**WORKER, "If-Match": f'W/"{case["version"]}"'}
    return await client.post(f"/cases/{case['id']}/transitions", json={"to": to, **body}, headers=headers)


async def drive(client: httpx.AsyncClient, case: dict[str, Any], status: str) -> dict[str, Any]:
    for target in PATH_TO[status]:
        r = await step(client, case, target, **EVERYTHING)
        assert r.status_code == 200, r.text
        case = r.json()
    return case


@pytest.mark.parametrize("source", STATUSES)
async def test_every_transition_from(client: httpx.AsyncClient, source: str) -> None:
    for target in STATUSES:
        case = await drive(client, await new_case(client), source)
        r = await step(client, case, target, **EVERYTHING)
        if (source, target) in ALLOWED:
            assert r.status_code == 200, (source, target, r.text)
            assert r.json()["status"] == target
        else:
            assert r.status_code == 409, (source, target, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["current_status"] == source
            assert r.json()["code"] == "illegal_transition"
            assert r.json()["allowed_from"] == sorted(s for s, t in ALLOWED if t == target)


async def test_required_fields_per_step(client: httpx.AsyncClient) -> None:
    case = await new_case(client)
    r = await step(client, case, "declined")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    case = await drive(client, case, "in_progress")
    r = await step(client, case, "resolved")
    assert {e["field"] for e in r.json()["errors"]} == {"outcome", "resolution_type"}
    r = await step(client, case, "resolved", outcome="调解成功", resolution_type="mediated")
    case = r.json()
    r = await step(client, case, "followed_up", notes="回访")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "satisfaction"
    assert (await step(client, case, "followed_up", satisfaction=6, notes="x")).status_code == 422
    r = await step(client, case, "in_progress")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"


async def test_statuses_stamp_times_and_the_timeline_records_each_step(client: httpx.AsyncClient) -> None:
    case = await drive(client, await new_case(client), "archived")
    for stamp in ("accepted_at", "started_at", "resolved_at", "followed_up_at", "archived_at"):
        assert case[stamp] is not None, stamp
    assert case["satisfaction"] == 4 and case["resolution_type"] == "mediated"
    assert case["resolve_due_at"] is not None
    reopened = (await step(client, case, "in_progress", reason="男方再次施暴")).json()
    assert reopened["reopen_count"] == 1 and reopened["reopen_reason"] == "男方再次施暴"
    events = (await client.get(f"/cases/{case['id']}/timeline", headers=WORKER)).json()
    steps = [(e["from_status"], e["to_status"]) for e in events if e["kind"] == "transition"]
    assert steps == [
        ("received", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "followed_up"),
        ("followed_up", "archived"),
        ("archived", "in_progress"),
    ]
    assert events[0]["kind"] == "created"
    assert all(e["actor_name"] == "李晓红" for e in events)


async def test_if_match_is_required_and_a_stale_one_conflicts(client: httpx.AsyncClient) -> None:
    case = await new_case(client)
    url = f"/cases/{case['id']}/transitions"
    assert (await client.post(url, json={"to": "accepted"}, headers=WORKER)).status_code == 428
    ok = await step(client, case, "accepted")
    assert ok.status_code == 200 and ok.headers["ETag"] == 'W/"2"'
    stale = await step(client, case, "in_progress")  # still holds version 1
    assert stale.status_code == 412
    patch = await client.patch(
        f"/cases/{case['id']}", json={"summary": "新摘要"}, headers={**WORKER, "If-Match": 'W/"1"'}
    )
    assert patch.status_code == 412
    patch = await client.patch(
        f"/cases/{case['id']}", json={"summary": "新摘要"}, headers={**WORKER, "If-Match": 'W/"2"'}
    )
    assert patch.status_code == 200 and patch.json()["summary"] == "新摘要" and patch.json()["version"] == 3


async def test_assignment_and_reassessment(client: httpx.AsyncClient) -> None:
    case = await new_case(client)
    r = await client.put(
        f"/cases/{case['id']}/assignment",
        json={"handler_id": "u-42", "handler_name": "李晓红"},
        headers={**WORKER, "If-Match": 'W/"1"'},
    )
    assert r.status_code == 200 and r.json()["handler_name"] == "李晓红"
    r = await client.post(
        f"/cases/{case['id']}/risk-assessments",
        json={"threatened_to_kill": True, "weapon": True},
        headers={**WORKER, "If-Match": 'W/"2"'},
    )
    assert r.status_code == 201 and r.json()["level"] == "critical"
    detail = (await client.get(f"/cases/{case['id']}", headers=WORKER)).json()
    assert detail["urgent"] is True and detail["version"] == 3
    mine = (await client.get("/cases", params={"handler_id": "u-42"}, headers=WORKER)).json()["items"]
    assert [c["id"] for c in mine] == [case["id"]]


async def test_only_handlers_move_cases(client: httpx.AsyncClient) -> None:
    case = await new_case(client)
    for roles in (["hotline_operator"], ["auditor"], ["statistician"]):
        headers = {**user(roles), "If-Match": 'W/"1"'}
        r = await client.post(f"/cases/{case['id']}/transitions", json={"to": "accepted"}, headers=headers)
        assert r.status_code == 403, roles


async def test_deadlines_skip_the_weekend_and_overdue_cases_are_listed(client: httpx.AsyncClient) -> None:
    friday = datetime(2026, 3, 13, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai, a Friday
    case = await new_case(client, received_at=friday.isoformat())
    assert datetime.fromisoformat(case["accept_due_at"]) == datetime(2026, 3, 16, 7, 0, tzinfo=UTC)
    assert case["overdue"] is True
    fresh = await new_case(client)
    assert fresh["overdue"] is False
    overdue = (await client.get("/cases", params={"overdue": "true"}, headers=WORKER)).json()["items"]
    assert [c["id"] for c in overdue] == [case["id"]]
    accepted = await step(client, fresh, "accepted")
    due = datetime.fromisoformat(accepted.json()["resolve_due_at"])
    assert timedelta(days=29, hours=23) < due - datetime.now(UTC) <= timedelta(days=30)
