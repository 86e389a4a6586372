"""Intake: numbering, parties as records, validation, idempotent replay, partner intake, duplicates."""

import asyncio
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from cases_factories import TIANHE, YUEXIU, case_payload, partner, user

from halfsky_cases.config import Settings
from halfsky_cases.main import create_app
from halfsky_common.testing import running

CASE_WORKER = user(["case_worker"])


async def test_intake_numbers_the_case_and_keeps_people_as_records(client: httpx.AsyncClient) -> None:
    r = await client.post("/cases", json=case_payload(), headers=CASE_WORKER)
    assert r.status_code == 201, r.text
    case = r.json()
    year = datetime.now(UTC).year
    assert re.fullmatch(rf"WQ-440106-{year}-\d{{6}}", case["number"])
    assert case["number"].endswith("000001")
    assert case["status"] == "received"
    assert case["org_path"] == TIANHE
    assert case["victim"]["name"] == "王芳"
    assert case["parties"][0]["role"] == "respondent"
    assert case["parties"][0]["relationship"] == "spouse"
    assert r.headers["ETag"] == 'W/"1"'
    second = await client.post(
        "/cases", json=case_payload(victim_id=case["victim_id"], victim=None), headers=CASE_WORKER
    )
    assert second.status_code == 201, second.text
    assert second.json()["victim_id"] == case["victim_id"]
    assert second.json()["number"].endswith("000002")


async def test_bad_input_names_the_field(client: httpx.AsyncClient) -> None:
    body = case_payload()
    body["victim"]["id_number"] = "440106198803121235"  # wrong check digit
    body["victim"]["phone"] = "12345"
    r = await client.post("/cases", json=body, headers=CASE_WORKER)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"victim.id_number", "victim.phone"} <= fields
    wrong_sub = await client.post("/cases", json=case_payload(subcategory="divorce"), headers=CASE_WORKER)
    assert wrong_sub.status_code == 422


async def test_fifty_concurrent_intakes_get_fifty_consecutive_numbers(client: httpx.AsyncClient) -> None:
    responses = await asyncio.gather(
        *(client.post("/cases", json=case_payload(), headers=CASE_WORKER) for _ in range(50))
    )
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses if r.status_code != 201][:1]
    seqs = sorted(int(r.json()["number"].rsplit("-", 1)[1]) for r in responses)
    assert seqs == list(range(1, 51))
    other_org = await client.post("/cases", json=case_payload(), headers=user(["case_worker"], YUEXIU))
    assert other_org.json()["number"].startswith("WQ-440103-") and other_org.json()["number"].endswith("000001")


async def test_idempotent_replay_returns_the_first_response_and_makes_one_case(client: httpx.AsyncClient) -> None:
    client_headers = {**client_scoped(), "Idempotency-Key": "app-7f3c-0001"}
    body = case_payload(channel="mobile_app")
    first = await client.post("/cases/intake", json=body, headers=client_headers)
    assert first.status_code == 201, first.text
    again = await asyncio.gather(*(client.post("/cases/intake", json=body, headers=client_headers) for _ in range(3)))
    for r in again:
        assert r.status_code == 201
        assert r.json() == first.json()
        assert r.headers["Idempotent-Replayed"] == "true"
    listed = await client.get("/cases", headers=user(["case_worker"]))
    assert len(listed.json()["items"]) == 1
    reused = await client.post("/cases/intake", json=case_payload(summary="另一件事"), headers=client_headers)
    assert reused.status_code == 422
    assert reused.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_concurrent_retries_with_one_key_make_one_case(client: httpx.AsyncClient) -> None:
    headers = {**client_scoped(), "Idempotency-Key": "race-1"}
    body = case_payload(channel="partner_referral", source_agency="police", external_ref="110-20260312-0042")
    rs = await asyncio.gather(*(client.post("/cases/intake", json=body, headers=headers) for _ in range(5)))
    assert {r.status_code for r in rs} == {201}
    assert len({r.json()["number"] for r in rs}) == 1
    assert len((await client.get("/cases", headers=CASE_WORKER)).json()["items"]) == 1


