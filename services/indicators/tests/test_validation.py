"""Validation rules: errors block a submission, warnings need a comment, and a report runs them over a region."""

import httpx
from indicators_factories import ADMIN, GZ_LEADER, STATS, create, element

FORM = "/indicators/forms/training/440106001"


async def catalogue(client: httpx.AsyncClient) -> None:
    q = {"period_type": "quarter"}
    await create(client, "/data-elements", element("trained", "培训人数", **q))
    await create(client, "/data-elements", element("employed", "培训后就业人数", **q))
    await create(
        client,
        "/data-sets",
        {"code": "training", "name_zh": "巾帼培训季报", "period_type": "quarter", "elements": ["trained", "employed"]},
    )
    await create(
        client,
        "/validation-rules",
        {
            "code": "employed_le_trained",
            "name_zh": "就业人数不大于培训人数",
            "kind": "expression",
            "expression": "#{employed} <= #{trained}",
        },
    )
    await create(
        client,
        "/validation-rules",
        {
            "code": "trained_range",
            "name_zh": "单季培训人数不超过5000",
            "kind": "range",
            "element": "trained",
            "min_value": 0,
            "max_value": 5000,
            "severity": "warning",
        },
    )
    await create(
        client,
        "/validation-rules",
        {
            "code": "trained_jump",
            "name_zh": "培训人数环比变化超过50%",
            "kind": "jump",
            "element": "trained",
            "threshold_pct": 50,
            "severity": "warning",
        },
    )


async def fill(client: httpx.AsyncClient, period: str, trained: int, employed: int) -> str:
    r = await client.put(
        f"{FORM}/{period}",
        json={"values": [{"element": "trained", "value": trained}, {"element": "employed", "value": employed}]},
        headers=STATS,
    )
    assert r.status_code == 200, r.text
    return str(r.headers["etag"])


async def submit(client: httpx.AsyncClient, period: str, etag: str, comment: str = "") -> httpx.Response:
    return await client.post(f"{FORM}/{period}/submit", json={"comment": comment}, headers={**STATS, "If-Match": etag})


async def test_an_error_blocks_the_submission(client: httpx.AsyncClient) -> None:
    await catalogue(client)
    etag = await fill(client, "2014Q1", 843, 900)
    r = await submit(client, "2014Q1", etag)
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"field": "rules.employed_le_trained", "message": "#{employed} <= #{trained}: 900 <= 843 does not hold"}
    ]
    form = await client.get(f"{FORM}/2014Q1", headers=STATS)
    assert form.json()["status"] == "draft"


async def test_warnings_need_a_comment(client: httpx.AsyncClient) -> None:
    await catalogue(client)
    await submit(client, "2014Q1", await fill(client, "2014Q1", 843, 239))
    etag = await fill(client, "2014Q2", 6000, 239)  # above the range and +612 % on the quarter before
    r = await submit(client, "2014Q2", etag)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "comment"
    assert {v["rule"] for v in r.json()["violations"]} == {"trained_range", "trained_jump"}
    ok = await submit(client, "2014Q2", etag, "春风行动集中培训，人数属实")
    assert ok.status_code == 200
    assert {w["rule"] for w in ok.json()["warnings"]} == {"trained_range", "trained_jump"}
    assert ok.json()["report"]["comment"] == "春风行动集中培训，人数属实"


async def test_the_report_runs_every_rule_over_a_region(client: httpx.AsyncClient) -> None:
    await catalogue(client)
    await fill(client, "2014Q1", 100, 50)
    await fill(client, "2014Q2", 40, 60)
    r = await client.get("/indicators/validation", params={"org": "440106", "period": "2014"}, headers=GZ_LEADER)
    assert r.status_code == 200
    body = r.json()
    assert body["checked"] == 2
    assert [(v["rule"], v["period"]) for v in body["violations"]] == [
        ("employed_le_trained", "2014Q2"),
        ("trained_jump", "2014Q2"),
    ]
    assert "-60.0%" in body["violations"][1]["message"]
    denied = await client.get("/indicators/validation", params={"org": "4401", "period": "2014"}, headers=STATS)
    assert denied.status_code == 403


async def test_bad_rules_are_refused_with_the_field_named(client: httpx.AsyncClient) -> None:
    await catalogue(client)
    bad = [
        ({"kind": "expression", "expression": "#{employed} + #{trained}"}, "expression"),
        ({"kind": "expression", "expression": "#{employed} <= #{nobody}"}, "expression"),
        ({"kind": "range", "element": "trained"}, "min_value"),
        ({"kind": "jump", "element": "nothing", "threshold_pct": 10}, "element"),
    ]
    for body, field in bad:
        r = await client.post("/indicators/validation-rules", json={"code": "x", "name_zh": "x", **body}, headers=ADMIN)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["errors"][0]["field"] == field
    r = await client.get("/indicators/validation-rules/trained_jump", headers=STATS)
    changed = await client.patch(
        "/indicators/validation-rules/trained_jump",
        json={"threshold_pct": 80},
        headers={**ADMIN, "If-Match": r.headers["etag"]},
    )
    assert changed.status_code == 200 and float(changed.json()["threshold_pct"]) == 80
    assert (
        await client.post(
            "/indicators/validation-rules",
            json={"code": "y", "name_zh": "y", "kind": "range", "element": "trained", "max_value": 1},
            headers=STATS,
        )
    ).status_code == 201
