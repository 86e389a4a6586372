"""Reported figures with their stated rates checked, and qualitative and checklist indicators over a region."""

from typing import Any

import httpx
from indicators_factories import GZ_LEADER, GZ_STATS, STATS, YX_STATS, create, element, folic_catalogue


async def figure(client: httpx.AsyncClient, headers: dict[str, str] = GZ_STATS, **body: Any) -> httpx.Response:
    return await client.post(
        "/indicators/reported-figures", json={"indicator": "H-FOLIC", "org": "4401", **body}, headers=headers
    )


async def test_a_stated_rate_that_the_numbers_do_not_give_is_flagged(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    # seeds-000 §5.2: 2009 and 2011 H1 agree with their numbers; 2010's 78.02 % should read 89.81 %
    ok_2009 = await figure(
        client, period="2009", numerator=14502, denominator=18985, stated_value="76.39", source="宝市卫社发[2009]475号"
    )
    assert ok_2009.status_code == 201, ok_2009.text
    assert ok_2009.json()["mismatch"] is False
    wrong = await figure(client, period="2010", numerator=29169, denominator=32478, stated_value="78.02")
    body = wrong.json()
    assert (body["mismatch"], body["computed_value"], body["stated_value"]) == (True, "89.81", "78.02")
    assert body["explanation"] == "stated 78.02 but the numbers give 89.81"
    rounded_stated = await figure(client, period="2011H1", numerator=22415, denominator=25616, stated_value="87.5")
    assert rounded_stated.json()["mismatch"] is False  # 87.504 % stated with one decimal
    flagged = await client.get("/indicators/reported-figures", params={"mismatch": "true"}, headers=GZ_LEADER)
    assert [f["period"] for f in flagged.json()["items"]] == ["2010"]
    fixed = await client.patch(
        f"/indicators/reported-figures/{body['id']}",
        json={"stated_value": "89.81"},
        headers={**GZ_STATS, "If-Match": wrong.headers["etag"]},
    )
    assert fixed.status_code == 200 and fixed.json()["mismatch"] is False


async def test_a_coverage_stated_without_decimals_is_judged_at_that_precision(client: httpx.AsyncClient) -> None:
    await create(client, "/data-elements", element("townships_covered", "项目覆盖乡镇数"))
    await create(client, "/data-elements", element("townships_total", "乡镇总数"))
    await create(
        client,
        "/plans",
        {"code": "WATER", "name_zh": "母亲水窖", "kind": "campaign", "start_year": 2014, "end_year": 2015},
    )
    await create(
        client,
        "",
        {
            "code": "P-WATER",
            "name_zh": "母亲水窖乡镇覆盖率",
            "plan": "WATER",
            "domain": "environment",
            "kind": "ratio",
            "unit": "percent",
            "decimals": 1,
            "numerator": "#{townships_covered}",
            "denominator": "#{townships_total}",
        },
    )
    r = await client.post(
        "/indicators/reported-figures",
        json={
            "indicator": "P-WATER",
            "org": "440106",
            "period": "2015",
            "numerator": 3,
            "denominator": 34,
            "stated_value": "9",
        },
        headers=STATS,
    )
    assert (r.json()["mismatch"], r.json()["computed_value"]) == (False, "9")  # 8.8 % rounds to the stated 9 %
    zero = await client.post(
        "/indicators/reported-figures",
        json={
            "indicator": "P-WATER",
            "org": "440106",
            "period": "2014",
            "numerator": 0,
            "denominator": 0,
            "stated_value": "0",
        },
        headers=STATS,
    )
    assert zero.json()["mismatch"] is None and "denominator is zero" in zero.json()["explanation"]
    hidden = await client.get("/indicators/reported-figures", headers=YX_STATS)
    assert hidden.status_code == 200 and hidden.json()["items"] == []
    outside = await client.post(
        "/indicators/reported-figures",
        json={"indicator": "P-WATER", "org": "440106", "period": "2015", "numerator": 3, "denominator": 34},
        headers=YX_STATS,
    )
    assert outside.status_code == 403


VILLAGES = ["440106001001", "440106001002", "440106001003"]


async def checklist_catalogue(client: httpx.AsyncClient) -> None:
    await create(
        client,
        "/plans",
        {"code": "CULTURE", "name_zh": "村文化一类标准", "kind": "campaign", "start_year": 2011, "end_year": 2011},
    )
    items = [
        {"code": "venue", "label_zh": "室外活动场地不少于400平方米", "comparator": "ge", "threshold": 400},
        {"code": "films", "label_zh": "每年放映电影不少于12场", "comparator": "ge", "threshold": 12},
        {"code": "librarian", "label_zh": "有专兼职图书管理员"},
    ]
    await create(
        client,
        "",
        {
            "code": "C-VILLAGE",
            "name_zh": "达到村文化一类标准的村",
            "plan": "CULTURE",
            "domain": "family",
            "kind": "checklist",
            "unit": "percent",
            "checklist": items,
            "targets": [{"year": 2011, "value": 100}],
        },
    )
    await create(
        client,
        "",
        {
            "code": "C-FUNDS",
            "name_zh": "妇幼卫生事业发展专项资金落实情况",
            "plan": "CULTURE",
            "domain": "health",
            "kind": "qualitative",
            "unit": "percent",
        },
    )


async def assess(client: httpx.AsyncClient, indicator: str, org: str, body: dict[str, Any]) -> httpx.Response:
    return await client.put(f"/indicators/assessments/{indicator}/{org}/2011", json=body, headers=STATS)


async def test_a_checklist_region_figure_is_the_share_of_units_passing_every_item(client: httpx.AsyncClient) -> None:
    await checklist_catalogue(client)
    answers = [
        {"venue": 450, "films": 12, "librarian": True},  # passes
        {"venue": 380, "films": 15, "librarian": True},  # venue too small
        {"venue": 500, "films": 8, "librarian": True},  # too few films
    ]
    for village, given in zip(VILLAGES, answers, strict=True):
        r = await assess(client, "C-VILLAGE", village, {"answers": given})
        assert r.status_code == 200, r.text
    r = await assess(client, "C-VILLAGE", VILLAGES[1], {"answers": answers[1]})
    assert r.status_code == 428
    listed = await client.get("/indicators/assessments", params={"indicator": "C-VILLAGE"}, headers=STATS)
    results = {a["org_path"].rsplit("/", 2)[-2]: (a["passed"], a["results"]) for a in listed.json()["items"]}
    assert results["440106001002"] == (False, {"venue": False, "films": True, "librarian": True})
    rows = (
        await client.get(
            "/indicators/analytics",
            params={"indicators": "C-VILLAGE", "orgs": "440106001", "periods": "2011"},
            headers=STATS,
        )
    ).json()["rows"]
    street = rows[0]
    assert (street["numerator"], street["denominator"], street["value"]) == ("1", "3", "33.33")
    assert street["attainment"] == "off_track"
    by_village = (
        await client.get(
            "/indicators/analytics",
            params={"indicators": "C-VILLAGE", "orgs": "440106", "periods": "2011", "level": "village"},
            headers=STATS,
        )
    ).json()["rows"]
    assert [(r["org_code"], r["value"]) for r in by_village] == [
        ("440106001001", "100.00"),
        ("440106001002", "0.00"),
        ("440106001003", "0.00"),
    ]


async def test_assessments_must_answer_what_the_kind_asks(client: httpx.AsyncClient) -> None:
    await checklist_catalogue(client)
    partial = await assess(client, "C-VILLAGE", VILLAGES[0], {"answers": {"venue": 450, "librarian": 1, "x": 1}})
    assert partial.status_code == 422
    assert {e["field"] for e in partial.json()["errors"]} == {"answers.films", "answers.librarian", "answers.x"}
    assert (await assess(client, "C-FUNDS", "440106", {})).status_code == 422
    met = await assess(client, "C-FUNDS", "440106", {"status": "met", "statement": "区财政按人均3元列入预算"})
    assert met.status_code == 200 and met.json()["passed"] is True
    r = await client.get(
        "/indicators/analytics", params={"indicators": "C-FUNDS", "orgs": "440106", "periods": "2011"}, headers=STATS
    )
    assert r.json()["rows"][0]["value"] == "100.00"
    assert (
        await client.put("/indicators/assessments/C-FUNDS/440104/2011", json={"status": "met"}, headers=STATS)
    ).status_code == 403
