"""Every create route takes Idempotency-Key: a replay returns the first response and creates nothing new."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from indicators_factories import ADMIN, GZ_LEADER, GZ_STATS, element, folic_catalogue
from sqlalchemy import func, select

from halfsky_indicators.base import AuditEntry

PLAN = {"code": "P-2031", "name_zh": "十五五规划", "kind": "programme", "start_year": 2026, "end_year": 2030}
INDICATOR = {
    "code": "H-NEW",
    "name_zh": "新指标",
    "plan": "WCH-2021",
    "domain": "health",
    "kind": "count",
    "numerator": "#{folic_takers}",
    "unit": "count",
    "responsible_unit": "卫生健康委",
}
# (path, first body, another body, headers): one row per create route of the service
CREATES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, str]]] = [
    ("/data-elements", element("women_trained", "培训妇女人数"), element("women_led", "带头人数"), ADMIN),
    ("/plans", PLAN, {**PLAN, "code": "P-2032"}, ADMIN),
    ("", INDICATOR, {**INDICATOR, "code": "H-NEW-2"}, ADMIN),
    (
        "/data-sets",
        {"code": "training", "name_zh": "巾帼培训年报", "period_type": "year", "elements": ["folic_due"]},
        {"code": "training2", "name_zh": "巾帼培训年报", "period_type": "year", "elements": ["folic_due"]},
        ADMIN,
    ),
    (
        "/validation-rules",
        {"code": "due_max", "name_zh": "上限", "kind": "range", "element": "folic_due", "max_value": 1000},
        {"code": "due_max2", "name_zh": "上限", "kind": "range", "element": "folic_due", "max_value": 1000},
        ADMIN,
    ),
    (
        "/H-FOLIC/targets",
        {"year": 2026, "value": "92", "org": "4401"},
        {"year": 2027, "value": "93", "org": "4401"},
        GZ_LEADER,
    ),
    (
        "/reported-figures",
        {"indicator": "H-FOLIC", "org": "4401", "period": "2009", "numerator": 14502, "denominator": 18985},
        {"indicator": "H-FOLIC", "org": "4401", "period": "2010", "numerator": 29169, "denominator": 32478},
        GZ_STATS,
    ),
]


async def creates_recorded(app: FastAPI) -> int:
    """Every create writes one audit entry, so their count is the number of things created."""
    async with app.state.engine.connect() as conn:
        counted = select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("%.create"))  # type: ignore[attr-defined]
        return int((await conn.execute(counted)).scalar_one())


@pytest.mark.parametrize(("path", "body", "other", "headers"), CREATES, ids=[c[0] or "/" for c in CREATES])
async def test_a_replay_returns_the_first_response_and_creates_nothing(
    client: httpx.AsyncClient,
    app: FastAPI,
    path: str,
    body: dict[str, Any],
    other: dict[str, Any],
    headers: dict[str, str],
) -> None:
    await folic_catalogue(client)
    keyed = {**headers, "Idempotency-Key": f"retry-{path}"}
    first = await client.post(f"/indicators{path}", json=body, headers=keyed)
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    created = await creates_recorded(app)
    again = await client.post(f"/indicators{path}", json=body, headers=keyed)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["ETag"] == first.headers["ETag"]
    assert await creates_recorded(app) == created
    reused = await client.post(f"/indicators{path}", json=other, headers=keyed)
    assert reused.status_code == 422, reused.text
    assert reused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert reused.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert await creates_recorded(app) == created
    # without a key, the same body is a new request (here refused or created as the route decides, never replayed)
    unkeyed = await client.post(f"/indicators{path}", json=other, headers=headers)
    assert unkeyed.status_code == 201, unkeyed.text
    assert "Idempotent-Replayed" not in unkeyed.headers


async def test_a_key_belongs_to_its_caller(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    body = {"year": 2026, "value": "92", "org": "4401"}
    mine = await client.post("/indicators/H-FOLIC/targets", json=body, headers={**GZ_LEADER, "Idempotency-Key": "k"})
    assert mine.status_code == 201, mine.text
    theirs = await client.post(
        "/indicators/H-FOLIC/targets", json={**body, "year": 2027}, headers={**GZ_STATS, "Idempotency-Key": "k"}
    )
    assert theirs.status_code == 201, theirs.text
    assert theirs.json()["id"] != mine.json()["id"]
