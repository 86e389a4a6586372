"""Campaign projects (平安家庭创建): phases over month ranges, responsibility letters with member units."""

import httpx

PHASES = {
    "mobilise": ("2026-01", "2026-03", "制定方案，成立领导小组，签订目标责任书"),
    "implement": ("2026-04", "2026-07", "各成员单位制定实施计划"),
    "self_check": ("2026-08", "2026-10", "两次全面检查，市级专家组预查评估"),
    "acceptance": ("2026-11", "2026-12", "省、市验收"),
}


async def test_phases_follow_each_other_and_letters_are_kept(api, client: httpx.AsyncClient) -> None:
    project = await api.create(name="平安家庭创建", category="family_building", is_campaign=True)
    pid = project["id"]
    for phase, (start, end, tasks) in PHASES.items():
        r = await client.put(
            f"/projects/{pid}/campaign/phases/{phase}",
            headers=api.pm,
            json={"start_month": start, "end_month": end, "tasks": tasks},
        )
        assert r.status_code == 200, r.text
    overlap = await client.put(
        f"/projects/{pid}/campaign/phases/implement",
        headers=api.pm,
        json={"start_month": "2026-03", "end_month": "2026-07"},
    )
    assert overlap.status_code == 422 and overlap.json()["errors"][0]["field"] == "start_month"
    late = await client.put(
        f"/projects/{pid}/campaign/phases/self_check",
        headers=api.pm,
        json={"start_month": "2026-08", "end_month": "2026-11"},
    )
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "end_month"
    outside = await client.put(
        f"/projects/{pid}/campaign/phases/acceptance",
        headers=api.pm,
        json={"start_month": "2026-11", "end_month": "2027-01"},
    )
    assert outside.status_code == 422
    for unit in ("区公安分局", "区民政局", "区司法局"):
        r = await client.post(
            f"/projects/{pid}/campaign/letters",
            headers=api.pm,
            json={
                "member_unit": unit,
                "duties": "落实平安家庭创建职责",
                "targets": "平安家庭达标率80%以上",
                "signed_on": "2026-02-20",
                "signatory": "分管领导",
            },
        )
        assert r.status_code == 201, r.text
    campaign = (await client.get(f"/projects/{pid}/campaign", headers=api.statistician)).json()
    assert [p["phase"] for p in campaign["phases"]] == list(PHASES)
    assert campaign["phases"][1]["start_month"] == "2026-04"
    assert len(campaign["letters"]) == 3


async def test_phases_belong_to_campaigns_only(api, client: httpx.AsyncClient) -> None:
    pid = (await api.create())["id"]
    r = await client.put(
        f"/projects/{pid}/campaign/phases/mobilise",
        headers=api.pm,
        json={"start_month": "2026-01", "end_month": "2026-03"},
    )
    assert r.status_code == 409
    campaign = (await api.create(is_campaign=True))["id"]
    r = await client.put(
        f"/projects/{campaign}/campaign/phases/mobilise",
        headers=api.statistician,
        json={"start_month": "2026-01", "end_month": "2026-03"},
    )
    assert r.status_code == 403
    r = await client.put(
        f"/projects/{campaign}/campaign/phases/mobilise",
        headers=api.other_pm,
        json={"start_month": "2026-01", "end_month": "2026-03"},
    )
    assert r.status_code == 404
