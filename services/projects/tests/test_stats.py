"""Statistics against a known fixture: the feed contract per leaf unit and period, the richer stats, scoping."""

from datetime import datetime

import httpx
import pytest
from sqlalchemy import text

from halfsky_common.testing import auth, make_token

VILLAGE = "/44/4401/440106/440106001/440106001001/"
STREET = "/44/4401/440106/440106001/"
TIANHE = "/44/4401/440106/"
YUEXIU = "/44/4401/440103/"


async def _set_event(app, pid: str, action: str, at: str) -> None:
    """Date a recorded transition (the fixture's calendar, not the test run's clock)."""
    async with app.state.engine.begin() as conn:
        await conn.execute(
            text("UPDATE project_event SET at = :at WHERE project_id = :pid AND action = :action"),
            {"at": datetime.fromisoformat(at), "pid": pid, "action": action},
        )
        if action == "approve":
            await conn.execute(
                text("UPDATE project SET approved_at = :at WHERE id = :pid"),
                {"at": datetime.fromisoformat(at), "pid": pid},
            )


async def _person(client, headers, pid, name, org_path, registered_on="2026-02-01") -> str:
    r = await client.post(
        f"/projects/{pid}/beneficiaries",
        headers=headers,
        json={"name": name, "registered_on": registered_on, "org_path": org_path},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


@pytest.fixture
async def fixture(api, app, client: httpx.AsyncClient) -> dict:
    # A: 天河区 training project, approved 00:30 on 1 April Shanghai time (still 31 March in UTC).
    a = (await api.running_project(name="巾帼创业就业技能培训"))["id"]
    await _set_event(app, a, "approve", "2026-03-31T16:30:00+00:00")
    await _set_event(app, a, "start", "2026-04-02T01:00:00+00:00")
    people = [await _person(client, api.pm, a, n, VILLAGE) for n in ("黄秀兰", "陈美华", "林桂芳")]
    training = (
        await client.post(
            f"/projects/{a}/activities",
            headers=api.pm,
            json={"kind": "training", "title": "育婴师培训班", "held_on": "2026-03-12", "hours": "40"},
        )
    ).json()
    sheet = {"entries": [{"beneficiary_id": p, "present": i < 2} for i, p in enumerate(people)]}
    r = await client.put(
        f"/projects/{a}/activities/{training['id']}/attendance", json=sheet, headers={**api.pm, "If-Match": "*"}
    )
    assert r.status_code == 200, r.text
    await client.post(
        f"/projects/{a}/beneficiaries/{people[0]}/outcomes",
        headers=api.pm,
        json={"kind": "employed", "achieved_on": "2026-05-10"},
    )
    line = (
        await client.post(
            f"/projects/{a}/budget/lines",
            headers=api.pm,
            json={"source": "finance", "item": "培训补贴", "amount_fen": 10_000_000},
        )
    ).json()
    voucher = (
        await client.post(
            f"/projects/{a}/attachments?filename=发票.pdf",
            content=b"%PDF",
            headers={**api.pm, "Content-Type": "application/pdf"},
        )
    ).json()
    for day, fen in (("2026-06-30", 3_000_000), ("2026-07-01", 1_000_000)):
        r = await client.post(
            f"/projects/{a}/expenditures",
            headers=api.pm,
            json={
                "budget_line_id": line["id"],
                "spent_on": day,
                "amount_fen": fen,
                "payee": "区职业技术学校",
                "voucher_id": voucher["id"],
            },
        )
        assert r.status_code == 201, r.text
    # B: 石牌街道 two-cancer screening, approved in February, closed on 30 September.
    b = (await api.running_project(name="两癌免费筛查", category="health_screening", org_path=STREET))["id"]
    for name in ("周静", "郑雪梅"):
        pid = await _person(client, api.pm, b, name, STREET)
        await client.post(
            f"/projects/{b}/beneficiaries/{pid}/outcomes",
            headers=api.pm,
            json={"kind": "screened", "achieved_on": "2026-07-01"},
        )
    await api.act(b, "request_close", api.pm)
    report = (
        await client.post(
            f"/projects/{b}/attachments?filename=报告.pdf",
            content=b"%PDF",
            headers={**api.pm, "Content-Type": "application/pdf"},
        )
    ).json()
    await client.post(
        f"/projects/{b}/evaluations",
        headers=api.pm,
        json={
            "kind": "final",
            "conducted_on": "2026-09-20",
            "evaluator": "区妇联",
            "continue_next_round": True,
            "report_id": report["id"],
        },
    )
    assert (await api.act(b, "close", api.leader)).status_code == 200
    await _set_event(app, b, "approve", "2026-02-10T02:00:00+00:00")
    await _set_event(app, b, "start", "2026-02-15T02:00:00+00:00")
    await _set_event(app, b, "request_close", "2026-09-10T02:00:00+00:00")
    await _set_event(app, b, "close", "2026-09-30T08:00:00+00:00")
    # C: 越秀区, another district.
    c = (await api.create(headers=api.other_pm, name="越秀区家政培训", org_path=YUEXIU))["id"]
    for step, who in (("submit", api.other_pm), ("start_review", api.other_leader)):
        await api.act(c, step, who)
    await api.review(c, headers=api.other_leader)
    await api.act(c, "approve", api.other_leader)
    await api.act(c, "start", api.other_pm)
    await _set_event(app, c, "approve", "2026-01-20T02:00:00+00:00")
    pid = await _person(client, api.other_pm, c, "何美玲", YUEXIU)
    await client.post(
        f"/projects/{c}/beneficiaries/{pid}/outcomes",
        headers=api.other_pm,
        json={"kind": "trained", "achieved_on": "2026-03-01"},
    )
    return {"a": a, "b": b, "c": c}


def _rows(feed: dict) -> dict[tuple[str, str], int]:
    return {(r["org_path"], r["measure"]): r["value"] for r in feed["rows"]}


async def _feed(client, headers, period) -> dict:
    r = await client.get(f"/projects/stats/feed?period={period}", headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_feed_per_leaf_unit_and_period(fixture, api, client: httpx.AsyncClient) -> None:
    q1 = await _feed(client, api.statistician, "2026Q1")
    assert q1["source"] == "projects" and q1["period"] == "2026Q1" and q1["generated_at"].endswith("Z")
    assert _rows(q1) == {
        (VILLAGE, "women_trained"): 2,
        (VILLAGE, "beneficiaries_registered"): 3,
        (STREET, "beneficiaries_registered"): 2,
        (TIANHE, "activities_held"): 1,
        (TIANHE, "activity_participants"): 2,
        (STREET, "projects_approved"): 1,
        (STREET, "projects_in_progress"): 1,
    }
    q2 = _rows(await _feed(client, api.statistician, "2026Q2"))
    assert q2 == {
        (TIANHE, "projects_approved"): 1,
        (TIANHE, "projects_in_progress"): 1,
        (STREET, "projects_in_progress"): 1,
        (VILLAGE, "women_employed"): 1,
        (TIANHE, "spent_fen"): 3_000_000,
        (TIANHE, "budget_fen"): 10_000_000,
    }
    q3 = _rows(await _feed(client, api.statistician, "2026Q3"))
    assert q3[(STREET, "projects_closed")] == 1
    assert (STREET, "projects_in_progress") not in q3
    assert q3[(STREET, "screenings_done")] == 2
    july = _rows(await _feed(client, api.statistician, "202607"))
    assert july[(TIANHE, "spent_fen")] == 1_000_000 and july[(STREET, "screenings_done")] == 2
    year = _rows(await _feed(client, api.statistician, "2026"))
    assert year[(TIANHE, "spent_fen")] == 4_000_000 and year[(TIANHE, "projects_approved")] == 1
    assert all(org.startswith(TIANHE) for org, _ in year)


async def test_feed_is_scoped_and_guarded(fixture, api, client: httpx.AsyncClient) -> None:
    city = _rows(await _feed(client, api.city_leader, "2026Q1"))
    assert city[(YUEXIU, "women_trained")] == 1 and city[(YUEXIU, "projects_approved")] == 1
    other = _rows(await _feed(client, api.other_leader, "2026Q1"))
    assert all(org.startswith(YUEXIU) for org, _ in other) and other
    indicator_client = auth(make_token(roles=[], org_path="/44/", typ="client", scope="stats:read"))
    assert _rows(await _feed(client, indicator_client, "2026Q1")) == city
    service = auth(make_token(roles=[], org_path="/44/", typ="service", scope="stats:read"))
    assert _rows(await _feed(client, service, "2026Q1")) == city
    for headers in (
        api.pm,
        auth(make_token(roles=["case_worker"], org_path=TIANHE)),
        auth(make_token(roles=[], org_path="/44/", typ="client", scope="cases:write")),
    ):
        assert (await client.get("/projects/stats/feed?period=2026Q1", headers=headers)).status_code == 403
    bad = await client.get("/projects/stats/feed?period=2026Q5", headers=api.statistician)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "period"


async def test_stats_counts_money_and_measures(fixture, api, client: httpx.AsyncClient) -> None:
    r = await client.get("/projects/stats?period=2026", headers=api.pm)
    assert r.status_code == 200, r.text
    stats = r.json()
    assert stats["projects"] == 2
    assert {g["key"]: g["projects"] for g in stats["by_status"]} == {"closed": 1, "in_progress": 1}
    assert {g["key"]: g["budget_fen"] for g in stats["by_category"]} == {
        "health_screening": 0,
        "skills_training": 10_000_000,
    }
    assert (stats["budget_fen"], stats["spent_fen"], stats["execution_rate_pct"]) == (10_000_000, 4_000_000, 40.0)
    measures = {m["measure"]: m["value"] for m in stats["measures"]}
    assert (measures["women_trained"], measures["women_employed"], measures["screenings_done"]) == (2, 1, 2)
    quarters = {p["period"]: {m["measure"]: m["value"] for m in p["measures"]} for p in stats["by_period"]}
    assert list(quarters) == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert quarters["2026Q1"]["women_trained"] == 2 and quarters["2026Q2"]["women_employed"] == 1
    assert quarters["2026Q3"]["projects_closed"] == 1 and quarters["2026Q4"]["spent_fen"] == 0
    units = {u["org_path"]: {m["measure"]: m["value"] for m in u["measures"]} for u in stats["by_unit"]}
    assert units[STREET]["women_trained"] == 2 and units[STREET]["screenings_done"] == 2
    assert units[TIANHE]["spent_fen"] == 4_000_000
    june = (await client.get("/projects/stats?period=202606", headers=api.pm)).json()
    assert june["spent_fen"] == 3_000_000 and june["spent_to_date_fen"] == 3_000_000 and june["by_period"] == []
    street = (await client.get(f"/projects/stats?period=2026&org_path={STREET}", headers=api.leader)).json()
    assert street["projects"] == 1 and street["budget_fen"] == 0
    city = (await client.get("/projects/stats?period=2026", headers=api.city_leader)).json()
    assert city["projects"] == 3
    outside = await client.get(f"/projects/stats?period=2026&org_path={YUEXIU}", headers=api.leader)
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "org_path"
    cw = auth(make_token(roles=["case_worker"], org_path=TIANHE))
    assert (await client.get("/projects/stats?period=2026", headers=cw)).status_code == 403
