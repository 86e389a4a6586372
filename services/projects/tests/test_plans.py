"""Plans: targets per period, the sum check on the domain's 10,000 → 10,500 slip, 其中 parts, progress arithmetic."""

import httpx
from sqlalchemy import text

from halfsky_common.clock import today
from halfsky_projects.plans import nightly

# 篇4: annual targets 培训 10,000, 扶持创业 1,000, 带动就业 5,000 with this quarterly schedule.
QUARTERS = {
    "women_trained": [1500, 3200, 3300, 2500],  # adds up to 10,500, not 10,000
    "businesses_started": [200, 300, 300, 200],
    "jobs_created": [1000, 1500, 1500, 1000],
}
YEAR = {"women_trained": 10_000, "businesses_started": 1_000, "jobs_created": 5_000}


async def _target(client: httpx.AsyncClient, api, pid: str, **body) -> httpx.Response:
    return await client.post(f"/projects/{pid}/targets", json=body, headers=api.pm)


async def _plan_2026(client: httpx.AsyncClient, api, pid: str) -> dict:
    for measure, value in YEAR.items():
        assert (await _target(client, api, pid, measure=measure, period="2026", value=value)).status_code == 201
        for q, v in enumerate(QUARTERS[measure], start=1):
            r = await _target(client, api, pid, measure=measure, period=f"2026Q{q}", value=v)
            assert r.status_code == 201, r.text
    return dict(r.json())


async def test_quarters_that_do_not_add_up_to_the_year_are_flagged(api, client: httpx.AsyncClient) -> None:
    project = await api.create()
    last = await _plan_2026(client, api, project["id"])
    assert [w["measure"] for w in last["warnings"]] == ["women_trained"]
    plan = (await client.get(f"/projects/{project['id']}/targets", headers=api.statistician)).json()
    assert len(plan["targets"]) == 15
    [warning] = plan["warnings"]
    assert warning["year_target"] == 10_000
    assert warning["periods_sum"] == 10_500
    assert warning["difference"] == 500
    assert warning["granularity"] == "quarter"
    assert warning["periods"] == {"2026Q1": 1500, "2026Q2": 3200, "2026Q3": 3300, "2026Q4": 2500}
    q4 = next(t for t in plan["targets"] if t["measure"] == "women_trained" and t["period"] == "2026Q4")
    fixed = await client.patch(
        f"/projects/{project['id']}/targets/{q4['id']}",
        json={"value": 2000},
        headers={**api.pm, "If-Match": f'W/"{q4["version"]}"'},
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["warnings"] == []


async def test_of_which_parts_stay_within_their_parent(api, client: httpx.AsyncClient) -> None:
    project = await api.create()
    pid = project["id"]
    parent = (await _target(client, api, pid, measure="women_employed", period="2026", value=200)).json()["target"]
    part = await _target(
        client,
        api,
        pid,
        measure="women_employed",
        period="2026",
        value=135,
        parent_id=parent["id"],
        label="万人千元就业工程",
    )
    assert part.status_code == 201, part.text
    too_much = await _target(
        client, api, pid, measure="women_employed", period="2026", value=70, parent_id=parent["id"], label="公益性岗位"
    )
    assert too_much.status_code == 422 and too_much.json()["errors"][0]["field"] == "value"
    unnamed = await _target(client, api, pid, measure="women_employed", period="2026", value=10, parent_id=parent["id"])
    assert unnamed.status_code == 422 and unnamed.json()["errors"][0]["field"] == "label"
    other_measure = await _target(
        client, api, pid, measure="women_trained", period="2026", value=10, parent_id=parent["id"], label="x"
    )
    assert other_measure.status_code == 422
    shrink = await client.patch(
        f"/projects/{pid}/targets/{parent['id']}", json={"value": 100}, headers={**api.pm, "If-Match": "*"}
    )
    assert shrink.status_code == 422
    delete = await client.delete(f"/projects/{pid}/targets/{parent['id']}", headers={**api.pm, "If-Match": "*"})
    assert delete.status_code == 409


async def test_target_input_is_checked(api, client: httpx.AsyncClient) -> None:
    pid = (await api.create())["id"]
    assert (await _target(client, api, pid, measure="women_trained", period="2026Q1", value=1500)).status_code == 201
    dup = await _target(client, api, pid, measure="women_trained", period="2026Q1", value=1)
    assert dup.status_code == 409
    outside = await _target(client, api, pid, measure="women_trained", period="2027", value=1)
    assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "period"
    bad = await _target(client, api, pid, measure="happiness", period="2026Q5", value=-1)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"measure", "period", "value"}
    stale = await client.patch(
        f"/projects/{pid}/targets/"
        + (await client.get(f"/projects/{pid}/targets", headers=api.pm)).json()["targets"][0]["id"],
        json={"value": 1},
        headers={**api.pm, "If-Match": 'W/"7"'},
    )
    assert stale.status_code == 412


async def test_targets_are_for_managers_of_the_region(api, client: httpx.AsyncClient) -> None:
    pid = (await api.create())["id"]
    body = {"measure": "women_trained", "period": "2026", "value": 10}
    assert (await client.post(f"/projects/{pid}/targets", json=body, headers=api.statistician)).status_code == 403
    assert (await client.post(f"/projects/{pid}/targets", json=body, headers=api.other_pm)).status_code == 404
    assert (await client.get(f"/projects/{pid}/progress", headers=api.other_leader)).status_code == 404
    await api.advance(pid, "submitted")
    assert (await client.post(f"/projects/{pid}/targets", json=body, headers=api.pm)).status_code == 409


