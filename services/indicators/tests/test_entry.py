"""Data entry: a form's worth of values in one request, all or nothing, inside the entrant's region."""

import asyncio

import httpx
from indicators_factories import CASE_WORKER, GZ_LEADER, STATS, YX_STATS, create, element, folic_catalogue

FORM = "/indicators/forms/folic/440106001/2010"


async def test_a_form_saves_values_and_reads_them_back(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    empty = await client.get(FORM, headers=STATS)
    assert empty.status_code == 200
    assert empty.json()["status"] == "draft" and empty.json()["version"] == 0
    assert [v["value"] for v in empty.json()["values"]] == [None, None]
    r = await client.put(
        FORM,
        json={
            "values": [
                {"element": "folic_takers", "value": 29169},
                {"element": "folic_due", "value": "32478", "comment": "摸底登记"},
            ]
        },
        headers=STATS,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["org_path"] == "/44/4401/440106/440106001/" and body["period"] == "2010"
    assert body["due"] == "2011-01-15" and body["version"] == 1
    values = {v["element"]: v for v in body["values"]}
    assert float(values["folic_takers"]["value"]) == 29169
    assert values["folic_due"]["comment"] == "摸底登记" and values["folic_due"]["entered_by"] == "周静"
    listed = await client.get("/indicators/data-values", params={"org": "440106", "period": "2010"}, headers=STATS)
    assert sorted(float(v["value"]) for v in listed.json()["items"]) == [29169, 32478]


async def test_one_bad_value_saves_nothing(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    r = await client.put(
        FORM,
        json={
            "values": [
                {"element": "folic_takers", "value": 100},
                {"element": "folic_due", "value": 12.5},
                {"element": "women_trained", "value": 3},
            ]
        },
        headers=STATS,
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["values.1.value", "values.2.element"]
    after = await client.get(FORM, headers=STATS)
    assert after.json()["version"] == 0 and all(v["value"] is None for v in after.json()["values"])
    negative = await client.put(FORM, json={"values": [{"element": "folic_due", "value": -1}]}, headers=STATS)
    assert negative.status_code == 422 and "negative" in negative.json()["errors"][0]["message"]


async def test_a_period_of_the_wrong_type_is_refused(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    r = await client.put("/indicators/forms/folic/440106001/2010Q1", json={"values": []}, headers=STATS)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "period"
    r = await client.put("/indicators/forms/folic/4401060/2010", json={"values": []}, headers=STATS)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "org"


async def test_later_saves_need_the_etag(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    first = await client.put(FORM, json={"values": [{"element": "folic_due", "value": 32478}]}, headers=STATS)
    again = await client.put(FORM, json={"values": [{"element": "folic_due", "value": 32000}]}, headers=STATS)
    assert again.status_code == 428
    ok = await client.put(
        FORM,
        json={"values": [{"element": "folic_due", "value": None}, {"element": "folic_takers", "value": 1}]},
        headers={**STATS, "If-Match": first.headers["etag"]},
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    values = {v["element"]: v["value"] for v in ok.json()["values"]}
    assert values["folic_due"] is None and float(values["folic_takers"]) == 1
    stale = await client.put(
        FORM,
        json={"values": [{"element": "folic_due", "value": 5}]},
        headers={**STATS, "If-Match": first.headers["etag"]},
    )
    assert stale.status_code == 412


async def test_entry_and_reading_stay_inside_the_region(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)
    await client.put(FORM, json={"values": [{"element": "folic_due", "value": 32478}]}, headers=STATS)
    denied = await client.put(FORM, json={"values": [{"element": "folic_due", "value": 1}]}, headers=YX_STATS)
    assert denied.status_code == 403 and denied.json()["errors"][0]["field"] == "org"
    assert (await client.get(FORM, headers=YX_STATS)).status_code == 403
    assert (await client.get(FORM, headers=CASE_WORKER)).status_code == 403
    assert (await client.put(FORM, json={"values": []}, headers=GZ_LEADER)).status_code == 403
    leak = await client.get("/indicators/data-values", headers=YX_STATS)
    assert leak.status_code == 200 and leak.json()["items"] == []
    seen = await client.get("/indicators/data-values", headers=GZ_LEADER)
    assert len(seen.json()["items"]) == 1


async def test_decimal_and_money_elements_keep_exact_values(client: httpx.AsyncClient) -> None:
    await create(client, "/data-elements", element("loan_fen", "贷款金额（分）", value_type="money_fen"))
    await create(client, "/data-elements", element("avg_hours", "人均学时", value_type="decimal"))
    await create(
        client,
        "/data-sets",
        {"code": "loans", "name_zh": "小额贷款", "period_type": "year", "elements": ["loan_fen", "avg_hours"]},
    )
    r = await client.put(
        "/indicators/forms/loans/440106/2014",
        json={"values": [{"element": "loan_fen", "value": 230000000}, {"element": "avg_hours", "value": "120.125"}]},
        headers=STATS,
    )
    assert r.status_code == 200, r.text
    values = {v["element"]: v["value"] for v in r.json()["values"]}
    assert values == {"loan_fen": "230000000.000000", "avg_hours": "120.125000"}
    fen = await client.put(
        "/indicators/forms/loans/440106/2015",
        json={"values": [{"element": "loan_fen", "value": "10.5"}]},
        headers=STATS,
    )
    assert fen.status_code == 422 and "fen" in fen.json()["errors"][0]["message"]


async def test_two_first_saves_at_once_cannot_both_win(client: httpx.AsyncClient) -> None:
    await folic_catalogue(client)

    async def save(value: int) -> int:
        r = await client.put(FORM, json={"values": [{"element": "folic_due", "value": value}]}, headers=STATS)
        return r.status_code

    codes = sorted(await asyncio.gather(save(32478), save(32000)))
    assert codes == [200, 428]
    form = await client.get(FORM, headers=STATS)
    assert form.json()["version"] == 1
