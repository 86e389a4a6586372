"""Legal measures as records: warning letter, protection order with expiry, legal aid."""

from datetime import timedelta

import httpx
from cases_factories import YUEXIU, if_match, new_case, user

from halfsky_common.clock import today

WORKER = user(["case_worker"])


async def test_protection_order_from_application_to_expiry_list(client: httpx.AsyncClient) -> None:
    case = await new_case(client, WORKER)
    url = f"/cases/{case['id']}/legal-measures"
    applied_on = (today() - timedelta(days=170)).isoformat()
    r = await client.post(
        url, json={"kind": "protection_order", "authority": "天河区人民法院", "applied_on": applied_on}, headers=WORKER
    )
    assert r.status_code == 201 and r.json()["status"] == "applied"
    order = r.json()
    step = f"/cases/legal-measures/{order['id']}/transitions"
    missing = await client.post(step, json={"to": "granted", "decided_on": applied_on}, headers=if_match(WORKER, 1))
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "valid_until"
    granted_on = (today() - timedelta(days=168)).isoformat()
    until = (today() + timedelta(days=12)).isoformat()
    granted = await client.post(
        step,
        json={
            "to": "granted",
            "decided_on": granted_on,
            "valid_until": until,
            "document_number": "(2026)粤0106民保令3号",
        },
        headers=if_match(WORKER, 1),
    )
    assert granted.status_code == 200 and granted.json()["valid_until"] == until
    assert (
        await client.post(step, json={"to": "refused", "decided_on": granted_on}, headers=if_match(WORKER, 2))
    ).status_code == 409
    expiring = (await client.get("/cases/legal-measures/expiring", headers=WORKER)).json()
    assert [(m["case_number"], m["days_left"]) for m in expiring] == [(case["number"], 12)]
    assert (await client.get("/cases/legal-measures/expiring", params={"within_days": 7}, headers=WORKER)).json() == []
    assert (await client.get("/cases/legal-measures/expiring", headers=user(["case_worker"], YUEXIU))).json() == []


async def test_warning_letter_and_legal_aid(client: httpx.AsyncClient) -> None:
    case = await new_case(client, WORKER)
    url = f"/cases/{case['id']}/legal-measures"
    bad = await client.post(url, json={"kind": "warning_letter"}, headers=WORKER)
    assert {e["field"] for e in bad.json()["errors"]} == {"decided_on", "authority"}
    letter = await client.post(
        url,
        json={
            "kind": "warning_letter",
            "authority": "林和派出所",
            "decided_on": today().isoformat(),
            "document_number": "穗公天告字〔2026〕12号",
        },
        headers=WORKER,
    )
    assert letter.json()["status"] == "issued"
    aid = (
        await client.post(
            url,
            json={"kind": "legal_aid", "authority": "天河区法律援助中心", "applied_on": today().isoformat()},
            headers=WORKER,
        )
    ).json()
    step = f"/cases/legal-measures/{aid['id']}/transitions"
    assert (
        await client.post(step, json={"to": "concluded", "notes": "x"}, headers=if_match(WORKER, 1))
    ).status_code == 409
    lawyer = await client.post(
        step,
        json={"to": "lawyer_assigned", "lawyer_name": "林律师", "lawyer_firm": "广东某律师事务所"},
        headers=if_match(WORKER, 1),
    )
    assert lawyer.json()["lawyer_name"] == "林律师"
    done = await client.post(
        step, json={"to": "concluded", "notes": "调解离婚，抚养权归女方"}, headers=if_match(WORKER, 2)
    )
    assert done.json()["status"] == "concluded" and done.json()["concluded_on"] == today().isoformat()
    kinds = [m["kind"] for m in (await client.get(url, headers=WORKER)).json()]
    assert kinds == ["warning_letter", "legal_aid"]
    assert (await client.get(url, headers=user(["case_worker"], YUEXIU))).status_code == 404
