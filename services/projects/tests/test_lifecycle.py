"""The lifecycle: every allowed and forbidden transition, approval rights, reasons, the recorded timeline."""

import httpx
import pytest

from halfsky_projects.projects.workflow import TRANSITIONS

REACHABLE = {
    "draft": [],
    "submitted": ["submit"],
    "under_review": ["submit", "start_review"],
    "returned": ["submit", "return"],
    "rejected": ["submit", "start_review", "reject"],
    "approved": ["submit", "start_review", "@review", "approve"],
    "in_progress": ["submit", "start_review", "@review", "approve", "start"],
    "suspended": ["submit", "start_review", "@review", "approve", "start", "suspend"],
    "closing": ["submit", "start_review", "@review", "approve", "start", "request_close"],
    "closed": ["submit", "start_review", "@review", "approve", "start", "request_close", "@final", "close"],
}
MANAGER_ACTIONS = {"submit", "start", "request_close"}


async def _project_in(api, status: str) -> str:
    project = await api.create()
    for step in REACHABLE[status]:
        if step == "@review":
            assert (await api.review(project["id"])).status_code == 201
            continue
        if step == "@final":
            await _final_evaluation(api, project["id"])
            continue
        who = api.pm if step in MANAGER_ACTIONS else api.leader
        r = await api.act(project["id"], step, who, reason="需要补充材料")
        assert r.status_code == 200, (status, step, r.text)
    return str(project["id"])


async def _final_evaluation(api, pid: str) -> None:
    report = await api.client.post(
        f"/projects/{pid}/attachments?filename=终期评估报告.pdf",
        content=b"%PDF-1.4",
        headers={**api.pm, "Content-Type": "application/pdf"},
    )
    body = {
        "kind": "final",
        "conducted_on": "2026-12-20",
        "evaluator": "区妇联",
        "continue_next_round": False,
        "report_id": report.json()["id"],
    }
    assert (await api.client.post(f"/projects/{pid}/evaluations", json=body, headers=api.pm)).status_code == 201


@pytest.mark.parametrize("status", sorted(REACHABLE))
async def test_every_action_from_every_status(api, status: str) -> None:
    pid = await _project_in(api, status)
    allowed = {a for a, t in TRANSITIONS.items() if status in t.sources}
    for action in sorted(set(TRANSITIONS) - allowed):
        r = await api.act(pid, action, api.pm if action in MANAGER_ACTIONS else api.leader, reason="原因")
        assert r.status_code == 409, (status, action, r.text)
        assert r.json()["current_status"] == status
        assert r.json()["code"] == "illegal_transition" and r.json()["allowed_from"] == sorted(
            TRANSITIONS[action].sources
        )
    for action in sorted(allowed):
        fresh = await _project_in(api, status)
        if action == "close":
            await _final_evaluation(api, fresh)
        if action == "approve":
            assert (await api.review(fresh)).status_code == 201
        who = api.pm if action in MANAGER_ACTIONS else api.leader
        r = await api.act(fresh, action, who, reason="原因说明")
        assert r.status_code == 200, (status, action, r.text)
        assert r.json()["status"] == TRANSITIONS[action].target


async def test_unknown_action_is_404(api) -> None:
    pid = await _project_in(api, "draft")
    assert (await api.act(pid, "teleport", api.pm)).status_code == 404


async def test_approval_needs_a_leader_of_the_lead_unit_or_above(api) -> None:
    pid = await _project_in(api, "under_review")
    assert (await api.review(pid)).status_code == 201
    assert (await api.act(pid, "approve", api.pm)).status_code == 403
    assert (await api.act(pid, "approve", api.city_pm)).status_code == 403
    assert (await api.act(pid, "approve", api.other_leader)).status_code == 404
    from halfsky_common.testing import auth, make_token

    street_leader = auth(make_token(roles=["leader"], org_path="/44/4401/440106/440106001/"))
    assert (await api.act(pid, "approve", street_leader)).status_code == 404
    r = await api.act(pid, "approve", api.city_leader)
    assert r.status_code == 200
    assert r.json()["approved_by"] == "陈秀英"


async def test_managers_cannot_take_leader_actions_and_back(api) -> None:
    pid = await _project_in(api, "submitted")
    assert (await api.act(pid, "start_review", api.pm)).status_code == 403
    draft = await _project_in(api, "draft")
    assert (await api.act(draft, "submit", api.leader)).status_code == 403


async def test_approval_needs_a_review_first(api) -> None:
    pid = await _project_in(api, "under_review")
    r = await api.act(pid, "approve", api.leader)
    assert r.status_code == 409
    assert "review" in r.json()["detail"]


async def test_reject_return_suspend_need_a_reason(api, client: httpx.AsyncClient) -> None:
    pid = await _project_in(api, "under_review")
    for action in ("reject", "return"):
        r = await client.post(f"/projects/{pid}/actions/{action}", headers=api.leader)
        assert r.status_code == 422
        assert r.json()["errors"][0]["field"] == "reason"
    running = await _project_in(api, "in_progress")
    r = await client.post(f"/projects/{running}/actions/suspend", json={"reason": " "}, headers=api.pm)
    assert r.status_code == 422
    r = await api.act(running, "suspend", api.pm, reason="分管领导调整，资金未拨付")
    assert r.json()["status"] == "suspended" and r.json()["status_reason"] == "分管领导调整，资金未拨付"


async def test_returned_project_can_be_revised_and_resubmitted(api, client: httpx.AsyncClient) -> None:
    pid = await _project_in(api, "returned")
    r = await client.patch(f"/projects/{pid}", json={"category": "employment"}, headers={**api.pm, "If-Match": "*"})
    assert r.status_code == 200
    assert (await api.act(pid, "submit", api.pm)).json()["status"] == "submitted"


async def test_every_transition_is_recorded(api, client: httpx.AsyncClient) -> None:
    pid = await _project_in(api, "suspended")
    await api.act(pid, "resume", api.leader)
    events = (await client.get(f"/projects/{pid}/events", headers=api.auditor)).json()
    moves = [(e["action"], e["from_status"], e["to_status"]) for e in events]
    assert moves == [
        ("create", "", "draft"),
        ("submit", "draft", "submitted"),
        ("start_review", "submitted", "under_review"),
        ("approve", "under_review", "approved"),
        ("start", "approved", "in_progress"),
        ("suspend", "in_progress", "suspended"),
        ("resume", "suspended", "in_progress"),
    ]
    assert events[3]["actor_name"] == "吴桂兰"
    assert events[5]["reason"] == "需要补充材料"


async def test_stale_if_match_on_an_action_is_refused(api, client: httpx.AsyncClient) -> None:
    pid = await _project_in(api, "draft")
    r = await client.post(f"/projects/{pid}/actions/submit", headers={**api.pm, "If-Match": 'W/"99"'})
    assert r.status_code == 412


async def test_reviews_only_while_under_review_and_once_per_reviewer(api, client: httpx.AsyncClient) -> None:
    draft = await _project_in(api, "draft")
    assert (await api.review(draft)).status_code == 409
    pid = await _project_in(api, "under_review")
    assert (await api.review(pid, score=82)).status_code == 201
    assert (await api.review(pid)).status_code == 409
    assert (await api.review(pid, headers=api.city_leader, score=90)).status_code == 201
    bad = await client.post(
        f"/projects/{pid}/reviews",
        json={"score": 130, "recommendation": "approve", "opinion": "x"},
        headers=api.city_pm,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "score"
    reviews = (await client.get(f"/projects/{pid}/reviews", headers=api.statistician)).json()
    assert [r["score"] for r in reviews] == [82, 90]