async def test_intake_endpoint_needs_a_key_and_the_scope(client: httpx.AsyncClient) -> None:
    no_key = await client.post("/cases/intake", json=case_payload(), headers=client_scoped())
    assert no_key.status_code == 428
    wrong_scope = {**partner("cases:referrals"), "Idempotency-Key": "k1"}
    assert (await client.post("/cases/intake", json=case_payload(), headers=wrong_scope)).status_code == 403
    project_manager = {**user(["project_manager"]), "Idempotency-Key": "k2"}
    assert (await client.post("/cases/intake", json=case_payload(), headers=project_manager)).status_code == 403
    assert (await client.post("/cases", json=case_payload(), headers=client_scoped())).status_code == 403


async def test_partner_receipt_shows_no_other_cases_and_partner_cannot_read_cases(client: httpx.AsyncClient) -> None:
    await client.post("/cases", json=case_payload(), headers=CASE_WORKER)
    r = await client.post("/cases/intake", json=case_payload(), headers={**client_scoped(), "Idempotency-Key": "x"})
    assert set(r.json()) == {"id", "number", "status", "received_at", "risk_level", "urgent"}
    assert (await client.get(f"/cases/{r.json()['id']}", headers=client_scoped())).status_code == 403
    assert (await client.get("/cases", headers=client_scoped())).status_code == 403


async def test_possible_duplicates_are_linked_not_merged(client: httpx.AsyncClient) -> None:
    first = (await client.post("/cases", json=case_payload(), headers=CASE_WORKER)).json()
    body = case_payload()
    body["victim"]["phone"] = "13912345678"
    a = (await client.post("/cases", json=body, headers=CASE_WORKER)).json()
    b_body = case_payload(channel="visit")
    b_body["victim"] = {"name": "王芳芳", "phone": "139 1234 5678"}
    b = (await client.post("/cases", json=b_body, headers=CASE_WORKER)).json()
    c_body = case_payload(channel="letter")
    c_body["victim"] = {"name": "王芳", "birth_date": "1988-03-12"}
    c = (await client.post("/cases", json=c_body, headers=CASE_WORKER)).json()
    unrelated = case_payload()
    unrelated["victim"] = {"name": "陈丽", "phone": "13700001111"}
    u = (await client.post("/cases", json=unrelated, headers=CASE_WORKER)).json()

    assert {d["number"] for d in b["possible_duplicates"]} == {a["number"]}
    assert b["possible_duplicates"][0]["reasons"] == ["phone"]
    assert {d["number"] for d in c["possible_duplicates"]} == {first["number"], a["number"]}
    assert u["possible_duplicates"] == []
    a_now = (await client.get(f"/cases/{a['id']}", headers=CASE_WORKER)).json()
    assert b["number"] in {d["number"] for d in a_now["possible_duplicates"]}
    assert a_now["victim_id"] != b["victim_id"]  # two records, not merged
    r = await client.put(f"/cases/{a['id']}/duplicates/{b['id']}", json={"status": "duplicate"}, headers=CASE_WORKER)
    assert r.status_code == 204
    b_now = (await client.get(f"/cases/{b['id']}", headers=CASE_WORKER)).json()
    assert b_now["possible_duplicates"][0]["link_status"] == "duplicate"


async def test_duplicates_in_another_region_are_not_shown(client: httpx.AsyncClient) -> None:
    body = case_payload()
    body["victim"]["phone"] = "13512345678"
    await client.post("/cases", json=body, headers=user(["case_worker"], YUEXIU))
    here = (await client.post("/cases", json=body, headers=CASE_WORKER)).json()
    assert here["possible_duplicates"] == []
    city = user(["leader"], "/44/4401/")
    assert len((await client.get(f"/cases/{here['id']}", headers=city)).json()["possible_duplicates"]) == 1


async def test_risk_questionnaire_sets_level_and_urgent(client: httpx.AsyncClient) -> None:
    low = (
        await client.post("/cases", json=case_payload(risk={"prior_police_calls": True}), headers=CASE_WORKER)
    ).json()
    assert (low["risk_level"], low["urgent"]) == ("low", False)
    one_flag = case_payload(risk={"strangulation": True})
    high = (await client.post("/cases", json=one_flag, headers=CASE_WORKER)).json()
    assert (high["risk_level"], high["urgent"]) == ("high", True)
    two_flags = case_payload(risk={"threatened_to_kill": True, "weapon": True})
    critical = (await client.post("/cases", json=two_flags, headers=CASE_WORKER)).json()
    assert (critical["risk_level"], critical["urgent"]) == ("critical", True)
    medium = case_payload(risk={"escalation": True, "stalking": True})
    assert (await client.post("/cases", json=medium, headers=CASE_WORKER)).json()["risk_level"] == "medium"


