"""Evaluations on configurable criteria, the final evaluation before closing, supervision, brands."""

from datetime import date

import httpx

from halfsky_common.clock import today
from halfsky_common.testing import auth, make_token

CRITERIA = [
    {"code": "completion", "name": "目标完成情况", "weight": 40, "max_score": 100},
    {"code": "funds", "name": "资金使用规范", "weight": 30, "max_score": 100},
    {"code": "effect", "name": "社会效益", "weight": 30, "max_score": 50},
]


async def _report(client: httpx.AsyncClient, api, pid: str, name: str = "终期评估报告.pdf") -> str:
    r = await client.post(
        f"/projects/{pid}/attachments?filename={name}",
        content=b"%PDF-1.4 report",
        headers={**api.pm, "Content-Type": "application/pdf"},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _final(report: str, **extra) -> dict:
    body = {
        "kind": "final",
        "conducted_on": "2026-12-20",
        "evaluator": "中国妇女发展基金会",
        "findings": "全年培训农村妇女843人，合格率95%以上",
        "problems": "乡镇妇联主席均为兼职，缺少专人",
        "recommendations": "设立项目管理办公室",
        "continue_next_round": True,
        "report_id": report,
    }
    body.update(extra)
    return body


async def test_closing_needs_a_final_evaluation(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project())["id"]
    assert (await api.act(pid, "request_close", api.pm)).status_code == 200
    refused = await api.act(pid, "close", api.leader)
    assert refused.status_code == 409 and "final evaluation" in refused.json()["detail"]
    report = await _report(client, api, pid)
    r = await client.post(f"/projects/{pid}/evaluations", json=_final(report), headers=api.pm)
    assert r.status_code == 201, r.text
    assert (await api.act(pid, "close", api.pm)).status_code == 403
    closed = await api.act(pid, "close", api.leader)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["closed_at"] is not None
    again = await client.post(f"/projects/{pid}/evaluations", json=_final(report), headers=api.pm)
    assert again.status_code == 409


async def test_scores_follow_the_criteria_of_the_nearest_unit(api, client: httpx.AsyncClient) -> None:
    r = await client.put("/projects/evaluation-criteria/final", json={"criteria": CRITERIA}, headers=api.city_leader)
    assert r.status_code == 200, r.text
    assert (
        await client.put("/projects/evaluation-criteria/final", json={"criteria": CRITERIA}, headers=api.pm)
    ).status_code == 403
    seen = await client.get("/projects/evaluation-criteria/final", headers=api.pm)
    assert seen.json()["org_path"] == "/44/4401/"
    pid = (await api.running_project())["id"]
    report = await _report(client, api, pid)
    missing = await client.post(
        f"/projects/{pid}/evaluations",
        headers=api.pm,
        json=_final(report, scores=[{"code": "completion", "score": 90}]),
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "scores"
    too_high = await client.post(
        f"/projects/{pid}/evaluations",
        headers=api.pm,
        json=_final(
            report,
            scores=[
                {"code": "completion", "score": 90},
                {"code": "funds", "score": 80},
                {"code": "effect", "score": 60},
            ],
        ),
    )
    assert too_high.status_code == 422 and too_high.json()["errors"][0]["field"] == "scores.2.score"
    ok = await client.post(
        f"/projects/{pid}/evaluations",
        headers=api.pm,
        json=_final(
            report,
            scores=[
                {"code": "completion", "score": 90},
                {"code": "funds", "score": 80},
                {"code": "effect", "score": 45},
            ],
        ),
    )
    assert ok.status_code == 201, ok.text
    # (90/100·40 + 80/100·30 + 45/50·30) / 100 · 100 = 36 + 24 + 27 = 87.0
    assert ok.json()["total_score"] == "87.0"
    assert [s["name"] for s in ok.json()["scores"]] == ["目标完成情况", "资金使用规范", "社会效益"]
    district = [{"code": "reach", "name": "覆盖面", "weight": 1, "max_score": 10}]
    await client.put("/projects/evaluation-criteria/final", json={"criteria": district}, headers=api.leader)
    other = (await api.running_project(name="两癌筛查"))["id"]
    report = await _report(client, api, other)
    r = await client.post(
        f"/projects/{other}/evaluations", headers=api.pm, json=_final(report, scores=[{"code": "reach", "score": 8}])
    )
    assert r.status_code == 201 and r.json()["total_score"] == "80.0"


async def test_evaluation_kinds_fit_the_stage(api, client: httpx.AsyncClient) -> None:
    project = await api.create()
    pid = project["id"]
    report = await _report(client, api, pid, "需求调查报告.pdf")
    baseline = {
        "kind": "baseline",
        "conducted_on": "2025-11-20",
        "evaluator": "区妇联",
        "report_id": report,
        "findings": "发放问卷2000份，有效1464份，有效回收率73.2%",
    }
    assert (await client.post(f"/projects/{pid}/evaluations", json=baseline, headers=api.pm)).status_code == 201
    half = {
        "kind": "half_year",
        "period": "2026H1",
        "conducted_on": "2026-07-05",
        "evaluator": "区妇联",
        "report_id": report,
    }
    assert (await client.post(f"/projects/{pid}/evaluations", json=half, headers=api.pm)).status_code == 409
    await api.advance(pid, "in_progress")
    assert (await client.post(f"/projects/{pid}/evaluations", json=half, headers=api.pm)).status_code == 201
    no_report = {k: v for k, v in half.items() if k != "report_id"}
    r = await client.post(f"/projects/{pid}/evaluations", json=no_report, headers=api.pm)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "report_id"
    final = _final(report)
    del final["continue_next_round"]
    r = await client.post(f"/projects/{pid}/evaluations", json=final, headers=api.pm)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "continue_next_round"
    listed = (await client.get(f"/projects/{pid}/evaluations", headers=api.auditor)).json()
    assert [e["kind"] for e in listed] == ["baseline", "half_year"]
    assert (await client.get(f"/projects/{pid}/evaluations", headers=api.other_leader)).status_code == 404


async def test_supervision_requires_answers_before_closing(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project())["id"]
    body = {
        "visited_on": "2026-06-15",
        "supervisors": "市妇联督导组",
        "opinions": "台账不规范，培训签到表缺失",
        "rectifications": [{"requirement": "补齐培训签到表并建立一人一档", "due_on": "2026-07-15"}],
    }
    assert (await client.post(f"/projects/{pid}/supervision", json=body, headers=api.leader)).status_code == 403
    r = await client.post(f"/projects/{pid}/supervision", json=body, headers=api.city_leader)
    assert r.status_code == 201, r.text
    rect = r.json()["rectifications"][0]
    assert rect["status"] == "open" and rect["overdue"] is (date(2026, 7, 15) < today())
    refused = await api.act(pid, "request_close", api.pm)
    assert refused.status_code == 409 and "rectification" in refused.json()["detail"]
    url = f"/projects/{pid}/rectifications/{rect['id']}"
    assert (await client.post(f"{url}/review", json={"accept": True}, headers=api.city_leader)).status_code == 409
    answered = await client.post(f"{url}/answer", json={"response": "已补齐签到表，建立学员档案843份"}, headers=api.pm)
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert (await client.post(f"{url}/review", json={"accept": True}, headers=api.leader)).status_code == 403
    back = await client.post(f"{url}/review", json={"accept": False}, headers=api.city_leader)
    assert back.status_code == 422
    back = await client.post(
        f"{url}/review", json={"accept": False, "comment": "缺少照片佐证"}, headers=api.city_leader
    )
    assert back.json()["status"] == "open"
    await client.post(f"{url}/answer", json={"response": "已补充活动照片"}, headers=api.pm)
    assert (await api.act(pid, "request_close", api.pm)).status_code == 200
    accepted = await client.post(f"{url}/review", json={"accept": True}, headers=api.city_leader)
    assert accepted.json()["status"] == "accepted"
    visits = (await client.get(f"/projects/{pid}/supervision", headers=api.auditor)).json()
    assert visits[0]["supervisor_org_path"] == "/44/4401/" and visits[0]["rectifications"][0]["status"] == "accepted"
    province = auth(make_token(roles=["leader"], org_path="/44/", name="省妇联"))
    bad = {**body, "rectifications": [{"requirement": "x", "due_on": "2026-06-01"}]}
    r = await client.post(f"/projects/{pid}/supervision", json=bad, headers=province)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "rectifications.0.due_on"


async def test_only_closed_projects_become_brands(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project(name="巾帼家政培训", category="skills_training"))["id"]
    brand = {"brand_name": "巾帼家政", "level": "city", "year": 2026}
    assert (await client.post(f"/projects/{pid}/brand", json=brand, headers=api.leader)).status_code == 409
    await api.act(pid, "request_close", api.pm)
    report = await _report(client, api, pid)
    await client.post(f"/projects/{pid}/evaluations", json=_final(report), headers=api.pm)
    await api.act(pid, "close", api.leader)
    assert (await client.post(f"/projects/{pid}/brand", json=brand, headers=api.pm)).status_code == 403
    r = await client.post(f"/projects/{pid}/brand", json=brand, headers=api.leader)
    assert r.status_code == 200 and r.json()["is_brand"] and r.json()["brand_level"] == "city"
    listed = (await client.get("/projects?is_brand=true", headers=api.statistician)).json()["items"]
    assert [p["name"] for p in listed] == ["巾帼家政培训"]
    r = await client.patch(f"/projects/{pid}", json={"name": "x"}, headers={**api.pm, "If-Match": "*"})
    assert r.status_code == 409
