"""Completeness: expected units, who has submitted, and who did so by the due date."""

from datetime import UTC, datetime

import httpx
from indicators_factories import ADMIN, GZ_LEADER, STATS, YX_STATS, create, element

from halfsky_common.periods import PeriodType, containing, previous

UNITS = ["440106001", "440106002", "440106003", "440104001"]


async def setup(client: httpx.AsyncClient) -> None:
    await create(client, "/data-elements", element("women_trained", "培训人数", period_type="quarter"))
    ds = await create(
        client,
        "/data-sets",
        {
            "code": "training",
            "name_zh": "巾帼培训季报",
            "period_type": "quarter",
            "elements": ["women_trained"],
            "due_days": 15,
        },
    )
    r = await client.get("/indicators/data-sets/training", headers=ADMIN)
    assigned = await client.put(
        "/indicators/data-sets/training/org-units",
        json={"org_units": UNITS},
        headers={**ADMIN, "If-Match": r.headers["etag"]},
    )
    assert assigned.status_code == 200 and ds["code"] == "training"


async def report(
    client: httpx.AsyncClient, org: str, period: str, submit: bool, headers: dict[str, str] = STATS
) -> None:
    form = f"/indicators/forms/training/{org}/{period}"
    saved = await client.put(form, json={"values": [{"element": "women_trained", "value": 120}]}, headers=headers)
    assert saved.status_code == 200, saved.text
    if submit:
        r = await client.post(f"{form}/submit", json={}, headers={**headers, "If-Match": saved.headers["etag"]})
        assert r.status_code == 200, r.text


async def test_completeness_counts_submissions_and_punctuality(client: httpx.AsyncClient) -> None:
    await setup(client)
    current = containing(datetime.now(UTC).date(), PeriodType.quarter)  # due after it ends: on time now
    overdue = previous(previous(current))  # ended more than 15 days ago: late now
    await report(client, "440106001", current.code, submit=True)
    await report(client, "440106002", current.code, submit=False)
    await report(client, "440104001", current.code, submit=True, headers=YX_STATS)
    await report(client, "440106001", overdue.code, submit=True)
    r = await client.get(
        "/indicators/completeness",
        params={"data_set": "training", "period": current.code, "org": "4401", "level": "county"},
        headers=GZ_LEADER,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    total = body["total"]
    assert (total["expected"], total["submitted"], total["on_time"]) == (4, 2, 2)
    assert (total["completeness_pct"], total["on_time_pct"]) == ("50.00", "50.00")
    groups = {g["org_code"]: (g["expected"], g["submitted"]) for g in body["groups"]}
    assert groups == {"440104": (1, 1), "440106": (3, 1)}
    statuses = {u["org_code"]: u["status"] for u in body["units"]}
    assert statuses == {
        "440106001": "submitted",
        "440106002": "draft",
        "440106003": "missing",
        "440104001": "submitted",
    }
    late = await client.get(
        "/indicators/completeness",
        params={"data_set": "training", "period": overdue.code, "org": "440106"},
        headers=STATS,
    )
    assert (late.json()["total"]["submitted"], late.json()["total"]["on_time"]) == (1, 0)
    assert [u["org_code"] for u in late.json()["units"]] == ["440106001", "440106002", "440106003"]


async def test_completeness_stays_in_the_region(client: httpx.AsyncClient) -> None:
    await setup(client)
    r = await client.get(
        "/indicators/completeness", params={"data_set": "training", "period": "2026Q1", "org": "4401"}, headers=STATS
    )
    assert r.status_code == 403
    own = await client.get(
        "/indicators/completeness", params={"data_set": "training", "period": "2026Q1"}, headers=YX_STATS
    )
    assert own.json()["total"]["expected"] == 1
