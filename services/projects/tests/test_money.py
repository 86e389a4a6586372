"""Money: budget by source and item in fen, vouchers, the refusal to overspend a line and a leader's override."""

import httpx

# 两癌: the breast-screening subsidy is 79 yuan a person (province 60 %, county 40 %) while it really costs 100.
PEOPLE = 2_570
PROVINCE_FEN = PEOPLE * 4_740  # 47.40 yuan each
COUNTY_FEN = PEOPLE * 3_160  # 31.60 yuan each
REAL_COST_FEN = PEOPLE * 10_000


async def _voucher(client: httpx.AsyncClient, api, pid: str) -> str:
    r = await client.post(
        f"/projects/{pid}/attachments?filename=发票.pdf",
        content=b"%PDF-1.4 invoice",
        headers={**api.pm, "Content-Type": "application/pdf"},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def _screening_budget(client: httpx.AsyncClient, api) -> tuple[str, dict, dict]:
    pid = (await api.running_project(name="农村妇女两癌免费检查", category="health_screening", kind="upper_level"))[
        "id"
    ]
    lines = []
    for source, amount in (("upper_allocation", PROVINCE_FEN), ("finance", COUNTY_FEN)):
        r = await client.post(
            f"/projects/{pid}/budget/lines",
            headers=api.pm,
            json={"source": source, "item": "乳腺癌筛查补助", "amount_fen": amount},
        )
        assert r.status_code == 201, r.text
        lines.append(r.json())
    return pid, lines[0], lines[1]


async def test_overspending_a_line_is_refused_unless_a_leader_overrides(api, client: httpx.AsyncClient) -> None:
    pid, province, county = await _screening_budget(client, api)
    voucher = await _voucher(client, api, pid)

    async def pay(line: dict, amount: int, headers: dict, reason: str = "") -> httpx.Response:
        return await client.post(
            f"/projects/{pid}/expenditures",
            headers=headers,
            json={
                "budget_line_id": line["id"],
                "spent_on": "2026-06-30",
                "amount_fen": amount,
                "payee": "区妇幼保健院",
                "purpose": "乳腺癌筛查费用",
                "voucher_id": voucher,
                "override_reason": reason,
            },
        )

    assert (await pay(province, PROVINCE_FEN, api.pm)).status_code == 201
    assert (await pay(county, COUNTY_FEN, api.pm)).status_code == 201
    shortfall = REAL_COST_FEN - PROVINCE_FEN - COUNTY_FEN
    assert shortfall == 5_397_000
    refused = await pay(county, shortfall, api.pm)
    assert refused.status_code == 409
    assert (refused.json()["remaining_fen"], refused.json()["spent_fen"]) == (0, COUNTY_FEN)
    assert (await pay(county, shortfall, api.pm, reason="我来批")).status_code == 403
    reason = "实际成本100元/人，补助标准79元/人，差额由县财政追加"
    allowed = await pay(county, shortfall, api.leader, reason=reason)
    assert allowed.status_code == 201, allowed.text
    assert allowed.json()["over_budget"] is True and allowed.json()["overridden_by"] == "吴桂兰"
    summary = (await client.get(f"/projects/{pid}/budget", headers=api.statistician)).json()
    assert summary["budget_fen"] == 20_303_000 and summary["spent_fen"] == REAL_COST_FEN
    assert summary["execution_rate_pct"] == 126.6
    states = {line["source"]: line["state"] for line in summary["lines"]}
    assert states == {"upper_allocation": "near_limit", "finance": "over"}
    assert {w["code"] for w in summary["warnings"]} == {"overspent", "near_limit"}
    by_source = {s["source"]: s for s in summary["by_source"]}
    assert by_source["finance"]["spent_fen"] == COUNTY_FEN + shortfall
    county_line = next(line for line in summary["lines"] if line["source"] == "finance")
    assert county_line["remaining_fen"] == -shortfall
    spent = (
        await client.get(f"/projects/{pid}/expenditures?budget_line_id={county['id']}", headers=api.auditor)
    ).json()
    assert [e["over_budget"] for e in spent] == [False, True]


async def test_payments_need_a_voucher_room_and_dates(api, client: httpx.AsyncClient) -> None:
    pid, province, _ = await _screening_budget(client, api)
    voucher = await _voucher(client, api, pid)
    base = {
        "budget_line_id": province["id"],
        "spent_on": "2026-05-01",
        "amount_fen": 100,
        "payee": "区妇幼保健院",
        "voucher_id": voucher,
    }
    cases = [
        ({"voucher_id": "00000000-0000-0000-0000-000000000000"}, "voucher_id", 422),
        ({"spent_on": "2027-01-02"}, "spent_on", 422),
        ({"amount_fen": 0}, "amount_fen", 422),
        ({"amount_fen": 1.5}, "amount_fen", 422),
        ({"override_reason": "不需要"}, "override_reason", 422),
    ]
    for change, field, status in cases:
        r = await client.post(f"/projects/{pid}/expenditures", json={**base, **change}, headers=api.leader)
        assert r.status_code == status, (change, r.text)
        assert r.json()["errors"][0]["field"] == field
    no_voucher = {k: v for k, v in base.items() if k != "voucher_id"}
    r = await client.post(f"/projects/{pid}/expenditures", json=no_voucher, headers=api.pm)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "voucher_id"


async def test_a_replayed_payment_is_charged_once(api, client: httpx.AsyncClient) -> None:
    pid, province, _ = await _screening_budget(client, api)
    voucher = await _voucher(client, api, pid)
    body = {
        "budget_line_id": province["id"],
        "spent_on": "2026-05-01",
        "amount_fen": 1_000_000,
        "payee": "区妇幼保健院",
        "voucher_id": voucher,
    }
    headers = {**api.pm, "Idempotency-Key": "pay-2026-05-01-001"}
    first = await client.post(f"/projects/{pid}/expenditures", json=body, headers=headers)
    second = await client.post(f"/projects/{pid}/expenditures", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    summary = (await client.get(f"/projects/{pid}/budget", headers=api.pm)).json()
    assert summary["spent_fen"] == 1_000_000


async def test_budget_lines_are_checked(api, client: httpx.AsyncClient) -> None:
    pid, province, _ = await _screening_budget(client, api)
    dup = await client.post(
        f"/projects/{pid}/budget/lines",
        headers=api.pm,
        json={"source": "upper_allocation", "item": "乳腺癌筛查补助", "amount_fen": 1},
    )
    assert dup.status_code == 409
    bad = await client.post(
        f"/projects/{pid}/budget/lines", headers=api.pm, json={"source": "lottery", "item": "", "amount_fen": -5}
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"source", "item", "amount_fen"}
    voucher = await _voucher(client, api, pid)
    await client.post(
        f"/projects/{pid}/expenditures",
        headers=api.pm,
        json={
            "budget_line_id": province["id"],
            "spent_on": "2026-05-01",
            "amount_fen": 5_000_000,
            "payee": "区妇幼保健院",
            "voucher_id": voucher,
        },
    )
    url = f"/projects/{pid}/budget/lines/{province['id']}"
    assert (await client.patch(url, json={"amount_fen": 4_000_000}, headers=api.pm)).status_code == 428
    shrink = await client.patch(url, json={"amount_fen": 4_000_000}, headers={**api.pm, "If-Match": 'W/"1"'})
    assert shrink.status_code == 422
    grow = await client.patch(url, json={"amount_fen": 13_000_000}, headers={**api.pm, "If-Match": 'W/"1"'})
    assert grow.status_code == 200 and grow.json()["remaining_fen"] == 8_000_000
    stale = await client.patch(url, json={"amount_fen": 14_000_000}, headers={**api.pm, "If-Match": 'W/"1"'})
    assert stale.status_code == 412


async def test_money_is_region_and_role_scoped(api, client: httpx.AsyncClient) -> None:
    pid, _, _ = await _screening_budget(client, api)
    assert (await client.get(f"/projects/{pid}/budget", headers=api.other_leader)).status_code == 404
    assert (await client.get(f"/projects/{pid}/expenditures", headers=api.other_pm)).status_code == 404
    body = {"source": "donation", "item": "宣传材料", "amount_fen": 100}
    assert (await client.post(f"/projects/{pid}/budget/lines", json=body, headers=api.statistician)).status_code == 403
    assert (await client.post(f"/projects/{pid}/budget/lines", json=body, headers=api.other_pm)).status_code == 404
    assert (await client.get(f"/projects/{pid}/budget", headers=api.auditor)).status_code == 200