async def test_progress_counts_typed_totals_and_flags_what_is_behind(api, client: httpx.AsyncClient) -> None:
    project = await api.running_project()
    pid = project["id"]
    await _plan_2026(client, api, pid)
    for day, value in (("2026-02-10", 900), ("2026-03-20", 700), ("2026-04-30", 1000)):
        r = await client.post(
            f"/projects/{pid}/actuals",
            json={"measure": "women_trained", "counted_on": day, "value": value},
            headers=api.pm,
        )
        assert r.status_code == 201, r.text
    progress = (await client.get(f"/projects/{pid}/progress?as_of=2026-05-15", headers=api.auditor)).json()
    rows = {(r["measure"], r["period"]): r for r in progress["rows"]}
    q1 = rows[("women_trained", "2026Q1")]
    assert (q1["actual"], q1["source"], q1["period_state"]) == (1600, "reported", "past")
    assert q1["over_fulfilled"] and q1["surplus"] == 100 and q1["completion_pct"] == 106.7
    assert not q1["behind_schedule"]
    q2 = rows[("women_trained", "2026Q2")]
    # 45 of Q2's 91 days are gone: 3,200 × 45 / 91 = 1,582.4 expected, 1,000 done.
    assert (q2["actual"], q2["expected_by_now"], q2["behind_schedule"]) == (1000, 1583, True)
    assert q2["completion_pct"] == 31.3
    year = rows[("women_trained", "2026")]
    assert year["actual"] == 2600 and year["behind_schedule"] and year["period_state"] == "current"
    q3 = rows[("women_trained", "2026Q3")]
    assert (q3["actual"], q3["period_state"], q3["behind_schedule"]) == (0, "future", False)
    assert progress["behind_schedule"] is True
    assert [w["measure"] for w in progress["warnings"]] == ["women_trained"]


async def test_behind_schedule_flag_filters_the_list(api, client: httpx.AsyncClient) -> None:
    year = today().year
    dates = {"start_date": f"{year}-01-01", "end_date": f"{year}-12-31"}
    lagging = await api.running_project(name="两癌筛查", **dates)
    on_track = await api.running_project(name="法律援助", **dates)
    for p in (lagging, on_track):
        body = {"measure": "screenings_done", "period": str(year), "value": 2000}
        assert (await client.post(f"/projects/{p['id']}/targets", json=body, headers=api.pm)).status_code == 201
    r = await client.post(
        f"/projects/{on_track['id']}/actuals",
        headers=api.pm,
        json={"measure": "screenings_done", "counted_on": f"{year}-01-01", "value": 2100},
    )
    assert r.status_code == 201
    listed = (await client.get("/projects?behind_schedule=true", headers=api.leader)).json()["items"]
    assert [p["name"] for p in listed] == ["两癌筛查"]
    refreshed = await client.post("/projects/progress/refresh", headers=api.leader)
    assert refreshed.status_code == 200 and refreshed.json()["checked"] == 2
    assert (await client.post("/projects/progress/refresh", headers=api.pm)).status_code == 403


async def test_the_background_round_refreshes_flags_that_time_made_stale(api, client: httpx.AsyncClient, app) -> None:
    year = today().year
    lagging = await api.running_project(name="两癌筛查", start_date=f"{year}-01-01", end_date=f"{year}-12-31")
    body = {"measure": "screenings_done", "period": str(year), "value": 2000}
    assert (await client.post(f"/projects/{lagging['id']}/targets", json=body, headers=api.pm)).status_code == 201
    async with app.state.engine.begin() as conn:  # as it stood before the days went by
        await conn.execute(text("UPDATE project SET behind_schedule = false"))
    assert (await client.get("/projects?behind_schedule=true", headers=api.leader)).json()["items"] == []

    assert await nightly.refresh_all(app.state.sessionmaker, as_of=today()) == (1, 1)
    listed = (await client.get("/projects?behind_schedule=true", headers=api.leader)).json()["items"]
    assert [p["name"] for p in listed] == ["两癌筛查"]
    assert await nightly.refresh_all(app.state.sessionmaker, as_of=today()) == (1, 0)
    async with app.state.engine.connect() as conn:
        actors = (await conn.execute(text("SELECT actor_id FROM audit_log WHERE action = 'progress.refresh'"))).all()
    assert [a for (a,) in actors] == ["system:progress-refresh"] * 2


async def test_typed_actuals_outside_the_project_are_refused(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project())["id"]
    r = await client.post(
        f"/projects/{pid}/actuals",
        headers=api.pm,
        json={"measure": "households_reached", "counted_on": "2027-01-05", "value": 5},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "counted_on"


async def test_department_quotas_cannot_outgrow_the_year(api, client: httpx.AsyncClient) -> None:
    """篇4 splits the 10,000 by department into quotas that add up to 10,500: the last one is refused."""
    pid = (await api.create())["id"]
    year = (await _target(client, api, pid, measure="women_trained", period="2026", value=10_000)).json()["target"]
    quotas = [
        ("劳动保障 技能就业计划", 4_500),
        ("农业 阳光工程", 2_500),
        ("扶贫 雨露计划", 1_000),
        ("教育 职业教育", 2_000),
        ("科技 星火计划", 500),
    ]
    statuses = []
    for label, value in quotas:
        r = await _target(
            client, api, pid, measure="women_trained", period="2026", value=value, parent_id=year["id"], label=label
        )
        statuses.append(r.status_code)
    assert statuses == [201, 201, 201, 201, 422]
    assert "10,500" in r.json()["detail"]