def client_scoped() -> dict[str, str]:
    return partner("cases:intake", TIANHE, client_id="th-mobile", agency="mobile_app")


async def test_a_person_from_another_region_cannot_be_reused(client: httpx.AsyncClient) -> None:
    there = (await client.post("/cases", json=case_payload(), headers=user(["case_worker"], YUEXIU))).json()
    r = await client.post("/cases", json=case_payload(victim=None, victim_id=there["victim_id"]), headers=CASE_WORKER)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "victim_id"
    assert (await client.get(f"/cases/persons/{there['victim_id']}", headers=CASE_WORKER)).status_code == 404


async def test_partner_intake_is_rate_limited_per_client_with_retry_after(settings: Settings) -> None:
    limited = create_app(settings.model_copy(update={"intake_limit_per_client": 3, "intake_window_seconds": 60}))
    police = partner("cases:intake", client_id="gz-police")
    court = partner("cases:intake", client_id="gz-court", agency="court")
    async with running(limited) as client:

        async def intake(headers: dict[str, str], body: object) -> httpx.Response:
            return await client.post(
                "/cases/intake", json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex}
            )

        codes = [(await intake(police, case_payload(channel="partner_referral"))).status_code for _ in range(2)]
        codes.append((await intake(police, {"summary": "no body to speak of"})).status_code)  # refused, yet counted
        assert codes == [201, 201, 422]
        over = await intake(police, case_payload(channel="partner_referral"))
        assert over.status_code == 429
        assert over.headers["content-type"] == "application/problem+json"
        assert 1 <= int(over.headers["retry-after"]) <= 60
        # Another client and the staff are not held back by this one.
        assert (await intake(court, case_payload(channel="partner_referral"))).status_code == 201
        assert (await intake(CASE_WORKER, case_payload())).status_code == 201


async def test_intake_with_more_values_than_one_statement_takes_writes_table_by_table(
    client: httpx.AsyncClient, monkeypatch: Any
) -> None:
    """The rows of an intake go in one statement, or, beyond the protocol's parameter limit, one per table."""
    from halfsky_common import rows

    first = (await client.post("/cases", json=case_payload(risk={"weapon": True}), headers=CASE_WORKER)).json()
    monkeypatch.setattr(rows, "MAX_BINDS", 10)
    body = case_payload(risk={"weapon": True}, complainant={"kind": "other", "person": {"name": "王母"}})
    r = await client.post("/cases", json=body, headers=CASE_WORKER)
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["risk_level"] == "high" and {p["role"] for p in case["parties"]} == {"complainant", "respondent"}
    assert [d["number"] for d in case["possible_duplicates"]] == [first["number"]]
    timeline = (await client.get(f"/cases/{case['id']}/timeline", headers=CASE_WORKER)).json()
    assert [e["kind"] for e in timeline] == ["created", "risk_assessed", "duplicates_linked"]


async def test_a_replay_sends_the_first_responses_location_and_etag(client: httpx.AsyncClient) -> None:
    """The shared rule of halfsky_common.idempotency: the replay is the first response, its headers included."""
    headers = {**CASE_WORKER, "Idempotency-Key": "desk-0001"}
    body = case_payload()
    first = await client.post("/cases", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = await client.post("/cases", json=body, headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (again.headers["Location"], again.headers["ETag"]) == (first.headers["Location"], first.headers["ETag"])
    other_path = await client.post("/cases/intake", json=body, headers=headers)
    assert other_path.status_code == 422  # the fingerprint covers method and path: not this request's replay


async def test_a_key_with_control_characters_is_refused(client: httpx.AsyncClient) -> None:
    r = await client.post("/cases", json=case_payload(), headers={**CASE_WORKER, "Idempotency-Key": "desk\t0001"})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0] == {
        "field": "Idempotency-Key",
        "message": "1 to 200 printable characters",
        "code": "idempotency_key_invalid",
    }
    assert (await client.get("/cases", headers=CASE_WORKER)).json()["items"] == []
