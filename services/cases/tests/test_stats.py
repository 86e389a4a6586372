"""Statistics against a known fixture: the indicator feed contract and the human-facing figures."""

from typing import Any

import httpx
import pytest
from cases_factories import GUANGZHOU, TIANHE, TIANHE_STREET, YUEXIU, case_payload, if_match, new_case, partner, user
from fastapi import FastAPI
from sqlalchemy import text

WORKER = user(["case_worker"])
STREET = user(["case_worker"], TIANHE_STREET)
STATISTICIAN = user(["statistician"])
DONE = {"outcome": "已办结", "resolution_type": "mediated", "satisfaction": 5, "notes": "回访满意", "reason": "x"}


async def step(
    client: httpx.AsyncClient, case: dict[str, Any], to: str, headers: dict[str, str] = WORKER, **body: Any
) -> dict[str, Any]:
    r = await client.post(
        f"/cases/{case['id']}/transitions", json={"to": to, **DONE, **body}, headers=if_match(headers, case["version"])
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def set_times(app: FastAPI, number: str, **stamps: str) -> None:
    assignments = ", ".join(f"{name} = :{name}" for name in stamps)
    async with app.state.engine.begin() as conn:
        await conn.execute(
            text(f"UPDATE rights_case SET {assignments} WHERE number = :number"),  # noqa: S608
            {"number": number, **{k: _ts(v) for k, v in stamps.items()}},
        )


def _ts(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value)


@pytest.fixture
async def fixture(app: FastAPI, client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    """Six cases in 2025-12 .. 2026-04 across 天河区, one of its streets and 越秀区 (see the expected figures)."""
    lr = await client.post(
        "/cases/partners",
        json={"org_path": TIANHE, "name": "天河区法律援助中心", "agency": "legal_aid"},
        headers=user(["leader"]),
    )
    aid_centre = lr.json()["id"]
    a = await new_case(client, WORKER, received_at="2026-01-05T01:00:00+00:00")
    await client.post(
        f"/cases/{a['id']}/actions",
        json={
            "kind": "mediation",
            "summary": "调解",
            "parties": ["王芳", "赵强"],
            "result": "success",
            "occurred_at": "2026-01-15T03:00:00+00:00",
        },
        headers=WORKER,
    )
    for to in ("accepted", "in_progress", "resolved", "followed_up"):
        a = await step(client, a, to)
    await set_times(
        app,
        a["number"],
        accepted_at="2026-01-05T02:00:00+00:00",
        resolved_at="2026-01-20T02:00:00+00:00",
        resolve_due_at="2026-02-04T02:00:00+00:00",
        followed_up_at="2026-02-01T02:00:00+00:00",
    )

    b = await new_case(
        client, WORKER, channel="visit", victim=None, victim_id=a["victim_id"], received_at="2026-02-10T01:00:00+00:00"
    )
    referral = await client.post(
        f"/cases/{b['id']}/referrals", json={"partner_id": aid_centre, "service": "legal_aid"}, headers=WORKER
    )
    order = await client.post(
        f"/cases/{b['id']}/legal-measures",
        json={"kind": "protection_order", "applied_on": "2026-02-12"},
        headers=WORKER,
    )
    await client.post(
        f"/cases/legal-measures/{order.json()['id']}/transitions",
        json={"to": "granted", "decided_on": "2026-02-20", "valid_until": "2026-08-20"},
        headers=if_match(WORKER, 1),
    )
    for to in ("accepted", "in_progress", "resolved"):
        b = await step(client, b, to, resolution_type="legal_action")
    await set_times(
        app,
        b["number"],
        accepted_at="2026-02-11T02:00:00+00:00",
        resolved_at="2026-04-20T02:00:00+00:00",
        resolve_due_at="2026-03-13T02:00:00+00:00",
    )
    async with app.state.engine.begin() as conn:
        await conn.execute(
            text("UPDATE referral SET sent_at = '2026-02-12T02:00:00+00' WHERE id = :id"), {"id": referral.json()["id"]}
        )

    c_body = case_payload(
        channel="letter",
        primary_category="labour_rights",
        subcategory="pregnancy_dismissal",
        secondary_categories=[],
        received_at="2026-03-02T01:00:00+00:00",
    )
    c_body["victim"] = {"name": "李春梅", "phone": "13922223333"}
    c = (await client.post("/cases", json=c_body, headers=WORKER)).json()
    c = await step(client, c, "declined", reason="属劳动仲裁受理范围，已告知当事人")
    await set_times(app, c["number"], declined_at="2026-03-03T02:00:00+00:00")

    d = await new_case(
        client,
        WORKER,
        primary_category="marriage_family",
        subcategory="divorce",
        secondary_categories=[],
        received_at="2025-12-30T01:00:00+00:00",
    )
    await client.post(
        f"/cases/{d['id']}/actions",
        json={
            "kind": "mediation",
            "summary": "调解未果",
            "parties": ["双方"],
            "result": "failed",
            "occurred_at": "2026-01-20T03:00:00+00:00",
        },
        headers=WORKER,
    )
    for to in ("accepted", "in_progress", "resolved"):
        d = await step(client, d, to, resolution_type="advised")
    await set_times(
        app,
        d["number"],
        accepted_at="2026-01-04T02:00:00+00:00",
        resolved_at="2026-03-10T02:00:00+00:00",
        resolve_due_at="2026-02-03T02:00:00+00:00",
    )

    e_body = case_payload(channel="outreach", received_at="2026-01-20T01:00:00+00:00")
    e_body["victim"] = {"name": "陈丽", "phone": "13700001111"}
    e = (await client.post("/cases", json=e_body, headers=STREET)).json()
    await client.post(
        f"/cases/{e['id']}/actions",
        json={
            "kind": "mediation",
            "summary": "村调解",
            "parties": ["陈丽"],
            "result": "partial",
            "occurred_at": "2026-01-22T03:00:00+00:00",
        },
        headers=STREET,
    )
    await client.post(
        f"/cases/{e['id']}/legal-measures", json={"kind": "legal_aid", "applied_on": "2026-01-25"}, headers=STREET
    )

    f = await new_case(client, user(["case_worker"], YUEXIU), received_at="2026-02-01T01:00:00+00:00")
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def as_dict(feed: dict[str, Any]) -> dict[tuple[str, str], int]:
    return {(r["org_path"], r["measure"]): r["value"] for r in feed["rows"]}


async def test_feed_matches_the_fixture(client: httpx.AsyncClient, fixture: dict[str, Any]) -> None:
    r = await client.get("/cases/stats/feed", params={"period": "2026Q1"}, headers=STATISTICIAN)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["period"] == "2026Q1" and body["source"] == "cases" and body["generated_at"].endswith("Z")
    expected = {
        "cases_received": 3,
        "cases_dv_received": 2,
        "cases_accepted": 3,
        "cases_resolved": 2,
        "cases_resolved_on_time": 1,
        "cases_mediated": 2,
        "cases_mediated_success": 1,
        "cases_followed_up": 1,
        "cases_legal_aid": 1,
        "protection_orders_granted": 1,
        "persons_helped": 2,
    }
    street = {
        "cases_received": 1,
        "cases_dv_received": 1,
        "cases_mediated": 1,
        "cases_legal_aid": 1,
        "persons_helped": 1,
    }
    assert as_dict(body) == {
        **{(TIANHE, m): v for m, v in expected.items()},
        **{(TIANHE_STREET, m): v for m, v in street.items()},
    }
    april = (await client.get("/cases/stats/feed", params={"period": "202604"}, headers=STATISTICIAN)).json()
    assert as_dict(april) == {(TIANHE, "cases_resolved"): 1}
    year = as_dict(
        (await client.get("/cases/stats/feed", params={"period": "2026"}, headers=user(["leader"], GUANGZHOU))).json()
    )
    assert year[(YUEXIU, "cases_received")] == 1 and year[(TIANHE, "cases_resolved")] == 3
    h1 = as_dict((await client.get("/cases/stats/feed", params={"period": "2026H1"}, headers=STATISTICIAN)).json())
    assert h1[(TIANHE, "cases_resolved")] == 3 and (YUEXIU, "cases_received") not in h1
    dec = as_dict((await client.get("/cases/stats/feed", params={"period": "202512"}, headers=STATISTICIAN)).json())
    assert dec == {(TIANHE, "cases_received"): 1, (TIANHE, "persons_helped"): 1}


async def test_feed_access_and_period_codes(client: httpx.AsyncClient, fixture: dict[str, Any]) -> None:
    service = partner("stats:read", "/44/", client_id="indicators", agency="other")
    r = await client.get("/cases/stats/feed", params={"period": "2026Q1"}, headers=service)
    assert r.status_code == 200 and as_dict(r.json())[(YUEXIU, "cases_received")] == 1
    for headers in (WORKER, user(["hotline_operator"]), user(["project_manager"]), partner("cases:referrals")):
        assert (await client.get("/cases/stats/feed", params={"period": "2026"}, headers=headers)).status_code == 403
    yuexiu_stats = user(["statistician"], YUEXIU)
    only = as_dict((await client.get("/cases/stats/feed", params={"period": "2026Q1"}, headers=yuexiu_stats)).json())
    assert set(only) == {(YUEXIU, "cases_received"), (YUEXIU, "cases_dv_received"), (YUEXIU, "persons_helped")}
    for bad in ("2026Q5", "202613", "26", "2026YTD", "2026-01"):
        r = await client.get("/cases/stats/feed", params={"period": bad}, headers=STATISTICIAN)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "period", bad


async def test_human_statistics_match_the_fixture(client: httpx.AsyncClient, fixture: dict[str, Any]) -> None:
    r = await client.get("/cases/stats", params={"period": "2026Q1"}, headers=STATISTICIAN)
    assert r.status_code == 200, r.text
    s = r.json()
    assert (s["start"], s["end"]) == ("2026-01-01", "2026-04-01")
    assert s["received"] == {"cases": 4, "persons": 3, "person_times": 4}
    assert (s["accepted"], s["declined"], s["resolved"], s["resolved_on_time"], s["followed_up"]) == (3, 1, 2, 1, 1)
    assert s["legal_aid"] == {"cases": 2, "persons": 2, "person_times": 2}
    assert s["protection_orders_granted"] == 1
    assert s["resolution_rate"] == {"numerator": 2, "denominator": 4, "rate": 0.5}
    assert s["mediation_rate"] == {"numerator": 2, "denominator": 4, "rate": 0.5}
    assert s["mediation_success_rate"] == {"numerator": 1, "denominator": 2, "rate": 0.5}
    assert s["on_time_rate"] == {"numerator": 1, "denominator": 2, "rate": 0.5}
    assert s["satisfaction"] == {"responses": 1, "average": 5.0, "distribution": {"5": 1}}
    assert s["by_category"] == {"domestic_violence": 3, "labour_rights": 1}
    assert s["by_channel"] == {"hotline": 1, "letter": 1, "outreach": 1, "visit": 1}
    assert s["by_status"] == {"declined": 1, "followed_up": 1, "received": 1, "resolved": 1}
    assert s["by_resolution_type"] == {"advised": 1, "mediated": 1}
    assert s["by_org"] == [
        {"org_path": TIANHE, "received": 3, "resolved": 2, "persons": 2},
        {"org_path": TIANHE_STREET, "received": 1, "resolved": 0, "persons": 1},
    ]
    assert s["by_month"] == [
        {"month": "2026-01", "received": 2, "resolved": 1},
        {"month": "2026-02", "received": 1, "resolved": 0},
        {"month": "2026-03", "received": 1, "resolved": 1},
    ]
    county = (await client.get("/cases/stats", params={"period": "2026Q1", "level": 3}, headers=STATISTICIAN)).json()
    assert county["by_org"] == [{"org_path": TIANHE, "received": 4, "resolved": 2, "persons": 3}]
    street = (
        await client.get("/cases/stats", params={"period": "2026Q1", "org_path": TIANHE_STREET}, headers=STATISTICIAN)
    ).json()
    assert street["received"] == {"cases": 1, "persons": 1, "person_times": 1}


async def test_statistics_do_not_leak_other_regions(client: httpx.AsyncClient, fixture: dict[str, Any]) -> None:
    assert (await client.get("/cases/stats", params={"org_path": YUEXIU}, headers=STATISTICIAN)).status_code == 403
    assert (await client.get("/cases/stats", headers=user(["hotline_operator"]))).status_code == 403
    yuexiu = (await client.get("/cases/stats", params={"period": "2026"}, headers=user(["leader"], YUEXIU))).json()
    assert yuexiu["received"]["cases"] == 1 and set(yuexiu["by_category"]) == {"domestic_violence"}
    city = (
        await client.get("/cases/stats", params={"period": "2026", "level": 3}, headers=user(["leader"], GUANGZHOU))
    ).json()
    assert [o["org_path"] for o in city["by_org"]] == [YUEXIU, TIANHE]


async def test_the_statistics_page_takes_every_common_period_code(
    client: httpx.AsyncClient, fixture: dict[str, Any]
) -> None:
    """2026YTD03 was the indicators service's code only (issue 13); it names the days 2026Q1 names."""
    q1 = (await client.get("/cases/stats", params={"period": "2026Q1"}, headers=STATISTICIAN)).json()
    r = await client.get("/cases/stats", params={"period": "2026YTD03"}, headers=STATISTICIAN)
    assert r.status_code == 200, r.text
    ytd = r.json()
    assert (ytd["start"], ytd["end"]) == ("2026-01-01", "2026-04-01")
    assert ytd["received"] == q1["received"] and ytd["resolved"] == q1["resolved"]
    bad = await client.get("/cases/stats", params={"period": "2026YTD13"}, headers=STATISTICIAN)
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "invalid_period"
