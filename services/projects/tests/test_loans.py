"""Micro-loans: village certifies, township submits, county gives its opinion; the grant counts as an outcome."""

import httpx

from halfsky_common.testing import auth, make_token

VILLAGE = "/44/4401/440106/440106001/440106001001/"
OTHER_VILLAGE = "/44/4401/440106/440106002/440106002001/"


def _village_pm(path: str = VILLAGE):
    return auth(make_token(roles=["project_manager"], org_path=path, name="村妇联主任", sub=f"pm-{path}"))


async def _loan(client: httpx.AsyncClient, api, pid: str, name: str, amount_yuan: int, jobs: int) -> dict:
    body = {
        "borrower": {"name": name, "registered_on": "2026-03-01", "org_path": VILLAGE, "target_group": "农村妇女"},
        "applied_on": "2026-03-01",
        "amount_fen": amount_yuan * 100,
        "business": "生猪养殖",
        "jobs_created": jobs,
    }
    r = await client.post(f"/projects/{pid}/loans", json=body, headers=api.pm)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def _step(client, pid, loan, step, headers, approve=True, opinion="情况属实"):
    return await client.post(
        f"/projects/{pid}/loans/{loan['id']}/steps/{step}",
        headers=headers,
        json={"approve": approve, "opinion": opinion},
    )


async def test_the_three_step_chain_then_the_grant(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project(name="小额担保贷款", category="micro_loans"))["id"]
    await client.post(
        f"/projects/{pid}/targets",
        headers=api.pm,
        json={"measure": "loan_amount_fen", "period": "2026", "value": 23_000_000},
    )
    loans = [
        await _loan(client, api, pid, n, a, j)
        for n, a, j in (("黄秀兰", 100_000, 5), ("陈美华", 80_000, 4), ("林桂芳", 50_000, 3))
    ]
    for loan in loans:
        assert (await _step(client, pid, loan, "certify", _village_pm())).status_code == 200
        assert (await _step(client, pid, loan, "submit", api.street_pm)).status_code == 200
        r = await _step(client, pid, loan, "opinion", api.leader, opinion="同意推荐，请人社局审批放款")
        assert r.status_code == 200 and r.json()["status"] == "endorsed"
        r = await client.post(
            f"/projects/{pid}/loans/{loan['id']}/grant",
            headers=api.pm,
            json={"granted_on": "2026-04-20", "amount_fen": loan["amount_fen"], "lender": "邮储银行"},
        )
        assert r.status_code == 200, r.text
    detail = r.json()
    assert [s["step"] for s in detail["steps"]] == ["certify", "submit", "opinion"]
    assert detail["steps"][2]["actor_org_path"] == "/44/4401/440106/"
    progress = (await client.get(f"/projects/{pid}/progress?as_of=2026-12-31", headers=api.pm)).json()
    [row] = progress["rows"]
    assert (row["actual"], row["source"], row["completion_pct"]) == (23_000_000, "records", 100.0)
    await client.post(
        f"/projects/{pid}/targets", headers=api.pm, json={"measure": "jobs_created", "period": "2026", "value": 12}
    )
    await client.post(
        f"/projects/{pid}/targets", headers=api.pm, json={"measure": "loans_granted", "period": "2026", "value": 3}
    )
    rows = {
        r["measure"]: r["actual"]
        for r in (await client.get(f"/projects/{pid}/progress?as_of=2026-12-31", headers=api.pm)).json()["rows"]
    }
    assert rows == {"loan_amount_fen": 23_000_000, "jobs_created": 12, "loans_granted": 3}


async def test_each_step_belongs_to_its_level(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project(category="micro_loans"))["id"]
    loan = await _loan(client, api, pid, "黄秀兰", 100_000, 5)
    assert (await _step(client, pid, loan, "certify", api.leader)).status_code == 403
    assert (await _step(client, pid, loan, "certify", api.street_pm)).status_code == 403
    assert (await _step(client, pid, loan, "certify", _village_pm(OTHER_VILLAGE))).status_code == 404
    assert (await _step(client, pid, loan, "submit", api.street_pm)).status_code == 409
    assert (await _step(client, pid, loan, "certify", _village_pm())).status_code == 200
    assert (await _step(client, pid, loan, "opinion", api.leader)).status_code == 409
    assert (await _step(client, pid, loan, "submit", api.street_pm)).status_code == 200
    assert (await _step(client, pid, loan, "opinion", api.pm)).status_code == 403
    r = await client.post(
        f"/projects/{pid}/loans/{loan['id']}/grant", headers=api.pm, json={"granted_on": "2026-04-20", "amount_fen": 1}
    )
    assert r.status_code == 409
    refused = await _step(client, pid, loan, "opinion", api.leader, approve=False, opinion="")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "opinion"
    refused = await _step(client, pid, loan, "opinion", api.leader, approve=False, opinion="经营项目风险较大")
    assert refused.json()["status"] == "declined"
    rows = (await client.get(f"/projects/{pid}/loans?status=declined", headers=api.statistician)).json()
    assert [r["borrower_name"] for r in rows] == ["黄*兰"]


async def test_a_loan_is_applied_for_in_a_village_of_the_project(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project(category="micro_loans"))["id"]
    body = {
        "borrower": {"name": "黄秀兰", "registered_on": "2026-03-01", "org_path": "/44/4401/440106/440106001/"},
        "applied_on": "2026-03-01",
        "amount_fen": 5_000_000,
        "business": "果蔬种植",
    }
    r = await client.post(f"/projects/{pid}/loans", json=body, headers=api.pm)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "borrower.org_path"
    body["borrower"]["org_path"] = "/44/4401/440103/440103001/440103001001/"
    r = await client.post(f"/projects/{pid}/loans", json=body, headers=api.pm)
    assert r.status_code == 422
    body["amount_fen"] = 0
    r = await client.post(f"/projects/{pid}/loans", json=body, headers=api.pm)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "amount_fen"


async def test_grant_cannot_exceed_the_request(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project(category="micro_loans"))["id"]
    loan = await _loan(client, api, pid, "陈美华", 80_000, 4)
    await _step(client, pid, loan, "certify", _village_pm())
    await _step(client, pid, loan, "submit", api.street_pm)
    await _step(client, pid, loan, "opinion", api.leader)
    r = await client.post(
        f"/projects/{pid}/loans/{loan['id']}/grant",
        headers=api.pm,
        json={"granted_on": "2026-04-20", "amount_fen": 9_000_000},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "amount_fen"
    for headers, status in ((api.street_pm, 404), (api.statistician, 403)):
        r = await client.post(
            f"/projects/{pid}/loans/{loan['id']}/grant",
            headers=headers,
            json={"granted_on": "2026-04-20", "amount_fen": 8_000_000},
        )
        assert r.status_code == status


async def test_village_cadres_see_the_loans_of_their_village_only(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project(category="micro_loans"))["id"]
    await _loan(client, api, pid, "黄秀兰", 100_000, 5)
    r = await client.get("/projects/loans?status=applied", headers=_village_pm())
    assert r.status_code == 200, r.text
    mine = r.json()["items"]
    assert [loan["borrower_name"] for loan in mine] == ["黄秀兰"]
    assert (await client.get("/projects/loans", headers=_village_pm(OTHER_VILLAGE))).json()["items"] == []
    assert (await client.get(f"/projects/{pid}", headers=_village_pm())).status_code == 404
