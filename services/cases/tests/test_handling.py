"""Handling: actions on the timeline, transfers accepted by the receiving unit, supervision with due dates."""

from datetime import timedelta

import httpx
from cases_factories import GUANGZHOU, TIANHE, TIANHE_STREET, YUEXIU, if_match, new_case, user

from halfsky_common.clock import today

WORKER = user(["case_worker"])
STREET = user(["case_worker"], TIANHE_STREET, name="街道妇联专干")
YUEXIU_WORKER = user(["case_worker"], YUEXIU, name="何美玲")
CITY = user(["leader"], GUANGZHOU, name="陈秀英")


async def test_actions_land_on_the_timeline_and_mediation_needs_parties_and_result(client: httpx.AsyncClient) -> None:
    case = await new_case(client, WORKER)
    url = f"/cases/{case['id']}/actions"
    r = await client.post(url, json={"kind": "phone_call", "summary": "与当事人通话，了解近况"}, headers=WORKER)
    assert r.status_code == 201 and r.json()["actor_name"] == "李晓红"
    bad = await client.post(url, json={"kind": "mediation", "summary": "调解"}, headers=WORKER)
    assert bad.status_code == 422
    ok = await client.post(
        url,
        json={"kind": "mediation", "summary": "村妇联主任与双方面谈", "parties": ["王芳", "赵强"], "result": "success"},
        headers=WORKER,
    )
    assert ok.status_code == 201
    assert (
        await client.post(url, json={"kind": "note", "summary": "x", "result": "success"}, headers=WORKER)
    ).status_code == 422
    kinds = [a["kind"] for a in (await client.get(url, headers=WORKER)).json()]
    assert kinds == ["phone_call", "mediation"]
    events = (await client.get(f"/cases/{case['id']}/timeline", headers=WORKER)).json()
    assert [e["detail"].get("action_kind") for e in events if e["kind"] == "action"] == ["phone_call", "mediation"]
    assert (await client.post(url, json={"kind": "note", "summary": "x"}, headers=YUEXIU_WORKER)).status_code == 404
    auditor = user(["auditor"])
    assert (await client.post(url, json={"kind": "note", "summary": "x"}, headers=auditor)).status_code == 403


async def test_transfer_down_is_accepted_by_the_receiving_unit(client: httpx.AsyncClient) -> None:
    case = await new_case(client, WORKER)
    r = await client.post(
        f"/cases/{case['id']}/transfers", json={"to_org_path": TIANHE_STREET, "reason": "属地办理"}, headers=WORKER
    )
    assert r.status_code == 201 and r.json()["kind"] == "assign_down"
    transfer = r.json()
    again = await client.post(
        f"/cases/{case['id']}/transfers", json={"to_org_path": YUEXIU, "reason": "x"}, headers=WORKER
    )
    assert again.status_code == 409
    inbox = (await client.get("/cases/transfers", headers=STREET)).json()
    assert [t["case_number"] for t in inbox] == [case["number"]]
    decision = f"/cases/transfers/{transfer['id']}/decision"
    assert (await client.post(decision, json={"accept": True}, headers=if_match(WORKER, 1))).status_code == 403
    assert (await client.post(decision, json={"accept": True}, headers=STREET)).status_code == 428
    accepted = await client.post(decision, json={"accept": True}, headers=if_match(STREET, 1))
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert (await client.post(decision, json={"accept": True}, headers=if_match(STREET, 2))).status_code == 409
    moved = (await client.get(f"/cases/{case['id']}", headers=STREET)).json()
    assert moved["org_path"] == TIANHE_STREET and moved["version"] == 2
    assert moved["number"] == case["number"]
    kinds = [e["kind"] for e in (await client.get(f"/cases/{case['id']}/timeline", headers=WORKER)).json()]
    assert "transfer_requested" in kinds and "transfer_accepted" in kinds


async def test_lateral_transfer_is_invisible_until_accepted_and_can_be_rejected(client: httpx.AsyncClient) -> None:
    case = await new_case(client, WORKER)
    t = (
        await client.post(
            f"/cases/{case['id']}/transfers",
            json={"to_org_path": YUEXIU, "reason": "当事人已搬至越秀区"},
            headers=WORKER,
        )
    ).json()
    assert t["kind"] == "transfer"
    assert (await client.get(f"/cases/{case['id']}", headers=YUEXIU_WORKER)).status_code == 404
    decision = f"/cases/transfers/{t['id']}/decision"
    no_reason = await client.post(decision, json={"accept": False}, headers=if_match(YUEXIU_WORKER, 1))
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "note"
    rejected = await client.post(
        decision, json={"accept": False, "note": "不属本区管辖"}, headers=if_match(YUEXIU_WORKER, 1)
    )
    assert rejected.json()["status"] == "rejected"
    assert (await client.get(f"/cases/{case['id']}", headers=WORKER)).json()["org_path"] == TIANHE
    outgoing = (
        await client.get("/cases/transfers", params={"direction": "outgoing", "status": "rejected"}, headers=WORKER)
    ).json()
    assert [x["id"] for x in outgoing] == [t["id"]]
    report_up = await client.post(
        f"/cases/{case['id']}/transfers", json={"to_org_path": GUANGZHOU, "reason": "重大案件"}, headers=WORKER
    )
    assert report_up.json()["kind"] == "report_up"


async def test_supervision_by_a_higher_unit_with_due_date_and_overdue_list(client: httpx.AsyncClient) -> None:
    case = await new_case(client, WORKER)
    url = f"/cases/{case['id']}/supervisions"
    due = (today() + timedelta(days=7)).isoformat()
    assert (
        await client.post(url, json={"instruction": "请尽快核实", "due_on": due}, headers=user(["leader"]))
    ).status_code == 403
    past = (today() - timedelta(days=1)).isoformat()
    assert (await client.post(url, json={"instruction": "x", "due_on": past}, headers=CITY)).status_code == 422
    r = await client.post(url, json={"instruction": "请于一周内上报处理结果", "due_on": due}, headers=CITY)
    assert r.status_code == 201 and r.json()["overdue"] is False
    item = r.json()
    listed = (await client.get("/cases/supervisions", params={"status": "open"}, headers=WORKER)).json()
    assert [s["id"] for s in listed] == [item["id"]]
    assert (await client.get("/cases/supervisions", headers=YUEXIU_WORKER)).json() == []
    reply = await client.post(
        f"/cases/supervisions/{item['id']}/reply", json={"reply": "已受理并联系当事人"}, headers=if_match(WORKER, 1)
    )
    assert reply.status_code == 200 and reply.json()["status"] == "replied"
    assert (
        await client.post(f"/cases/supervisions/{item['id']}/close", headers=if_match(WORKER, 2))
    ).status_code == 403
    closed = await client.post(f"/cases/supervisions/{item['id']}/close", headers=if_match(CITY, 2))
    assert closed.json()["status"] == "closed"


async def test_overdue_supervision_is_flagged(client: httpx.AsyncClient, app: object) -> None:
    from sqlalchemy import text

    case = await new_case(client, WORKER)
    due = today().isoformat()
    item = (
        await client.post(
            f"/cases/{case['id']}/supervisions", json={"instruction": "限期办理", "due_on": due}, headers=CITY
        )
    ).json()
    async with app.state.engine.begin() as conn:  # type: ignore[attr-defined]
        await conn.execute(text("UPDATE supervision SET due_on = due_on - 3"))
    overdue = (await client.get("/cases/supervisions", params={"overdue": "true"}, headers=CITY)).json()
    assert [(s["id"], s["overdue"]) for s in overdue] == [(item["id"], True)]
